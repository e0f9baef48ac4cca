"""Checking a student's derivation line by line: the first line that does not follow, and why.

A derivation is a text with one expression per line (``a = b = c`` on one line counts as three
steps; a leading ``=`` is ignored; blank lines and lines starting with ``#`` or ``%`` are
skipped).  Each expression must equal the one before it, under the target's assumptions and
bindings, and the last must be the answer.  The report names the first line that does not
follow, with a point where the two differ and, where it is a simple slip, what the slip is
(a sign, a factor); then the verdict on the last line as an answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mpmath
import sympy as sp

from ..timelimit import TimeLimitExceeded, time_limit
from ..verify import DIGITS
from .equivalence import checker, index_symbols
from ..evaluate import Mat, TooBig, Unsupported, shape_of
from .mistakes import describe_shape
from .reading import ParseError, read
from .targets import get_target
from .verdict import CheckResult, Verdict, check_expr

__all__ = ["StepReport", "StepsResult", "check_steps", "split_steps", "STEP_SECONDS"]

STEP_SECONDS = 5.0


@dataclass
class StepReport:
    """One step: its ``line`` number in the file, the ``text``, a ``status`` ("start",
    "follows", "does not follow", "invalid", "not checked") and the ``reason``."""

    line: int
    text: str
    status: str
    reason: str = ""
    reading: str = ""
    counterexample: dict[str, str] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "status": self.status, "reason": self.reason,
                "interpreted_as": self.reading, "counterexample": self.counterexample}


@dataclass
class StepsResult:
    """The whole derivation: each step's report, the first failure (a line number) and the
    verdict on the final expression as an answer to the target."""

    target: str
    steps: list[StepReport] = field(default_factory=list)
    first_failure: int | None = None
    final: CheckResult | None = None

    @property
    def ok(self) -> bool:
        return self.first_failure is None and self.final is not None and self.final.verdict is Verdict.CORRECT

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "ok": self.ok, "first_failure": self.first_failure,
                "steps": [s.as_dict() for s in self.steps],
                "final": self.final.as_dict() if self.final else None}


def split_steps(text: str) -> list[tuple[int, str]]:
    """(line number, expression) for each step of ``text``."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped[0] in "#%":
            continue
        out += [(number, part.strip()) for part in stripped.split("=") if part.strip()]
    return out


def _slip(a: Any, b: Any) -> str:
    """A simple relation between two values, in words ("the sign changed"), or ""."""
    ea = list(a.data) if isinstance(a, Mat) else [a]
    eb = list(b.data) if isinstance(b, Mat) else [b]
    j = max(range(len(eb)), key=lambda i: abs(eb[i]))
    if abs(eb[j]) < mpmath.mpf(10) ** -12:
        return ""
    c = ea[j] / eb[j]
    if all(abs(u - c * v) <= mpmath.mpf(10) ** -20 * max(1, abs(u)) for u, v in zip(ea, eb)):
        if abs(c + 1) < mpmath.mpf(10) ** -20:
            return "the sign changed"
        return f"it is {mpmath.nstr(c, 6)} times the line before"
    return ""


def check_steps(target_name: str, text: str, *, seconds: float = STEP_SECONDS) -> StepsResult:
    """Check the derivation ``text`` for ``target_name``: stops at the first step that fails."""
    target = get_target(target_name)
    chk = checker(target)
    result = StepsResult(target.name)
    steps = split_steps(text)
    if not steps:
        raise ValueError("the derivation has no expressions (one per line; '#' starts a comment)")
    previous: sp.Basic | None = None
    for line, expr_text in steps:
        try:
            parsed = read(expr_text, target)
        except ParseError as exc:
            result.steps.append(StepReport(line, expr_text, "invalid", f"{exc.kind}: {exc}"))
            result.first_failure = line
            break
        report = StepReport(line, expr_text, "start" if previous is None else "follows", reading=parsed.plain)
        result.steps.append(report)
        expr = parsed.expr
        if previous is not None:
            reason = _follows(chk, previous, expr, seconds)
            if reason is not None:
                report.status, report.reason, report.counterexample = reason
                if report.status != "follows":
                    result.first_failure = line
                    break
        previous = expr
    if result.first_failure is None and previous is not None:
        result.final = check_expr(target, previous, text=steps[-1][1], seconds=seconds)
        if result.final.verdict is not Verdict.CORRECT:
            last = result.steps[-1]
            last.status = "not the answer"
            last.reason = result.final.feedback
            result.first_failure = last.line
    return result


def _follows(chk, before: sp.Basic, after: sp.Basic, seconds: float) -> tuple[str, str, dict | None] | None:
    """None when ``after`` equals ``before``; otherwise (status, reason, counterexample)."""
    shape_b = chk.target.shape if index_symbols(before) else shape_of(before)
    shape_a = chk.target.shape if index_symbols(after) else shape_of(after)
    if shape_a != shape_b:
        return ("does not follow", f"the shape changed: this line is {describe_shape(shape_a)}, the line before "
                                   f"is {describe_shape(shape_b)}", None)
    try:
        with time_limit(seconds):
            outcome = chk.compare(after, before, seconds=seconds - 0.2, use_modulo=False,
                                  labels=("this line", "the line before"))
    except TimeLimitExceeded:
        return ("not checked", "the time limit ran out", None)
    except (Unsupported, TooBig) as exc:
        return ("not checked", f"the checker cannot evaluate it ({exc})", None)
    if outcome.status == "equal":
        return ("follows", outcome.method, None)
    if outcome.status == "different":
        slip = ""
        with mpmath.workdps(DIGITS):
            before_vals = chk.reference_values(before)
            pairs = [(v, before_vals[k]) for k, v in outcome.values.items() if v is not None and before_vals[k] is not None]
            if pairs:
                slip = _slip(*pairs[0])
                if slip and not all(_slip(a, b) == slip for a, b in pairs):
                    slip = ""
        where = ", ".join(f"{k} = {v}" for k, v in (outcome.counterexample or {}).items())
        reason = (f"{slip}; " if slip else "") + f"the two lines differ at {where}: {outcome.detail}"
        return ("does not follow", reason, outcome.counterexample)
    return ("not checked", f"undecided: {outcome.method}", None)

