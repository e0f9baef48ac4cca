"""Numbers into SymPy without a parser.

``sympy.sympify`` also parses strings, with ``eval``; nothing in this project needs that, so
internal values (sizes, case values, constants) go through ``to_sympy``, which only converts
numbers and refuses anything else.
"""

from __future__ import annotations

import numbers

import sympy as sp

__all__ = ["to_sympy"]


def to_sympy(value: object) -> sp.Basic:
    """A SymPy object as it is, an integer as ``Integer``, a real number as ``Float``."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool):
        raise TypeError(f"expected a number or a SymPy object, got the bool {value!r}")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, numbers.Rational):
        return sp.Rational(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):
        return sp.Float(float(value))
    raise TypeError(f"expected a number or a SymPy object, got {type(value).__name__}: {value!r}")
