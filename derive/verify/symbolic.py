"""Proofs for symbolic dimensions, by SymPy's matrix-expression algebra.

Only for claims built from plain matrix algebra (sums, products, transposes, inverses,
traces, identities and zeros of matrix symbols): there SymPy's rules hold for every size.
Anything holding an operator of this package, a derivative or a function is left to the
proofs at explicit sizes.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.relational import Relational
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..timelimit import time_limit
from .prove import FAILURES

__all__ = ["prove_symbolic", "SYMBOLIC_SECONDS"]

SYMBOLIC_SECONDS = 1.0

_ALGEBRA = (sp.MatrixSymbol, sp.MatAdd, sp.MatMul, sp.Transpose, sp.Inverse, sp.Identity, sp.ZeroMatrix,
            sp.Trace, sp.MatPow, sp.Add, sp.Mul, sp.Pow, sp.Symbol, sp.Number, sp.Tuple, sp.Integer)


def _plain_algebra(e: sp.Basic) -> bool:
    return all(isinstance(node, _ALGEBRA) or (node.is_Number) for node in sp.preorder_traversal(e))


def prove_symbolic(claim: Relational) -> str | None:
    """'matrix algebra' if lhs − rhs is the zero matrix for symbolic sizes, else None."""
    if type(claim) is not sp.Equality or not all(isinstance(s, MatrixExpr) for s in (claim.lhs, claim.rhs)):
        return None
    if claim.lhs.shape != claim.rhs.shape or not _plain_algebra(claim):
        return None
    try:
        with time_limit(SYMBOLIC_SECONDS):
            diff = (claim.lhs - claim.rhs).doit().expand().doit()
            if isinstance(diff, sp.ZeroMatrix) or diff == 0:
                return "matrix algebra"
    except FAILURES:
        return None
    return None
