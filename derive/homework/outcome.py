"""The result of comparing an answer with a reference, and the tolerances it is judged by."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mpmath

from ..verify import DIGITS
from .proofs import entries

__all__ = ["Outcome", "REL_TOL", "ABS_FLOOR", "CONFIRM_DIGITS", "gap", "vshape"]

REL_TOL = mpmath.mpf(10) ** -30   # agreement needed, relative to the size of the values
ABS_FLOOR = mpmath.mpf(10) ** -40  # rounding at 50 digits stays far below this
CONFIRM_DIGITS = 20 * DIGITS       # a difference must persist at this precision


@dataclass
class Outcome:
    """The result of one comparison.

    ``status`` is "equal", "equal-modulo" (equal up to a term free of the target's modulo
    symbols), "different", "undefined" (a 0/0 or ∞ − ∞ form) or "unknown"; ``method`` says
    how it was decided; ``values`` are the answer's values at the first points (for matching
    known mistakes).
    """

    status: str
    method: str
    counterexample: dict[str, str] | None = None
    residual: float | None = None
    detail: str = ""
    values: dict[int, Any] = field(default_factory=dict)
    points: int = 0


def vshape(v: Any) -> tuple[int, int] | None:
    return None if not hasattr(v, "shape") or v.shape == (1, 1) else v.shape


def gap(a: Any, r: Any) -> tuple[mpmath.mpf, mpmath.mpf]:
    """The largest entry of |a − r|, and the bound it must stay below to count as agreement."""
    ea, er = entries(a), entries(r)
    worst = max(abs(u - v) for u, v in zip(ea, er))
    return worst, REL_TOL * max([abs(u) for u in ea] + [abs(v) for v in er]) + ABS_FLOOR


