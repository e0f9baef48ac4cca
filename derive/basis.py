"""The standard basis vector e_k of R^n, with n possibly a dimension symbol (such as K).

e_k is the one-hot column that softmax saturates to; it stays symbolic while n is a symbol
and becomes an explicit column once n is an integer.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .numbers import to_sympy
__all__ = ["UnitVector"]


class UnitVector(MatrixExpr):
    """e_k ∈ R^n: 1 in row k (counting from 1), 0 elsewhere."""

    def __new__(cls, n: sp.Basic, k: int | sp.Integer):
        n, k = to_sympy(n), to_sympy(k)
        if not k.is_Integer or k < 1:
            raise ValueError(f"UnitVector's index must be a positive integer, got {k}")
        if n.is_Integer and k > n:
            raise ValueError(f"UnitVector: index {k} is beyond the size {n}")
        return MatrixExpr.__new__(cls, n, k)

    @property
    def shape(self):
        return (self.args[0], sp.S.One)

    def doit(self, **hints):
        n, k = self.args
        if not n.is_Integer:
            return self
        return sp.ImmutableMatrix([[int(i + 1 == k)] for i in range(int(n))])

    def definition(self) -> sp.ImmutableMatrix | None:
        """The explicit column once n is an integer (for ``derive.evaluate``), else None."""
        return self.doit() if self.args[0].is_Integer else None

    def _entry(self, i, j, **kwargs):
        return sp.KroneckerDelta(i + 1, self.args[1])

    def _latex(self, printer, exp=None) -> str:
        return r"e_{%s}" % printer._print(self.args[1])

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm("e" + "".join("₀₁₂₃₄₅₆₇₈₉"[int(c)] for c in str(self.args[1])))

    def _sympystr(self, printer) -> str:
        return "e_%s" % printer._print(self.args[1])
