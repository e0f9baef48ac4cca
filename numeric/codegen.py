"""From a derived SymPy expression to a stable numeric function.

Two steps, both mechanical, so a formula is never typed a second time:

1. **Stabilise** the expression with identities the derivations prove:
   * σ(−u) = 1 − σ(u)  (``sigmoid-derivative``), used as  c − c·σ(u) → c·σ(−u);
   * softplus(−u) = softplus(u) − u  (``bernoulli-nll``), used as  k·softplus(u) − k·u → k·softplus(−u);
   and, for a binary label y that enters affinely,  f(z, y) = (1 − y)·f(z, 0) + y·f(z, 1),
   so that each branch is simplified on its own.  ``σ(z) − y`` thus becomes
   ``(1 − y)σ(z) − yσ(−z)``: both terms are accurate to the last bit even where σ(z) rounds
   to 1, whereas σ(z) − 1 would cancel to 0.
2. **Print** it with a printer that knows the custom functions: σ → ``scipy.special.expit``,
   softplus(u) → ``numpy.logaddexp(0, u)``, logsumexp → ``scipy.special.logsumexp``,
   Dot(a, b) = aᵀb → ``numpy.sum(a*b)``, Elementwise(f, M) → f of the array, DiagOf(M) → its
   diagonal as a column (the NumPy target), or the scalar stable functions
   of ``numeric.fused`` (the target that numba compiles into a loop).  Every function is
   lambdified with ``cse=True``.
"""

from __future__ import annotations

import re
from typing import Callable, Mapping, Sequence

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import PythonCodePrinter

from derive.functions import sigmoid, softplus
from derive.gaussian import DiagOf
from derive.ops import Dot, Elementwise
from derive.vocabulary import Declared, declaration_of

__all__ = ["stabilise", "split_binary", "stable_form", "StableNumPyPrinter", "ScalarPrinter",
           "lambdify_numpy", "lambdify_scalar"]

_PRINTER_SETTINGS = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True}


def _terms_without(terms: list[sp.Expr], i: int) -> sp.Expr:
    return sp.Add(*(t for j, t in enumerate(terms) if j != i))


def _n_terms(expr: sp.Expr) -> int:
    return 0 if expr == 0 else len(sp.Add.make_args(expr))


def _rewrite_add_once(add: sp.Add) -> sp.Expr | None:
    """One application of a complement rule that makes ``add`` shorter, or None."""
    terms = list(add.args)
    for i, term in enumerate(terms):
        rest = _terms_without(terms, i)
        for factor in sp.Mul.make_args(term):
            k = sp.cancel(term / factor)
            if isinstance(factor, sigmoid):
                # k·σ(u) + rest = −k·σ(−u) + (rest + k)
                u = factor.args[0]
                new_rest, candidate_head = sp.expand(rest + k), -k * sigmoid(-u)
            elif isinstance(factor, softplus):
                # k·softplus(u) + rest = k·softplus(−u) + (rest + k·u)
                u = factor.args[0]
                new_rest, candidate_head = sp.expand(rest + k * u), k * softplus(-u)
            else:
                continue
            # Only when the rest absorbs k (or k·u) and gets shorter, i.e. the rule cancels something.
            if _n_terms(new_rest) < _n_terms(rest):
                return candidate_head + new_rest
    return None


def stabilise(expr: sp.Expr) -> sp.Expr:
    """Rewrite c − c·σ(u) as c·σ(−u) and k·softplus(u) − k·u as k·softplus(−u), bottom up.

    Both identities hold for every real u, so the result equals ``expr`` everywhere; it
    is only shorter and free of the cancellation 1 − σ(u) suffers when σ(u) rounds to 1.
    """
    if not isinstance(expr, sp.Basic) or expr.is_Atom:
        return expr
    expr = expr.func(*(stabilise(arg) for arg in expr.args))
    while isinstance(expr, sp.Add):
        rewritten = _rewrite_add_once(expr)
        if rewritten is None:
            break
        expr = rewritten
    return expr


def split_binary(expr: sp.Expr, label: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """(f(·, 0), f(·, 1)) for an f affine in ``label``, so that f = (1 − y)·f(·, 0) + y·f(·, 1)."""
    if sp.diff(expr, label, 2) != 0:
        raise ValueError(f"{expr} is not affine in the label {label}, so it cannot be split into its "
                         f"{label} = 0 and {label} = 1 branches")
    return expr.subs(label, 0), expr.subs(label, 1)


def stable_form(expr: sp.Expr, label: sp.Symbol | None = None) -> sp.Expr:
    """``expr`` rewritten for floating point: split on a binary ``label``, then stabilised.

    f(z, y) = (1 − y)·stabilise(f(z, 0)) + y·stabilise(f(z, 1)), which equals f for every
    real y when f is affine in y (it is then not restricted to y ∈ {0, 1}).
    """
    if label is None or not expr.has(label):
        return stabilise(expr)
    at0, at1 = split_binary(expr, label)
    return (1 - label) * stabilise(at0) + label * stabilise(at1)


_QUALIFIED = re.compile(r"<([A-Za-z_][A-Za-z0-9_.]*)>")


def _declared_code(printer, expr: sp.Basic, form: str | None, decl: Declared) -> str | None:
    """A declared function's code from its form (``<module.name>`` qualified through the printer),
    or from its definition when it has no form but one (a function declared by a course)."""
    args = [printer._print(a) for a in expr.args]
    if form is not None:
        form = _QUALIFIED.sub(lambda m: printer._module_format(m.group(1)), form)
        return form.format(*args, args=", ".join(args))
    if decl.definition is not None and not type(expr).__module__.startswith("sympy"):
        return printer._print(decl.elementary(*expr.args))
    return None


class StableNumPyPrinter(NumPyPrinter):
    """NumPy code where each declared function prints its declared stable form (σ → SciPy's
    ``expit``, softplus → ``numpy.logaddexp(0, u)``, logsumexp → SciPy's ``logsumexp``, …)."""

    def _print_Function(self, expr: sp.Function) -> str:
        decl = declaration_of(expr)
        code = _declared_code(self, expr, decl.numpy, decl) if decl is not None else None
        return code if code is not None else super()._print_Function(expr)

    _print_sech = _print_Function  # SymPy's NumPy printer would write sech out through exp

    def _print_Dot(self, expr: Dot) -> str:
        # aᵀb for two columns of the same shape: the sum of their elementwise product.
        a, b = (self._print(arg) for arg in expr.args)
        return f"{self._module_format('numpy.sum')}(({a})*({b}))"

    def _print_Elementwise(self, expr: Elementwise) -> str:
        # f applied entrywise: NumPy's ufuncs already act entrywise on the array.
        lam, matrix = expr.args
        (var,) = lam.variables
        return f"(lambda {self._print(var)}: {self._print(lam.expr)})({self._print(matrix)})"

    def _print_DiagOf(self, expr: DiagOf) -> str:
        return f"{self._module_format('numpy.diagonal')}({self._print(expr.args[0])})[:, None]"


class ScalarPrinter(PythonCodePrinter):
    """Scalar Python code (``math`` module) calling the scalar stable functions by name.

    The names ``sigmoid`` and ``softplus`` are bound by ``lambdify_scalar`` to whatever
    implementations the caller passes, e.g. the compiled ones in ``numeric.fused``.
    """

    def _print_Function(self, expr: sp.Function) -> str:
        decl = declaration_of(expr)
        if decl is not None and decl.scalar is None and decl.arity is None:
            raise TypeError(f"{decl.name} has no scalar kernel: a function of a whole row (a softmax loss, "
                            "say) is evaluated on whole rows")
        code = _declared_code(self, expr, decl.scalar, decl) if decl is not None else None
        return code if code is not None else super()._print_Function(expr)

    _print_sech = _print_Function


def lambdify_numpy(args: Sequence[sp.Basic], expr: sp.Basic | Sequence[sp.Basic]) -> Callable:
    """A NumPy function of ``args`` computing ``expr`` (printed by StableNumPyPrinter, cse=True).

    Matrix symbols among ``args`` take 2-D arrays of their shape (columns as (d, 1)).
    """
    printer = StableNumPyPrinter(dict(_PRINTER_SETTINGS, user_functions={}))
    return sp.lambdify(args, expr, modules=["scipy", "numpy"], printer=printer, cse=True)


def lambdify_scalar(args: Sequence[sp.Symbol], expr: sp.Expr,
                    functions: Mapping[str, Callable]) -> Callable:
    """A scalar ``math`` function of ``args`` computing ``expr``; σ/softplus bound from ``functions``."""
    missing = {"sigmoid", "softplus"} - set(functions)
    if missing:
        raise ValueError(f"lambdify_scalar needs implementations of {sorted(missing)}")
    printer = ScalarPrinter(dict(_PRINTER_SETTINGS, user_functions={}))
    return sp.lambdify(args, expr, modules=[dict(functions), "math"], printer=printer, cse=True)
