"""The verdict on one answer: correct, incorrect, invalid or undecided, with feedback and a score.

``check(target, text)`` reads the answer, checks its shape, compares it with the key and,
when it is wrong, names the mistake:

* **correct** (score 1): equal to the key (see ``equivalence``), or for θ_{0,k} equal up to a
  term independent of k, which the feedback says;
* **incorrect**: with a counterexample point, and where the mistake is a known one, feedback
  that names it and its partial credit;
* **invalid** (score 0): not an answer to this target at all: a syntax error (position
  marked), an unknown symbol or function (the known ones listed), an unknown target, input
  too long or too big, or an answer undefined on a set of positive measure (a 0/0 or ∞ − ∞
  form that SymPy would otherwise simplify away);
* **undecided** (score 0, for a human to look at): numerically consistent but neither proved
  nor confirmed exactly, or out of time.

Every verdict records the run's secret points seed (``seed``): ``use_seed`` (the CLI's
``--points-seed``) reproduces it.  Each answer has a wall-clock limit of 5 s; the work that can run long (symbolic proofs, exact
evaluation) runs under it, so a pathological answer ends as undecided, never as a hang.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from ..timelimit import TimeLimitExceeded, time_limit
from .equivalence import Checker, Outcome, checker, index_symbols
from .seed import run_seed
from ..evaluate import TooBig, Unsupported, shape_of
from .mistakes import Diagnosis, describe_shape, diagnose, diagnose_shape
from .problems import check_variant
from .reading import ParseError, read
from .results import CheckResult, CheckVerdict
from .targets import Target, TargetUnavailable, UnknownTarget, get_target

__all__ = ["Verdict", "CheckVerdict", "CheckResult", "check", "check_expr", "TIME_LIMIT", "clear_cache"]

#: The name this module always exported; the enum itself is ``results.CheckVerdict`` (the
#: verifier's proved/refuted/undecided is ``derive.verify.Verdict``, a different thing).
Verdict = CheckVerdict

TIME_LIMIT = 5.0     # seconds of wall-clock time per answer
_MARGIN = 0.4        # kept back from the comparison for naming the mistake and reporting
_CACHE_SIZE = 20_000


# Keyed by the points seed too: a verdict belongs to the points it was reached at.
_TEXT_CACHE: dict[tuple[int, str, str], CheckResult] = {}
_EXPR_CACHE: dict[tuple[int, str, sp.Basic], CheckResult] = {}


def clear_cache() -> None:
    """Forget earlier verdicts (identical answers to one target are otherwise checked once)."""
    _TEXT_CACHE.clear()
    _EXPR_CACHE.clear()


def _remember(cache: dict, key: Any, result: CheckResult) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = result


def check(target_name: str, text: str, *, seconds: float = TIME_LIMIT, cache: bool = True) -> CheckResult:
    """The verdict on ``text`` as an answer to the target called ``target_name``.

    Never raises for a bad answer or an unknown target: those are ``invalid`` verdicts.
    ``TARGET@SEED`` names a numeric variant (see ``problems``).
    """
    start = time.perf_counter()
    if not isinstance(text, str):
        raise TypeError(f"an answer must be a string, got {type(text).__name__}")
    seed = run_seed()
    if cache and (seed, target_name, text) in _TEXT_CACHE:
        return replace(_TEXT_CACHE[(seed, target_name, text)], seconds=time.perf_counter() - start)
    try:
        with time_limit(seconds):
            result = _check(target_name, text, start, seconds, cache)
    except TimeLimitExceeded:
        result = _result(target_name, text, Verdict.UNDECIDED,
                         f"Undecided: the {seconds:g} s time limit ran out before the check finished. "
                         "Flagged for a human to look at.", method="time limit")
    except (RecursionError, MemoryError, ArithmeticError, TypeError, ValueError, AttributeError,
            IndexError, KeyError, NotImplementedError) as exc:
        # Our failure, not the student's: say so honestly instead of crashing a batch.
        result = _result(target_name, text, Verdict.UNDECIDED,
                         f"Undecided: the checker failed on this answer ({type(exc).__name__}: {exc}). "
                         "Flagged for a human to look at.", method="checker error")
    result.seconds = time.perf_counter() - start
    result.seed = seed
    if cache:
        _remember(_TEXT_CACHE, (seed, target_name, text), result)
    return result


def _result(target: str, text: str, verdict: Verdict, feedback: str, **kw: Any) -> CheckResult:
    return CheckResult(target, text, verdict, kw.pop("score", 0.0), feedback, **kw)


def _check(target_name: str, text: str, start: float, seconds: float, cache: bool) -> CheckResult:
    if "@" in target_name:
        return check_variant(target_name, text, seconds=seconds)
    try:
        target = get_target(target_name)
    except UnknownTarget as exc:
        return _result(target_name, text, Verdict.INVALID, f"Invalid: {exc}.", method="unknown target")
    except TargetUnavailable as exc:
        return _result(target_name, text, Verdict.UNDECIDED, f"Undecided: this target's answer key is not "
                       f"available here ({exc}).", method="no key")
    try:
        parsed = read(text, target)
    except ParseError as exc:
        return _invalid(target, text, exc)
    reading = {"plain": parsed.plain, "latex": parsed.latex, "notation": parsed.notation}
    key = (run_seed(), target.name, parsed.expr, parsed.guards)
    if cache and key in _EXPR_CACHE:
        return replace(_EXPR_CACHE[key], answer=text, interpreted_as=reading)
    left = seconds - (time.perf_counter() - start) - _MARGIN
    result = check_expr(target, parsed.expr, text=text, seconds=max(left, 0.1), guards=parsed.guards)
    result.interpreted_as = reading
    if cache and result.verdict is not Verdict.UNDECIDED:
        _remember(_EXPR_CACHE, key, result)
    return result


def _invalid(target: Target, text: str, exc: ParseError) -> CheckResult:
    exc.with_text(text)
    where = f"\n{exc.pointer()}" if exc.position is not None else ""
    return _result(target.name, text, Verdict.INVALID, f"Invalid ({exc.kind}): {exc}{where}",
                   method=f"parse error: {exc.kind}")


def check_expr(target: Target | str, expr: sp.Basic, *, text: str | None = None,
               seconds: float = TIME_LIMIT - _MARGIN, reference: sp.Basic | None = None,
               guards: tuple[sp.Basic, ...] = ()) -> CheckResult:
    """The verdict on an answer already in SymPy form (the checker proper, without parsing).

    ``guards``: what the answer divides by or takes the log of, as written (``Parsed.guards``)."""
    target = get_target(target) if isinstance(target, str) else target
    text = sp.sstr(expr) if text is None else text
    chk = checker(target)
    shape = target.shape if index_symbols(expr) else shape_of(expr)
    if index_symbols(expr) and target.shape is None:
        return _result(target.name, text, Verdict.INVALID, "Invalid: index notation (i, j) gives the entries of "
                       "a vector or matrix, but the answer here is a scalar.", method="index notation")
    if shape != target.shape:
        d = diagnose_shape(chk, expr, shape)
        return _incorrect(target, text, d, None, "", f"shape {describe_shape(shape)}")
    try:
        outcome = chk.compare(expr, reference, seconds=seconds, guards=guards)
    except (Unsupported, TooBig) as exc:
        return _result(target.name, text, Verdict.UNDECIDED, f"Undecided: the checker cannot evaluate this "
                       f"answer ({exc}). Flagged for a human to look at.", method="cannot evaluate")
    return _from_outcome(target, text, chk, outcome)


def _from_outcome(target: Target, text: str, chk: Checker, outcome: Outcome) -> CheckResult:
    if outcome.status == "equal":
        return _result(target.name, text, Verdict.CORRECT, f"Correct. (Checked: {outcome.method}.)",
                       score=1.0, method=outcome.method)
    if outcome.status == "equal-modulo":
        names = " or ".join(sp.sstr(s) for s in target.modulo)
        return _result(target.name, text, Verdict.CORRECT,
                       f"Correct: your answer differs from the key by a term that is the same for every class k "
                       f"(it involves no {names}), which cancels in the softmax, so it is accepted. "
                       f"(Checked: {outcome.method}.)", score=1.0, method=outcome.method)
    if outcome.status == "undefined":
        where = ", ".join(f"{k} = {v}" for k, v in (outcome.counterexample or {}).items())
        return _result(target.name, text, Verdict.INVALID, f"Invalid: {outcome.detail[0].upper()}{outcome.detail[1:]}. "
                       f"For example at {where}.", counterexample=outcome.counterexample, method=outcome.method)
    if outcome.status == "different":
        d = diagnose(chk, outcome)
        return _incorrect(target, text, d, outcome.counterexample, outcome.detail, outcome.method)
    return _result(target.name, text, Verdict.UNDECIDED, f"Undecided: {outcome.method}. Flagged for a human to "
                   "look at.", method=outcome.method)


def _incorrect(target: Target, text: str, d: Diagnosis | None, point: dict | None, detail: str,
               method: str) -> CheckResult:
    parts = ["Incorrect."]
    if d is not None:
        parts.append(d.feedback)
    if point:
        where = ", ".join(f"{k} = {v}" for k, v in point.items())
        parts.append(f"For example at {where}: {detail}." if detail else f"For example at {where}.")
    elif detail:
        parts.append(detail[0].upper() + detail[1:] + ".")
    return _result(target.name, text, Verdict.INCORRECT, " ".join(parts), score=d.credit if d else 0.0,
                   counterexample=point, method=method, mistake=d.name if d else None)

