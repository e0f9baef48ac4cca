"""Grading a whole class: every row checked, in input order, and no row can stop the batch.

``read_submissions(path)`` (see ``submissions``) yields one ``Submission`` per row.
``grade(submissions)`` checks every row, each under the per-answer time limit, and hands each
graded row to ``on_result`` in input order as soon as it and every row before it are done.

* Identical (target, answer) pairs, compared with runs of white space made one, are checked
  once (``cache=False`` checks every row).
* ``workers=N`` checks in N processes, ``scheduler=ADDRESS`` on a dask cluster (see ``fanout``).
* ``store`` (a ``resume.ResumeStore``) records each row as it is made and supplies the rows a
  previous, interrupted run finished, which are not checked again.  Those rows are handed on
  a slice at a time while the worker processes check the rest, not before they start.
* Even a failure of the checker itself becomes an ``undecided`` verdict for that row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from .fanout import Task, run_dask, run_processes, run_serial, safe_check as _safe
from .submissions import FIELDS, Submission, mark_duplicates, read_submissions
from .verdict import CheckResult, Verdict, check

__all__ = ["Submission", "Graded", "Batch", "read_submissions", "mark_duplicates", "grade", "FIELDS",
           "summary_line", "normalised"]


@dataclass
class Graded:
    """A submission and its verdict."""

    submission: Submission
    result: CheckResult

    def as_dict(self) -> dict:
        out = {"student": self.submission.student, **self.result.as_dict()}
        if self.submission.superseded_by is not None:
            out["superseded_by"] = self.submission.superseded_by
        return out


@dataclass
class Batch:
    """Every graded row, in input order, with the wall-clock time of the whole batch."""

    rows: list[Graded] = field(default_factory=list)
    seconds: float = 0.0
    checked: int = 0        # checks actually run (not reused, not resumed)
    resumed: int = 0        # rows taken from the store of an earlier run

    def counts(self) -> dict[str, int]:
        """Verdicts of the rows that count (a superseded duplicate does not)."""
        out = {v.value: 0 for v in Verdict}
        for g in self.rows:
            if g.submission.counted:
                out[g.result.verdict.value] += 1
        return out

    def superseded(self) -> list[Graded]:
        return [g for g in self.rows if not g.submission.counted]

    @property
    def rate(self) -> float:
        """Answers per second over the whole batch."""
        return len(self.rows) / self.seconds if self.seconds > 0 else float("inf")

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        from ..display import bundle  # notebook display: text/plain, text/latex, text/html
        return bundle(self, include, exclude)

    def slowest(self) -> float:
        return max((g.result.seconds for g in self.rows), default=0.0)


def normalised(answer: str) -> str:
    """The answer with leading, trailing and repeated white space removed (never meaningful)."""
    return " ".join(answer.split())


def _unreadable(sub: Submission) -> CheckResult:
    return CheckResult(sub.target, sub.answer, Verdict.INVALID, 0.0, f"Invalid: {sub.problem}.",
                       method="unreadable row")


def _plan(subs: list[Submission], done: dict[int, CheckResult], cache: bool
          ) -> tuple[list[Task], list[list[int]], dict[int, CheckResult]]:
    """The distinct checks still to run, the rows waiting on each, and the rows known now."""
    tasks: list[Task] = []
    waiting: list[list[int]] = []
    known: dict[int, CheckResult] = {}
    seen: dict[tuple, int] = {}
    for i, sub in enumerate(subs):
        if i in done:
            continue
        if sub.problem is not None:
            known[i] = _unreadable(sub)
            continue
        key = (sub.target, normalised(sub.answer)) if cache else (i,)
        if key not in seen:
            seen[key] = len(tasks)
            tasks.append((sub.target, sub.answer))
            waiting.append([])
        waiting[seen[key]].append(i)
    return tasks, waiting, known


#: Rows handed to ``on_result`` at a time while worker processes check: a backlog (the rows of
#: an earlier run, replayed) is worked off between results, never keeping the workers waiting long.
#: Also the most rows of fresh verdicts held back to be stored in one transaction.
SLICE = 64


class _InOrder:
    """Graded rows handed on in input order, each stored (``store``) before it is handed on.

    Fresh verdicts are stored in one transaction per burst when ``batched`` (the runner calls
    ``idle`` whenever it has nothing ready: the burst ends there, or at ``SLICE`` rows)."""

    def __init__(self, subs: list[Submission], store, on_result: Callable[[Graded], None] | None,
                 progress: Callable[[int], None] | None, rows: list[Graded]) -> None:
        self.subs, self.store, self.on_result, self.progress, self.rows = subs, store, on_result, progress, rows
        self.results: dict[int, CheckResult] = {}
        self.unsaved: list[tuple[int, Submission, CheckResult]] = []
        self.emitted = 0
        self.batched = False

    def add(self, fresh: dict[int, CheckResult]) -> None:
        if self.store is None:
            self.results.update(fresh)
            return
        self.unsaved.extend((i, self.subs[i], r) for i, r in fresh.items())
        if not self.batched or len(self.unsaved) >= SLICE:
            self.save()

    def save(self) -> None:
        if self.unsaved:
            self.store.record(self.unsaved)
            self.results.update((i, r) for i, _, r in self.unsaved)
            self.unsaved = []

    def idle(self) -> bool:
        self.save()
        return self.emit(SLICE)

    def emit(self, limit: int | None = None) -> bool:
        """Hand on up to ``limit`` rows that are ready, in order; whether more are ready."""
        before, subs, results = self.emitted, self.subs, self.results
        last = len(subs) if limit is None else min(len(subs), before + limit)
        while self.emitted < last and self.emitted in results:
            graded = Graded(subs[self.emitted], results.pop(self.emitted))
            self.rows.append(graded)
            self.emitted += 1
            if self.on_result is not None:
                self.on_result(graded)
        if self.progress is not None and self.emitted > before:
            self.progress(self.emitted - before)
        return self.emitted in results


def _runner(tasks: list[Task], cache: bool, isolate: bool, workers: int, scheduler: str | None,
            idle: Callable[[], bool]):
    if scheduler:
        return run_dask(tasks, scheduler, cache)
    if workers > 1 and len(tasks) > 1:
        return run_processes(tasks, workers, cache, isolate, idle=idle)
    if isolate:
        from .isolate import IsolatedChecker
        isolated = IsolatedChecker()

        def serial():
            try:
                for i, (t, a) in enumerate(tasks):
                    yield i, _safe(isolated, t, a, cache)
            finally:
                isolated.close()
        return serial()
    # ``check`` looked up at call time, so that a test can replace it
    return run_serial(tasks, lambda t, a, cache: _safe(check, t, a, cache), cache)


def grade(submissions: Iterable[Submission], *, on_result: Callable[[Graded], None] | None = None,
          cache: bool = True, isolate: bool = False, workers: int = 1, scheduler: str | None = None,
          store=None, progress: Callable[[int], None] | None = None) -> Batch:
    """Check every submission; ``on_result`` sees each graded row in input order as soon as it
    and the rows before it are done; ``progress(n)`` hears of n more rows done."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    subs = list(submissions)
    batch = Batch()
    start = time.perf_counter()
    done = store.finished(len(subs)) if store is not None else {}
    batch.resumed = len(done)
    tasks, waiting, known = _plan(subs, done, cache)
    out = _InOrder(subs, store, on_result, progress, batch.rows)
    out.results.update(done)
    out.add(known)
    out.batched = not scheduler and workers > 1 and len(tasks) > 1   # run_processes calls idle
    for index, result in _runner(tasks, cache, isolate, workers, scheduler, idle=out.idle):
        batch.checked += 1
        # each row keeps its own spelling of the answer (the pair differs only in white space)
        out.add({i: result if subs[i].answer == result.answer else replace(result, answer=subs[i].answer)
                 for i in waiting[index]})
        # with workers, a backlog goes on a slice at a time (idle() does the rest while they
        # check); in this process there is no idle time, and every ready row goes on at once
        out.emit(SLICE if out.batched else None)
    out.save()
    out.emit()
    batch.seconds = time.perf_counter() - start
    return batch


def summary_line(batch: Batch) -> str:
    c = batch.counts()
    extra = []
    if batch.superseded():
        extra.append(f"{len(batch.superseded())} duplicate rows not counted")
    if batch.resumed:
        extra.append(f"{batch.resumed} rows resumed from the gradebook")
    note = f" ({'; '.join(extra)})" if extra else ""
    return (f"{len(batch.rows)} answers: {c['correct']} correct, {c['incorrect']} incorrect, {c['invalid']} invalid, "
            f"{c['undecided']} undecided{note}; {batch.seconds:.2f} s ({batch.rate:.0f} answers/s, "
            f"slowest {batch.slowest():.2f} s)")
