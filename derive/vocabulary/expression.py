"""Functions declared from an expression, and what the verifier reads from the vocabulary.

``declare_expression("softsign", u, u/(1 + |u|))`` makes a SymPy function class whose
derivative is the derivative of its body and whose definition is the body itself: it prints,
parses, evaluates and compiles like any built-in function, without a line of code elsewhere.
"""

from __future__ import annotations

from typing import Iterable

import sympy as sp

from .classes import DeclaredFunction
from .declaration import SPELLING, Declared, declaration_of, declare, declared

__all__ = ["declare_expression", "to_elementary", "elementary_classes", "mpmath_namespace", "caveats"]


def declare_expression(name: str, variable: sp.Symbol, body: sp.Expr, *, latex: str | None = None,
                       spellings: Iterable[str] | None = None, caveat: str = "", replace: bool = False,
                       entrywise: bool = True) -> Declared:
    """Declare the one-argument function ``name(variable) = body`` and return its declaration.

    ``body`` may use ``variable``, numbers and declared functions only.  Its derivative is
    d(body)/d(variable); its LaTeX is ``latex`` (default ``\\operatorname{name}``); answers may
    call it by ``spellings`` (default: its name).  The numeric forms evaluate the body.  With
    ``entrywise=False`` an answer may apply it to scalars only.
    """
    if not isinstance(name, str) or not SPELLING.match(name):
        raise ValueError(f"a function name must be letters and digits, got {name!r}")
    if not isinstance(variable, sp.Symbol):
        raise TypeError(f"the variable of {name} must be a SymPy Symbol, got {variable!r}")
    if not isinstance(body, sp.Expr) or getattr(body, "is_Matrix", False):
        raise TypeError(f"the body of {name} must be a scalar SymPy expression, got {body!r}")
    extra = body.free_symbols - {variable}
    if extra:
        raise ValueError(f"the body of {name}({variable}) uses {sorted(map(str, extra))}, which are not its variable")
    u = sp.Dummy(variable.name, real=True)
    body = body.xreplace({variable: u})

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.diff(body, u).xreplace({u: self.args[0]})

    def definition(x: sp.Basic) -> sp.Expr:
        return body.xreplace({u: x})

    cls = type(name, (DeclaredFunction,), {
        "nargs": 1, "fdiff": fdiff, "__module__": __name__,
        "__doc__": f"{name}({variable}) = {sp.sstr(body.xreplace({u: variable}))}, declared from an expression.",
        "_eval_rewrite_as_exp": lambda self, x, **kw: definition(x),
        "_eval_is_real": lambda self: self.args[0].is_real and body.is_real,
    })
    decl = Declared(name, cls, latex or r"\operatorname{%s}" % name,
                    tuple(spellings) if spellings is not None else (name,), definition=definition, caveat=caveat,
                    entrywise=entrywise)
    return declare(decl, replace=replace)


def elementary_classes() -> tuple[type, ...]:
    """The function classes that have a definition in elementary functions (σ, softplus, …)."""
    return tuple(d.func for d in declared() if d.definition is not None)


def to_elementary(expr: sp.Basic) -> sp.Basic:
    """Replace every declared function that has a definition (σ, softplus, logsumexp, ReLU, …) by it."""
    # Not ``rewrite(exp)``, which would also expand tanh, cosh, ...; and ``xreplace`` on the
    # few applications found, which is several times faster than a pattern ``replace``.
    # Inner applications first, so nested ones (σ(σ(z))) are rewritten all the way down.
    classes = elementary_classes()
    while True:
        found = [f for f in expr.atoms(sp.Function) if isinstance(f, classes)]
        if not found:
            return expr
        innermost = [f for f in found if not any(g.has(*classes) for g in f.args)]
        expr = expr.xreplace({f: declaration_of(f).elementary(*f.args) for f in innermost})


def mpmath_namespace() -> dict[str, object]:
    """Names → mpmath forms of the declared functions, for ``lambdify(..., modules=[this, "mpmath"])``."""
    return {d.func.__name__: d.mpmath for d in declared() if d.mpmath is not None and d.definition is not None}


def caveats(expr: sp.Basic) -> list[str]:
    """What must be said about a claim that uses these functions (ReLU's missing derivative at 0, say)."""
    out = []
    for d in declared():
        if d.caveat and expr.has(d.func):
            out.append(d.caveat)
    return out
