"""A derivation's formula at concrete sizes and numbers, for checks against independent NumPy code.

``at(expr, {d: 3}, {x: array, y: 1.0})`` substitutes the sizes, puts the arrays in for the
matrix symbols and the numbers in for the scalars, carries everything out at 30 digits and
returns a float or a NumPy array (vectors as 1-D arrays).  The reference values it is compared
with are computed separately in each test, with NumPy, SciPy or mpmath.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import sympy as sp

from derive.functions import to_elementary


def at(expr: sp.Basic, sizes: Mapping[sp.Symbol, int], values: Mapping[sp.Basic, object]) -> float | np.ndarray:
    """``expr`` with every size and symbol replaced by the given numbers."""
    concrete = expr.subs(sizes) if sizes else expr
    replacements = {}
    for sym, val in values.items():
        if isinstance(sym, sp.MatrixSymbol):
            sym = sym.subs(sizes) if sizes else sym
            replacements[sym] = sp.ImmutableMatrix(np.asarray(val, dtype=float).reshape(sym.shape))
        else:
            replacements[sym] = sp.Float(float(val), 30)
    out = to_elementary(concrete.xreplace(replacements)).doit()
    if getattr(out, "is_Matrix", False) or isinstance(out, sp.MatrixExpr):
        array = np.array(sp.ImmutableMatrix(out).evalf(30).tolist(), dtype=float)
        return array[:, 0] if array.shape[1] == 1 else array
    return float(sp.N(out, 30))


def central_difference(f, point: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """∂f/∂point_i ≈ (f(point + h e_i) − f(point − h e_i)) / 2h, for every entry of ``point``."""
    point = np.asarray(point, dtype=float)
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        up, down = point.copy(), point.copy()
        up[index] += step
        down[index] -= step
        grad[index] = (f(up) - f(down)) / (2 * step)
    return grad
