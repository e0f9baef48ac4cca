"""Numeric variants of a target: concrete inputs, and the answer key as numbers.

``make_variant("lda-theta", seed=7)`` draws small exact inputs that respect the target's
assumptions (μ₀, μ₁ with entries in halves, a diagonally dominant Σ, priors such as ¼ and ¾),
computes the bound quantities (p = σ(z), P = Σ⁻¹, ...) exactly, and evaluates the key there.
The variant is called ``lda-theta@7``; ``derive check lda-theta@7 ANSWER`` accepts

* numbers: ``0.25``, ``[1.5, -2]`` (a vector), ``[[1, 0], [0, 2]]`` (a matrix, row by row),
  read by a tiny number reader (never by eval);
* or any expression of the answer language, which is evaluated at the variant's inputs.

An answer is correct when every entry agrees:  |answer_i − key_i| ≤ rtol · |key_i| + floor,
with rtol = 10⁻³ (four significant figures suffice) and floor = 10⁻⁶ · max_j |key_j|, so an
entry of the key that is 0 or tiny must be answered as 0 or tiny, whatever the largest entry.
An entry of the wrong sign gets its own message.  Known mistakes are evaluated at the same
inputs, so a wrong number still gets feedback that names the mistake.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from ..assumptions import ExactSource
from ..evaluate import EXACT, Env, Mat, TooBig, Undefined, Unsupported, compile_expr
from .layout import Layout, env_from, exact_values, layout
from .mistakes import describe_shape, sentence
from .points import format_value
from .reading import ParseError, read
from .results import CheckResult, CheckVerdict as Verdict
from .targets import Target, TargetUnavailable, get_target

__all__ = ["Variant", "make_variant", "check_variant", "parse_numbers", "VARIANT_SIZES", "RTOL", "split_name"]

#: Small sizes, so a variant can be worked by hand.
VARIANT_SIZES = {"d": 2, "K": 3, "m": 2}
RTOL = 1e-3
FLOOR = 1e-6   # the absolute floor of each entry's tolerance, as a fraction of the key's largest entry
MAX_NUMBERS_CHARS = 2000


def split_name(name: str) -> tuple[str, int]:
    """``"lda-theta@7"`` → ("lda-theta", 7); a ValueError for anything else."""
    base, sep, seed = name.partition("@")
    if not sep or not re.fullmatch(r"\d{1,9}", seed):
        raise ValueError(f"a numeric variant is named TARGET@SEED with a seed of up to 9 digits, got {name!r}")
    return base, int(seed)


@dataclass
class Variant:
    """A target at concrete inputs.  ``given`` holds the inputs an answer starts from, ``env``
    every value (bound ones included), ``key`` the exact answer."""

    target: Target
    seed: int
    lay: Layout
    env: Env
    given: dict[str, Any]
    key: Any

    @property
    def name(self) -> str:
        return f"{self.target.name}@{self.seed}"

    def key_numbers(self) -> Any:
        with mpmath.workdps(30):
            return _to_mpf(self.key)

    def key_text(self, digits: int = 6) -> str:
        return format_value(self.key_numbers(), digits)

    def sizes_text(self) -> str:
        return ", ".join(f"{k} = {v}" for k, v in sorted(self.lay.size_names.items()))

    def as_dict(self, with_key: bool = True) -> dict[str, Any]:
        out = {"name": self.name, "target": self.target.name, "seed": self.seed,
               "question": self.target.question, "sizes": self.lay.size_names,
               "given": {k: format_value(v) for k, v in self.given.items()}}
        if with_key:
            out["answer"] = self.key_text(10)
        return out


class VariantSource(ExactSource):
    """Small exact inputs a student can work by hand: distinct halves for real entries, SPD
    matrices that are diagonally dominant with small integers, priors such as ¼ and ¾."""

    _FRACTIONS = [sp.Rational(1, 4), sp.Rational(1, 5), sp.Rational(2, 5), sp.Rational(1, 2), sp.Rational(3, 5),
                  sp.Rational(3, 4)]
    _POSITIVE = [sp.Rational(1, 10), sp.Rational(1, 4), sp.Rational(1, 2), sp.S.One, sp.Integer(2)]
    consume_all = True

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.halves = [sp.Rational(k, 2) for k in range(-4, 5) if k]
        self.unused: list[sp.Rational] = []

    def real(self, i: int) -> sp.Rational:
        # Distinct values as long as they last: equal logits make a softmax problem degenerate.
        if not self.unused:
            self.unused.extend(self.rng.sample(self.halves, len(self.halves)))
        return self.unused.pop()

    def positive(self, i: int) -> sp.Rational:
        return self.rng.choice(self._POSITIVE)

    def fraction(self, i: int) -> sp.Rational:
        return self.rng.choice(self._FRACTIONS)

    def binary(self, i: int) -> sp.Integer:
        return sp.Integer(self.rng.randint(0, 1))

    def onehot(self, n: int) -> int:
        return self.rng.randrange(n)

    def spd(self, n: int) -> list[list[sp.Integer]]:
        # Diagonally dominant with a positive diagonal: symmetric positive-definite.
        off = {(a, b): sp.Integer(self.rng.choice((-1, 0, 1))) for a in range(n) for b in range(a + 1, n)}
        return [[sp.Integer(self.rng.choice((n + 1, n + 2))) if a == b else off[(min(a, b), max(a, b))]
                 for b in range(n)] for a in range(n)]


def make_variant(target_name: str, seed: int) -> Variant:
    """The numeric variant ``target_name@seed``: reproducible, and different for each seed."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"a variant's seed must be a non-negative integer, got {seed!r}")
    target = get_target(target_name)
    lay = layout(target, VARIANT_SIZES)
    rng = random.Random(f"{target.name}@{seed}")
    values = exact_values(lay, VariantSource(rng))
    env = env_from(lay, values, EXACT)
    given = {}
    for decl in target.symbols:
        if decl.obj in target.bound:
            continue
        given[decl.name] = env.mats[decl.name] if isinstance(decl.obj, sp.MatrixSymbol) else env.scalars[decl.name]
    key = compile_expr(target.key).run(env, EXACT)
    return Variant(target, seed, lay, env, given, key)


# --- reading numbers -----------------------------------------------------------------------------

_NUMBER = re.compile(r"\s*([+\-−]?(?:\d+\.?\d*|\.\d+)(?:[eE][+\-]?\d{1,3})?(?:\s*/\s*\d+(?:\.\d*)?)?)")


def parse_numbers(text: str) -> Any:
    """Read ``1.5``, ``[1, -2.5]`` or ``[[1, 2], [3, 4]]`` (rows) into exact Rationals / a Mat.

    Raises ValueError naming the position of the first thing that is not part of a number list.
    """
    if len(text) > MAX_NUMBERS_CHARS:
        raise ValueError(f"the answer is longer than {MAX_NUMBERS_CHARS} characters")
    pos = 0

    def number() -> sp.Rational:
        nonlocal pos
        m = _NUMBER.match(text, pos)
        if not m:
            raise ValueError(f"expected a number at column {pos + 1}")
        pos = m.end()
        raw = m.group(1).replace("−", "-").replace(" ", "")
        num, _, den = raw.partition("/")
        value = Fraction(num) / (Fraction(den) if den else 1)
        return sp.Rational(value.numerator, value.denominator)

    def skip() -> None:
        nonlocal pos
        while pos < len(text) and text[pos].isspace():
            pos += 1

    def item(depth: int) -> Any:
        nonlocal pos
        skip()
        if pos < len(text) and text[pos] == "[":
            if depth >= 2:
                raise ValueError(f"lists nest at most two deep (a matrix), at column {pos + 1}")
            pos += 1
            items = [item(depth + 1)]
            skip()
            while pos < len(text) and text[pos] == ",":
                pos += 1
                items.append(item(depth + 1))
                skip()
            if pos >= len(text) or text[pos] != "]":
                raise ValueError(f"expected ',' or ']' at column {pos + 1}")
            pos += 1
            return items
        return number()

    value = item(0)
    skip()
    if pos != len(text):
        raise ValueError(f"unexpected {text[pos]!r} at column {pos + 1}")
    if not isinstance(value, list):
        return value
    if all(not isinstance(v, list) for v in value):
        return Mat(len(value), 1, tuple(value))
    if not all(isinstance(v, list) and len(v) == len(value[0]) for v in value):
        raise ValueError("a matrix needs rows of equal length, e.g. [[1, 2], [3, 4]]")
    return Mat.from_rows(value)


def _to_mpf(v: Any) -> Any:
    conv = lambda x: mpmath.mpf(sp.N(x, mpmath.mp.dps + 5)) if not isinstance(x, mpmath.mpf) else x
    return v.map(conv) if isinstance(v, Mat) else conv(v)


def _shaped_like(answer: Any, key: Any) -> Any | None:
    """``answer`` in the key's shape (a flat list fits a row or a column), or None."""
    if not isinstance(key, Mat) or key.shape == (1, 1):
        if isinstance(answer, Mat):
            return answer.data[0] if answer.shape == (1, 1) else None
        return answer
    if not isinstance(answer, Mat):
        return None
    if answer.shape == key.shape:
        return answer
    if answer.cols == 1 and len(answer.data) == len(key.data) and 1 in key.shape:
        return Mat(key.rows, key.cols, answer.data)
    return None


def _entries(v: Any) -> tuple:
    return v.data if isinstance(v, Mat) else (v,)


def _close(a: Any, b: Any, rtol: float) -> tuple[bool, float]:
    """Entry by entry: |a_i − b_i| ≤ rtol·|b_i| + FLOOR·max|b|.  Also the worst error, relative
    to each entry's own allowance (≤ 1 when close)."""
    eb = _entries(b)
    floor = FLOOR * max(max(abs(v) for v in eb), mpmath.mpf(10) ** -12)
    errs = [abs(u - v) / (rtol * abs(v) + floor) for u, v in zip(_entries(a), eb)]
    worst = max(errs)
    return worst <= 1, float(worst * rtol)


def _wrong_signs(a: Any, b: Any) -> list[int]:
    """The entries (numbered from 1) where the answer and the key, neither negligible, differ in sign."""
    eb = _entries(b)
    floor = FLOOR * max(max(abs(v) for v in eb), mpmath.mpf(10) ** -12)
    return [i + 1 for i, (u, v) in enumerate(zip(_entries(a), eb))
            if abs(u) > floor and abs(v) > floor and (u > 0) != (v > 0)]


def _count(v: Any) -> str:
    if isinstance(v, Mat):
        return f"{v.rows}×{v.cols}" if v.cols > 1 else f"{v.rows} numbers"
    return "one number"


def check_variant(name: str, text: str, *, seconds: float = 5.0, rtol: float = RTOL):
    """The verdict on a numeric answer (or a formula) to the variant ``name`` = TARGET@SEED."""
    def result(verdict, feedback, score=0.0, reading=None, method=""):
        return CheckResult(name, text, verdict, score, feedback, reading, None, 0.0, method)

    try:
        base, seed = split_name(name)
        variant = make_variant(base, seed)
    except TargetUnavailable as exc:
        return result(Verdict.UNDECIDED, f"Undecided: this target's answer key is not available here ({exc}).")
    except ValueError as exc:
        return result(Verdict.INVALID, f"Invalid: {exc}.", method="unknown variant")
    target = variant.target
    stripped = text.strip()
    try:
        if stripped[:1] == "[" or re.fullmatch(r"[+\-−]?[\d.]+(?:[eE][+\-]?\d+)?", stripped):
            answer = parse_numbers(stripped)
            reading = {"plain": format_value(answer), "latex": format_value(answer), "notation": "numbers"}
        else:
            parsed = read(text, target)
            reading = {"plain": parsed.plain, "latex": parsed.latex, "notation": parsed.notation}
            answer = compile_expr(parsed.expr).run(variant.env, EXACT)
    except ParseError as exc:
        exc.with_text(text)
        where = f"\n{exc.pointer()}" if exc.position is not None else ""
        return result(Verdict.INVALID, f"Invalid ({exc.kind}): {exc}{where}")
    except (ValueError, Undefined, TooBig, Unsupported) as exc:
        return result(Verdict.INVALID, f"Invalid: {exc}.")
    with mpmath.workdps(30):
        key = variant.key_numbers()
        shaped = _shaped_like(_to_mpf(answer), key)
        if shaped is None:
            return result(Verdict.INCORRECT, f"Incorrect. Shape mismatch: your answer is {_count(answer)}, but the "
                          f"answer is {describe_shape(target.shape)} (here {variant.sizes_text()}).",
                          reading=reading, method="shape")
        ok, err = _close(shaped, key, rtol)
        if ok:
            return result(Verdict.CORRECT, f"Correct (every entry within the tolerance {rtol:g} relative, "
                          f"worst {err:.1e}).", 1.0, reading, "numeric")
        for mistake in target.mistakes:
            try:
                wrong = _to_mpf(compile_expr(mistake.expr).run(variant.env, EXACT))
            except (Undefined, Unsupported, TooBig):
                continue
            fit = _shaped_like(shaped, wrong)
            if fit is not None and _close(fit, wrong, rtol)[0]:
                return result(Verdict.INCORRECT, f"Incorrect. {sentence(mistake.feedback)} (Relative error {err:.2g}.)",
                              mistake.credit, reading, f"mistake: {mistake.name}")
        negative = shaped.map(lambda v: -v) if isinstance(shaped, Mat) else -shaped
        if _close(negative, key, rtol)[0]:
            return result(Verdict.INCORRECT, "Incorrect. Your answer is the negative of the right one: check the signs.",
                          0.5, reading, "negative")
        signs = _wrong_signs(shaped, key)
        if signs:
            which = ", ".join(map(str, signs[:8])) + (", ..." if len(signs) > 8 else "")
            return result(Verdict.INCORRECT, f"Incorrect: the sign is wrong in entr{'y' if len(signs) == 1 else 'ies'} "
                          f"{which} (counted row by row).", reading=reading, method="sign")
        return result(Verdict.INCORRECT, f"Incorrect: an entry's relative error is {err:.2g}, beyond the tolerance "
                      f"{rtol:g}.", reading=reading, method="numeric")
