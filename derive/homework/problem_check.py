"""Checking a built target against its own problem file: what ``derive problem validate`` adds to reading.

Reading a file (``problem_file``) and building its targets (``problem_build``) already refuse
TOML errors, undeclared names, unknown assumptions and shapes that do not fit.  This module
runs the checks that need the checker itself:

* no known mistake is equivalent to the key (it would mark a right answer wrong);
* no two mistakes are equivalent to each other (the second could never be named);
* every embedded ``[[target.test]]`` gets its expected verdict.

Each problem is a ``ProblemError`` that prints as ``FILE:LINE: message``.
"""

from __future__ import annotations

from ..evaluate import shape_of as _shape
from .problem_file import ProblemError, ProblemFile
from .reading import ParseError, read
from .targets import Target
from .verdict import Verdict, check_expr

__all__ = ["check_target", "test_verdict"]


def test_verdict(target: Target, answer: str) -> tuple[str, str | None, str]:
    """(verdict, mistake name or None, feedback) of ``answer`` for this very target object.

    The registry and the caches are bypassed, so a file is checked as written even when a target
    of the same name is loaded.
    """
    try:
        parsed = read(answer, target)
    except ParseError as exc:
        return "invalid", None, str(exc)
    result = check_expr(target, parsed.expr, text=answer)
    return result.verdict.value, result.mistake, result.feedback


def _same(target: Target, expr, reference=None) -> bool:
    return check_expr(target, expr, reference=reference).verdict is Verdict.CORRECT


def check_target(pf: ProblemFile, index: int, target: Target) -> list[ProblemError]:
    """Every problem found with ``target`` (table ``index`` of ``pf``); empty when it is sound."""
    errors: list[ProblemError] = []
    where = f"target {target.name!r}"
    for j, m in enumerate(target.mistakes):
        if _same(target, m.expr):
            errors.append(pf.error(f"{where}: mistake {m.name!r} is equivalent to the key, so a right answer "
                                   "would be marked wrong", index, "mistake", j, "answer"))
    for j, m in enumerate(target.mistakes):
        for earlier in target.mistakes[:j]:
            if _shape(m.expr) == _shape(earlier.expr) and _same(target, m.expr, reference=earlier.expr):
                errors.append(pf.error(f"{where}: mistakes {earlier.name!r} and {m.name!r} are equivalent, so "
                                       f"{m.name!r} could never be named", index, "mistake", j, "answer"))
    for j, test in enumerate(target.tests):
        verdict, mistake, feedback = test_verdict(target, test.answer)
        got = mistake if test.expect not in ("correct", "incorrect", "invalid") else verdict
        if got != test.expect:
            said = f"{verdict} ({mistake})" if mistake else verdict
            errors.append(pf.error(f"{where}: test {test.answer!r} expects {test.expect}, got {said}: "
                                   f"{' '.join(feedback.split())[:160]}", index, "test", j, "answer"))
    return errors
