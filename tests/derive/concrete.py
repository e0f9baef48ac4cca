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

from .values import value


def at(expr: sp.Basic, sizes: Mapping[sp.Symbol, int], values: Mapping[sp.Basic, object]) -> float | np.ndarray:
    """``expr`` with every size and symbol replaced by the given numbers (columns as 1-D arrays)."""
    out = value(expr, sizes, values)
    return out[:, 0] if isinstance(out, np.ndarray) and out.shape[1] == 1 else out


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
