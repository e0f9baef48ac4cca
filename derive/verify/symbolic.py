"""Proofs for symbolic dimensions, in the free algebra of the claim's matrices.

A claim built from sums, products and integer powers of matrix symbols (their transposes
and inverses included, each taken as a letter of its own) holds for matrices of every size
if it holds with the matrices replaced by noncommuting symbols: an identity of the free
algebra specialises to any matrices.  ``expand`` decides that.  Anything else (an operator
of this package, a derivative, a trace) is left to the proofs at explicit sizes.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.relational import Relational
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..timelimit import time_limit
from .prove import FAILURES

__all__ = ["prove_symbolic", "SYMBOLIC_SECONDS"]

SYMBOLIC_SECONDS = 1.0


def _letter(name: str) -> sp.Symbol:
    return sp.Symbol(name, commutative=False)


def _free(e: sp.Basic) -> sp.Expr:
    """``e`` in the free algebra; ValueError for anything outside it."""
    if isinstance(e, sp.MatrixSymbol):
        return _letter(e.name)
    if isinstance(e, sp.Transpose) and isinstance(e.arg, sp.MatrixSymbol):
        return _letter(e.arg.name + "ᵀ")
    if isinstance(e, sp.Inverse) and isinstance(e.arg, sp.MatrixSymbol):
        return _letter(e.arg.name + "⁻¹")
    if isinstance(e, sp.Identity):
        return sp.S.One
    if isinstance(e, sp.ZeroMatrix):
        return sp.S.Zero
    if isinstance(e, sp.MatAdd):
        return sp.Add(*[_free(a) for a in e.args])
    if isinstance(e, sp.MatMul):
        return sp.Mul(*[_free(a) for a in e.args])
    if isinstance(e, sp.MatPow) and e.exp.is_Integer and e.exp > 0:
        return _free(e.base) ** int(e.exp)
    if isinstance(e, sp.Expr) and not isinstance(e, MatrixExpr) and e.is_number:
        return e
    raise ValueError(f"not plain matrix algebra: {type(e).__name__}")


def prove_symbolic(claim: Relational) -> str | None:
    """'free matrix algebra' if lhs − rhs expands to 0 for matrices of any size, else None."""
    if type(claim) is not sp.Equality or not all(isinstance(s, MatrixExpr) for s in (claim.lhs, claim.rhs)):
        return None
    if claim.lhs.shape != claim.rhs.shape:
        return None
    try:
        with time_limit(SYMBOLIC_SECONDS):
            lhs, rhs = (_free(side.doit()) for side in (claim.lhs, claim.rhs))
            if sp.expand(lhs - rhs) == 0:
                return "free matrix algebra"
    except FAILURES:
        return None
    return None
