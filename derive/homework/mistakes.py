"""Naming the mistake in a wrong answer, so the feedback says *what* is wrong.

A wrong answer is compared, at the checker's first points, with

1. the target's **known mistakes** (``Target.mistakes``): the sign of (p − y), ∂L/∂p instead
   of ∂L/∂z, σ² instead of σ(1 − σ), a missing θ₀, Σ instead of Σ⁻¹, a missing prior term,
   sigmoid′ where tanh′ belongs, ... each with its own feedback and partial credit;
2. **patterns** that need no list: the transpose of the key, its negative, a constant multiple
   of it, or the key plus a constant.

An answer of the wrong shape is matched against known mistakes of its own shape and against
the transpose; failing those, the feedback names both shapes.  A match needs agreement to
1e-20 relative at every compared point (the points are random, so a match is no accident).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from ..verify import DIGITS
from .equivalence import Checker, Outcome
from ..evaluate import Mat, shape_of

__all__ = ["Diagnosis", "diagnose", "diagnose_shape", "describe_shape", "sentence", "TRANSPOSE_CREDIT", "NEGATIVE_CREDIT",
           "FACTOR_CREDIT", "OFFSET_CREDIT"]

MATCH_TOL = mpmath.mpf(10) ** -20
MIN_POINTS = 3           # a match must hold at this many points at least
TRANSPOSE_CREDIT = 0.5
NEGATIVE_CREDIT = 0.5
FACTOR_CREDIT = 0.25
OFFSET_CREDIT = 0.25


@dataclass(frozen=True)
class Diagnosis:
    """What is wrong: a short ``name``, the ``feedback`` sentence and the partial ``credit``."""

    name: str
    feedback: str
    credit: float


def describe_shape(shape: tuple | None) -> str:
    """In words: "a scalar", "a d×1 column vector", "a 1×d row vector", "a K×m matrix"."""
    if shape is None:
        return "a scalar"
    rows, cols = (sp.sstr(n) for n in shape)
    if cols == "1":
        return f"a {rows}×1 column vector"
    if rows == "1":
        return f"a 1×{cols} row vector"
    return f"a {rows}×{cols} matrix"


def _entries(v: Any) -> list[Any]:
    return list(v.data) if isinstance(v, Mat) else [v]


def _vshape(v: Any) -> tuple | None:
    return None if not isinstance(v, Mat) or v.shape == (1, 1) else v.shape


def _close(a: Any, b: Any) -> bool:
    if _vshape(a) != _vshape(b):
        return False
    ea, eb = _entries(a), _entries(b)
    scale = max([abs(u) for u in ea] + [abs(v) for v in eb] + [mpmath.mpf(1) / 10 ** 10])
    return all(abs(u - v) <= MATCH_TOL * scale for u, v in zip(ea, eb))


def _pairs(answer: dict[int, Any], reference: list[Any]) -> list[tuple[int, Any, Any]]:
    return [(k, a, reference[k]) for k, a in answer.items() if a is not None and reference[k] is not None]


def _agree(chk: Checker, answer: dict[int, Any], reference: list[Any]) -> bool:
    """Does the answer equal the reference at every compared point (up to a modulo term)?"""
    pairs = _pairs(answer, reference)
    if len(pairs) < MIN_POINTS:
        return False
    with mpmath.workdps(DIGITS):
        if not chk.target.modulo:
            return all(_close(a, r) for _, a, r in pairs)
        # Up to a term free of the modulo symbols: the difference must repeat within each twin pair.
        delta = {k: [u - v for u, v in zip(_entries(a), _entries(r))] for k, a, r in pairs}
        twins = [(k, chk.twin_of(k)) for k in delta]
        twins = [(k, t) for k, t in twins if t is not None and t in delta]
        if not twins:
            return all(_close(a, r) for _, a, r in pairs)
        return all(all(abs(u - v) <= MATCH_TOL * max(1, abs(u)) for u, v in zip(delta[k], delta[t]))
                   for k, t in twins)


def _known(chk: Checker, answer_values: dict[int, Any], shape: tuple | None) -> Diagnosis | None:
    for mistake in chk.target.mistakes:
        if shape_of(mistake.expr) != shape:
            continue
        if _agree(chk, answer_values, chk.reference_values(mistake.expr)):
            return Diagnosis(mistake.name, sentence(mistake.feedback), mistake.credit)
    return None


def _transposed(chk: Checker, answer_values: dict[int, Any]) -> Diagnosis | None:
    flipped = {k: (v.T() if isinstance(v, Mat) else v) for k, v in answer_values.items() if v is not None}
    if _agree(chk, flipped, chk.key_values):
        return Diagnosis("transpose", f"Your answer is the transpose of the right one: the answer is "
                                      f"{describe_shape(chk.target.shape)}.", TRANSPOSE_CREDIT)
    return None


def _ratio(chk: Checker, answer_values: dict[int, Any]) -> mpmath.mpf | None:
    """The constant c with answer = c·key at every compared point, if there is one."""
    pairs = _pairs(answer_values, chk.key_values)
    if len(pairs) < MIN_POINTS:
        return None
    with mpmath.workdps(DIGITS):
        c = None
        for _, a, r in pairs:
            ea, er = _entries(a), _entries(r)
            j = max(range(len(er)), key=lambda i: abs(er[i]))
            if abs(er[j]) < mpmath.mpf(10) ** -10:
                continue
            c = ea[j] / er[j]
            break
        if c is None:
            return None
        scaled = [(k, (Mat(r.rows, r.cols, tuple(c * v for v in r.data)) if isinstance(r, Mat) else c * r))
                  for k, _, r in pairs]
        ok = all(_close(answer_values[k], s) for k, s in scaled)
        return c if ok else None


def _offset(chk: Checker, answer_values: dict[int, Any]) -> mpmath.mpf | None:
    if chk.target.shape is not None or chk.target.modulo:
        return None
    pairs = _pairs(answer_values, chk.key_values)
    if len(pairs) < MIN_POINTS:
        return None
    with mpmath.workdps(DIGITS):
        gaps = [_entries(a)[0] - _entries(r)[0] for _, a, r in pairs]
        if all(abs(g - gaps[0]) <= MATCH_TOL * max(1, abs(g)) for g in gaps):
            return gaps[0]
    return None


def _nice(c: mpmath.mpf) -> str:
    f = Fraction(float(c)).limit_denominator(64)
    if abs(float(f) - float(c)) < 1e-12 * max(1.0, abs(float(c))):
        return str(f)
    return mpmath.nstr(c, 6)


def sentence(text: str) -> str:
    text = text.strip()
    first = text.split(" ", 1)[0]
    # Capitalise words only: never "Σ²" for "σ²", "Θ₀" for "θ₀" or "Xᵀx" for "xᵀx".
    if len(first) > 1 and first.isascii() and first.isalpha():
        text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def diagnose(chk: Checker, outcome: Outcome) -> Diagnosis | None:
    """Name the mistake of an answer of the right shape that ``outcome`` found different."""
    values = outcome.values
    found = _known(chk, values, chk.target.shape)
    if found is not None:
        return found
    if chk.target.shape is not None and chk.target.shape[0] == chk.target.shape[1]:
        found = _transposed(chk, values)
        if found is not None:
            return found
    c = _ratio(chk, values)
    if c is not None:
        if abs(c + 1) < MATCH_TOL:
            return Diagnosis("negative", "Your answer is the negative of the right one: check the signs.",
                             NEGATIVE_CREDIT)
        if c == 0 or abs(c - 1) < MATCH_TOL:  # equal where compared: the difference lies elsewhere
            return None
        return Diagnosis("factor", f"Your answer is {_nice(c)} times the right one: a constant factor is "
                                   "missing or extra.", FACTOR_CREDIT)
    gap = _offset(chk, values)
    if gap is not None:
        return Diagnosis("offset", f"Your answer differs from the right one by the constant {_nice(gap)}.",
                         OFFSET_CREDIT)
    return None


def diagnose_shape(chk: Checker, answer: sp.Basic, shape: tuple | None) -> Diagnosis:
    """Feedback for an answer whose shape differs from the key's: a known mistake of that shape,
    the transpose, or a sentence naming both shapes."""
    values = chk.sample_values(answer)
    found = _known(chk, values, shape)
    if found is not None:
        return Diagnosis(found.name, f"{found.feedback} (Your answer is {describe_shape(shape)}; the answer is "
                                     f"{describe_shape(chk.target.shape)}.)", found.credit)
    key_shape = chk.target.shape
    if shape is not None and key_shape is not None and tuple(shape) == tuple(reversed(key_shape)):
        found = _transposed(chk, values)
        if found is not None:
            return found
    return Diagnosis("shape", f"Shape mismatch: your answer is {describe_shape(shape)}, but the answer is "
                              f"{describe_shape(key_shape)}.", 0.0)
