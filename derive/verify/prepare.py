"""Preparing a claim for the prover and the search: definitions in, operators carried out."""

from __future__ import annotations

import functools

import sympy as sp
from sympy.core.relational import Relational
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..assumptions import DIMENSION_SIZES
from ..functions import to_elementary
from ..numbers import to_sympy
from ..ops import Elementwise, Softmax
from .linalg import carry_out_linalg

__all__ = ["prepare", "difference", "unlimit", "argument_claims", "limit_variable", "dimension_symbols", "is_matrix"]


@functools.lru_cache(maxsize=256)
def prepare(expr: sp.Basic) -> sp.Basic:
    """Definitions in, then carry out derivatives, gradients, limits and matrix products.

    Remembered: neighbouring steps of a derivation share a side, carried out at the same sizes.
    """
    expr = to_elementary(expr)
    # SymPy cannot carry out some products with a symbolic all-ones or zero matrix (a trace of
    # (X − 1μᵀ)(X − 1μᵀ)ᵀ raises): at concrete sizes they become explicit matrices first.
    constant = [m for m in expr.atoms(sp.OneMatrix, sp.ZeroMatrix, sp.Identity)
                if all(getattr(n, "is_Integer", False) for n in m.shape)]
    if constant:
        expr = expr.xreplace({m: sp.ImmutableMatrix(m.as_explicit()) for m in constant})
    # Determinants and inverses before doit(): SymPy's own det() and inv() of a 4×4 matrix of
    # symbols simplify at every step and take minutes.
    expr = carry_out_linalg(expr)
    if expr.has(sp.Limit):
        # SymPy's Limit takes scalars only: the limit of a matrix is taken entry by entry.
        expr = expr.replace(lambda e: isinstance(e, sp.Limit) and is_matrix(e.args[0]), _entrywise_limit)
    expr = expr.doit()
    if isinstance(expr, sp.MatrixBase) or getattr(expr, "is_Matrix", False):
        return sp.ImmutableMatrix(expr.as_explicit() if hasattr(expr, "as_explicit") else expr)
    return expr


def is_matrix(e: sp.Basic) -> bool:
    return isinstance(e, MatrixExpr) or getattr(e, "is_Matrix", False)


def _entrywise_limit(limit: sp.Limit) -> sp.ImmutableMatrix:
    f, *rest = limit.args
    f = f.doit()
    f = sp.ImmutableMatrix(f.as_explicit() if isinstance(f, MatrixExpr) else f)
    return f.applyfunc(lambda entry: sp.Limit(entry, *rest))


def difference(lhs: sp.Basic, rhs: sp.Basic) -> sp.Basic:
    lm, rm = getattr(lhs, "is_Matrix", False), getattr(rhs, "is_Matrix", False)
    if lm and rm:
        if lhs.shape != rhs.shape:
            raise ValueError(f"shape mismatch: {lhs.shape} vs {rhs.shape}")
        return sp.ImmutableMatrix(lhs - rhs)
    if lm or rm:
        m, s = (lhs, rhs) if lm else (rhs, lhs)
        if s == 0:  # a zero vector written as 0 means the zero matrix of the other side's shape
            return sp.ImmutableMatrix(m if lm else -m)
        if m.shape != (1, 1):
            raise ValueError(f"shape mismatch: a {m.shape[0]}×{m.shape[1]} matrix against a scalar")
        return (m[0, 0] - s) if lm else (s - m[0, 0])
    return lhs - rhs


def dimension_symbols(expr: sp.Basic) -> set[sp.Symbol]:
    found = set()
    for m in expr.atoms(sp.MatrixSymbol):
        for n in m.shape:
            found |= {s for s in to_sympy(n).free_symbols if s in DIMENSION_SIZES}
    return found | {s for s in expr.free_symbols if s in DIMENSION_SIZES}


def limit_variable(claim: Relational) -> sp.Symbol | None:
    limits = claim.lhs.atoms(sp.Limit) | claim.rhs.atoms(sp.Limit)
    return next(iter(limits)).args[1] if limits else None


def argument_claims(claim: Relational) -> list[Relational]:
    """For Eq(f(a, …), f(b, …)) with the same function f: the claims a = b, … (else [])."""
    lhs, rhs = claim.lhs, claim.rhs
    if type(claim) is not sp.Equality or type(lhs) is not type(rhs) or len(lhs.args) != len(rhs.args):
        return []
    if isinstance(lhs, sp.Function):
        operands = range(len(lhs.args))
    elif isinstance(lhs, (sp.Limit, Softmax)):  # Limit(f, t, t0, dir): only f may differ
        operands = (0,)
    elif isinstance(lhs, Elementwise):         # Elementwise(λ, M): only M may differ
        operands = (1,)
    else:
        return []
    pairs = list(zip(lhs.args, rhs.args))
    if any(a != b for i, (a, b) in enumerate(pairs) if i not in operands):
        return []
    if not all(isinstance(a, sp.Expr) or is_matrix(a) for a, _ in pairs):
        return []
    return [sp.Eq(pairs[i][0], pairs[i][1], evaluate=False) for i in operands if pairs[i][0] != pairs[i][1]]


def unlimit(expr: sp.Basic) -> sp.Basic:
    """Replace each unevaluated Limit(f, t, ∞) by f itself (t is then set large)."""
    if not expr.has(sp.Limit):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Limit), lambda e: e.args[0])


