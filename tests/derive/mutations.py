"""Corruptions of an expression, for testing that the verifier rejects wrong steps.

Each operator returns a changed expression, or None where it does not apply.  Whether the
change really alters the value is decided separately (``changes_value``), with a float
evaluation that shares nothing with the verifier's 50-digit search.
"""

from __future__ import annotations

import functools
import random
import re
from typing import Callable

import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.assumptions import DIMENSION_SIZES, instantiate
from derive.functions import to_elementary


def _preorder(expr: sp.Basic):
    yield expr
    for arg in expr.args:
        yield from _preorder(arg)


def _replace_first(expr: sp.Basic, pick: Callable[[sp.Basic], sp.Basic | None]) -> sp.Basic | None:
    """Rebuild ``expr`` with the first node (preorder) for which ``pick`` gives a replacement."""
    for node in _preorder(expr):
        new = pick(node)
        if new is not None and new != node:
            return expr.xreplace({node: new})
    return None


def flip_sign(expr: sp.Basic) -> sp.Basic | None:
    """Negate one term of the first sum, or the whole expression when there is no sum."""
    def pick(node):
        if isinstance(node, (sp.Add, sp.MatAdd)) and len(node.args) > 1:
            first, *rest = node.args
            return node.func(-first, *rest)
        return None
    return _replace_first(expr, pick) or (-expr if expr != 0 else None)


def drop_factor(expr: sp.Basic) -> sp.Basic | None:
    """Drop one non-numeric factor of the first product that has two or more."""
    def pick(node):
        if isinstance(node, sp.Mul):
            factors = [f for f in node.args if not f.is_Number]
            if len(factors) >= 2:
                rest = list(node.args)
                rest.remove(factors[-1])
                return sp.Mul(*rest)
        if isinstance(node, sp.MatMul):
            scalars = [f for f in node.args if not isinstance(f, MatrixExpr) and not f.is_Number]
            if scalars:
                rest = list(node.args)
                rest.remove(scalars[0])
                return sp.MatMul(*rest) if len(rest) > 1 else rest[0]
        return None
    return _replace_first(expr, pick)


def change_constant(expr: sp.Basic) -> sp.Basic | None:
    """Add one to the first number other than ±1 (or to the first ±1 when there is none)."""
    numbers = [n for n in _preorder(expr) if isinstance(n, sp.Number) and n not in (0,)]
    preferred = [n for n in numbers if abs(n) != 1] or numbers
    if not preferred:
        return None
    target = preferred[0]
    return expr.xreplace({target: target + 1})


_INDEXED = re.compile(r"^(.*?)(\d+)$")


def swap_index(expr: sp.Basic) -> sp.Basic | None:
    """Swap two symbols that differ only in their index, such as μ₀ ↔ μ₁ or π₀ ↔ π₁."""
    symbols = sorted(expr.free_symbols | expr.atoms(sp.MatrixSymbol), key=sp.default_sort_key)
    by_stem: dict[str, list] = {}
    for s in symbols:
        name = s.name
        match = _INDEXED.match(name)
        if match:
            by_stem.setdefault(match.group(1), []).append(s)
    for stem, group in sorted(by_stem.items()):
        for i, s1 in enumerate(group):
            for s2 in group[i + 1:]:
                if getattr(s1, "shape", None) == getattr(s2, "shape", None):
                    return expr.xreplace({s1: s2, s2: s1})
    # Otherwise rename a variable to another one of the same kind that the expression lacks.
    return None


def transpose(expr: sp.Basic) -> sp.Basic | None:
    """Transpose a matrix-valued expression, or the first non-symmetric square factor in it."""
    if isinstance(expr, MatrixExpr) or getattr(expr, "is_Matrix", False):
        return expr.T
    def pick(node):
        if isinstance(node, sp.MatrixSymbol) and node.shape[0] == node.shape[1]:
            return node.T
        if isinstance(node, sp.MatMul):
            return node.T
        return None
    return _replace_first(expr, pick)


MUTATIONS: dict[str, Callable[[sp.Basic], sp.Basic | None]] = {
    "flip a sign": flip_sign,
    "drop a factor": drop_factor,
    "change a constant": change_constant,
    "swap an index": swap_index,
    "transpose a matrix": transpose,
}


@functools.lru_cache(maxsize=None)
def changes_value(original: sp.Basic, mutated: sp.Basic, assumptions: tuple, seed: int = 0) -> bool:
    """True when the two expressions differ at some random admissible point (double precision).

    Shapes that differ count as a change.  Expressions that cannot be evaluated count as no
    change, so such a mutation is not used.
    """
    dims = {s for e in (original, mutated) for m in e.atoms(sp.MatrixSymbol) for n in m.shape
            for s in sp.sympify(n).free_symbols if s in DIMENSION_SIZES}
    sizes = {s: max(DIMENSION_SIZES[s]) - i for i, s in enumerate(sorted(dims, key=str))}
    sizes = {s: max(v, min(DIMENSION_SIZES[s])) for s, v in sizes.items()}
    try:
        a = instantiate(original, assumptions, sizes)
        b = instantiate(mutated, assumptions, sizes)
        va, vb = (_explicit(to_elementary(e.expr).doit()) for e in (a, b))
    except Exception:
        return False
    if va.shape != vb.shape:
        return True
    symbols = sorted(va.free_symbols | vb.free_symbols, key=sp.default_sort_key)
    f = sp.lambdify(symbols, list(va) + list(vb), modules=["numpy", "scipy"])
    rng = random.Random(seed)
    entries = {**a.entries, **b.entries}
    for _ in range(8):
        point: dict = {}
        for assumption in assumptions:
            point.update(assumption.sample(rng, entries, sizes))
        args = [float(point.get(s, rng.uniform(-2, 2))) for s in symbols]
        with np.errstate(all="ignore"):
            try:
                values = np.array(f(*args), dtype=complex)
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                continue
        n = va.shape[0] * va.shape[1]
        left, right = values[:n], values[n:]
        if not (np.all(np.isfinite(left)) and np.all(np.isfinite(right))):
            continue
        if not np.allclose(left, right, rtol=1e-7, atol=1e-9):
            return True
    return False


def _explicit(e: sp.Basic) -> sp.ImmutableMatrix:
    if isinstance(e, MatrixExpr):
        return sp.ImmutableMatrix(e.as_explicit())
    if getattr(e, "is_Matrix", False):
        return sp.ImmutableMatrix(e)
    return sp.ImmutableMatrix([[e]])
