"""logsumexp over a whole column vector, of symbolic length K: ``LogSumExp(a)``.

The declared function ``logsumexp(a_1, …, a_K)`` takes scalars, so it cannot stand for
log Σ_k e^{a_k} while K is a symbol.  ``LogSumExp(a)`` is that scalar: it prints as the
declaration's LaTeX (``\\operatorname{logsumexp}(a)``) and ``doit()`` writes it out as
log Σ_k e^{a_k} once the length is a number, which is how the verifier proves claims about
it (∇ LogSumExp(a) = softmax(a), its Hessian, shifts by a constant) at K = 2, 3, 4.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .declaration import by_name

__all__ = ["LogSumExp"]


def _is_column(v: sp.Basic) -> bool:
    return (isinstance(v, MatrixExpr) or getattr(v, "is_Matrix", False)) and v.shape[1] == 1


class LogSumExp(sp.Expr):
    """logsumexp(a) = log Σ_{k=1}^{K} e^{a_k} of a column a (K×1, K a number or a symbol), a scalar."""

    is_commutative = True

    def __new__(cls, a: sp.Basic):
        if not (isinstance(a, MatrixExpr) or getattr(a, "is_Matrix", False)):
            raise TypeError(f"LogSumExp takes one column vector, got {a!r}: for scalars use logsumexp(a_1, …, a_K)")
        if not _is_column(a):
            raise ValueError(f"LogSumExp takes a column vector (K×1), got shape {a.shape}")
        return sp.Expr.__new__(cls, a)

    def doit(self, **hints) -> sp.Expr:
        a = self.args[0].doit(**hints) if hints.get("deep", True) else self.args[0]
        if not all(isinstance(n, int) or getattr(n, "is_Integer", False) for n in a.shape):
            return LogSumExp(a)
        entries = list(sp.ImmutableMatrix(a.as_explicit() if isinstance(a, MatrixExpr) else a))
        return sp.log(sp.Add(*[sp.exp(e) for e in entries]))

    def _eval_is_real(self) -> bool | None:
        return None  # the entries of a matrix symbol carry no assumptions until made explicit

    def _latex(self, printer, exp=None) -> str:
        decl = by_name("logsumexp")
        name = decl.latex if decl is not None else r"\operatorname{logsumexp}"
        body = r"%s\left(%s\right)" % (name, printer._print(self.args[0]))
        return body if exp is None else r"%s^{%s}" % (body, exp)

    def _sympystr(self, printer) -> str:
        return "logsumexp(%s)" % printer._print(self.args[0])

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        body = prettyForm(*printer._print(self.args[0]).parens())
        return prettyForm(*body.left("logsumexp"))
