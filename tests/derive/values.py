"""Evaluate a derive expression at concrete sizes and values, for cross-checks against NumPy/SciPy.

``value(expr, {d: 3}, {x: array, theta0: 0.5})`` substitutes the sizes, puts the arrays in for
the matrix symbols (scalars for the symbols), carries everything out, and returns a float or a
NumPy array.  Shares nothing with the verifier's sampling or proof machinery.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import sympy as sp

from derive.functions import to_elementary


def value(expr: sp.Basic, sizes: Mapping[sp.Symbol, int], values: Mapping[sp.Basic, object]):
    concrete = expr.subs(sizes) if sizes else expr
    replacements = {}
    for sym, val in values.items():
        if isinstance(sym, sp.MatrixSymbol):
            sym = sym.subs(sizes) if sizes else sym
            replacements[sym] = sp.ImmutableMatrix(np.asarray(val, dtype=float).reshape(sym.shape))
        else:
            replacements[sym] = sp.Float(float(val), 30)
    out = to_elementary(concrete.xreplace(replacements)).doit()
    # Carrying out may bring in scalars of its own (the normaliser's |Σ|): substitute again.
    out = out.xreplace({k: v for k, v in replacements.items() if not isinstance(k, sp.MatrixSymbol)})
    if getattr(out, "is_Matrix", False) or isinstance(out, sp.MatrixExpr):
        return np.array(sp.ImmutableMatrix(out).evalf(30).tolist(), dtype=float)
    return float(sp.N(out, 30))
