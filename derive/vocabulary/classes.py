"""The SymPy function classes the project adds to SymPy's own: σ, softplus, logsumexp and ReLU.

Each knows its derivative (``fdiff``) and keeps its closed form one ``rewrite(exp)`` away,
so the verifier can always prove things from the definition instead of trusting the rule
written here; ``derivations/sigmoid_derivative.py`` proves σ′, and the tests check every
``fdiff`` against the definition.  How each prints, is spelled in answers and is evaluated
is declared once, in ``builtin.py``; ``_latex`` below only reads that declaration.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["sigmoid", "softplus", "logsumexp", "relu", "DeclaredFunction"]


class DeclaredFunction(sp.Function):
    """A function whose LaTeX comes from its declaration in the vocabulary."""

    def _latex(self, printer, exp=None) -> str:
        from .declaration import declaration_of

        decl = declaration_of(self)
        name = decl.latex if decl is not None else r"\operatorname{%s}" % type(self).__name__
        inner = ", ".join(printer._print(a) for a in self.args)
        body = r"%s\left(%s\right)" % (name, inner)
        return body if exp is None else r"%s^{%s}" % (body, exp)


class sigmoid(DeclaredFunction):
    r"""The logistic function  σ(z) = 1 / (1 + e^{−z}),  with  σ′(z) = σ(z)(1 − σ(z))."""

    nargs = 1

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_zero:
            return sp.S.Half
        if z is sp.oo:
            return sp.S.One
        if z is sp.S.NegativeInfinity:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs) -> sp.Expr:
        return 1 / (1 + sp.exp(-z))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_finite(self) -> bool | None:
        return self.args[0].is_real

    def _sympystr(self, printer) -> str:
        return "sigma(%s)" % printer._print(self.args[0])

    def _pretty(self, printer):
        return printer._print_Function(self, func_name="σ")


class softplus(DeclaredFunction):
    r"""softplus(z) = log(1 + e^{z}),  with  softplus′(z) = σ(z)  and  −log σ(z) = softplus(−z)."""

    nargs = 1

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_zero:
            return sp.log(2)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs) -> sp.Expr:
        return sp.log(1 + sp.exp(z))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real


class logsumexp(DeclaredFunction):
    r"""logsumexp(a_1, …, a_K) = log Σ_j e^{a_j},  with  ∂/∂a_k = e^{a_k} / Σ_j e^{a_j}  (softmax).

    Given one vector of known length, it is the logsumexp of its entries; a vector of symbolic
    length is refused, as is a lone scalar's logsumexp of a matrix-valued argument.
    """

    @classmethod
    def eval(cls, *args: sp.Expr) -> sp.Expr | None:
        if len(args) == 0:
            raise TypeError("logsumexp needs at least one argument")
        if any(getattr(a, "is_Matrix", False) for a in args):
            return _logsumexp_of_entries(args)
        if len(args) == 1:
            return args[0]
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        total = sp.Add(*[sp.exp(a) for a in self.args])
        return sp.exp(self.args[argindex - 1]) / total

    def _eval_rewrite_as_exp(self, *args: sp.Expr, **kwargs) -> sp.Expr:
        return sp.log(sp.Add(*[sp.exp(a) for a in args]))

    def _eval_is_real(self) -> bool | None:
        return all(a.is_real for a in self.args) or None


def _logsumexp_of_entries(args: tuple) -> sp.Expr:
    """logsumexp of one vector: of its entries, when its length is a number."""
    if len(args) != 1:
        raise TypeError("logsumexp takes scalars, or one vector; got a matrix among several arguments")
    v = args[0]
    rows, cols = v.shape
    if not (getattr(rows, "is_Integer", False) and getattr(cols, "is_Integer", False)):
        raise TypeError(f"logsumexp of {v}, whose size {rows}×{cols} is symbolic: its entries cannot be "
                        "listed; write LogSumExp(v) (derive.vocabulary) for a column of symbolic length, the "
                        "sum with the entries, or fix the size")
    entries = list(sp.ImmutableMatrix(v.as_explicit() if hasattr(v, "as_explicit") else v))
    return logsumexp(*entries)


class relu(DeclaredFunction):
    r"""ReLU(u) = max(u, 0).  Its derivative is the step H(u) for u ≠ 0; at u = 0 it has none.

    ``fdiff`` returns SymPy's ``Heaviside(u)``, whose value 1/2 at 0 is a convention, not a
    derivative; the declaration's caveat makes the verifier say so wherever ReLU appears.
    """

    nargs = 1

    @classmethod
    def eval(cls, u: sp.Expr) -> sp.Expr | None:
        if u.is_nonnegative:
            return u
        if u.is_nonpositive:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0])

    def _eval_rewrite_as_Max(self, u: sp.Expr, **kwargs) -> sp.Expr:
        return sp.Max(u, 0)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_nonnegative(self) -> bool | None:
        return self.args[0].is_real
