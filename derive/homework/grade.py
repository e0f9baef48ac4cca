"""Grading a whole class from one file: CSV (``student,target,answer``) or JSON Lines.

``read_submissions(path)`` yields one ``Submission`` per row; a row that cannot be read
(a broken JSON line, a missing field) becomes a ``Submission`` with ``problem`` set, which is
graded ``invalid``.  ``grade(submissions)`` checks every row, each under the per-answer time
limit, and never lets one row stop the batch: even a failure of the checker itself becomes an
``undecided`` verdict for that row.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .verdict import CheckResult, Verdict, check

__all__ = ["Submission", "Graded", "Batch", "read_submissions", "grade", "FIELDS"]

FIELDS = ("student", "target", "answer")
_MAX_FIELD = 1_000_000  # characters; the answer language itself rejects anything over 2,000


@dataclass(frozen=True)
class Submission:
    """One row of the input: ``row`` counts from 1 (the header of a CSV is row 0)."""

    row: int
    student: str
    target: str
    answer: str
    problem: str | None = None


@dataclass
class Graded:
    """A submission and its verdict."""

    submission: Submission
    result: CheckResult

    def as_dict(self) -> dict:
        return {"student": self.submission.student, **self.result.as_dict()}


@dataclass
class Batch:
    """Every graded row, in input order, with the wall-clock time of the whole batch."""

    rows: list[Graded] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        out = {v.value: 0 for v in Verdict}
        for g in self.rows:
            out[g.result.verdict.value] += 1
        return out

    @property
    def rate(self) -> float:
        """Answers per second over the whole batch."""
        return len(self.rows) / self.seconds if self.seconds > 0 else float("inf")

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        from ..display import bundle  # notebook display: text/plain, text/latex, text/html
        return bundle(self, include, exclude)

    def slowest(self) -> float:
        return max((g.result.seconds for g in self.rows), default=0.0)


def _text(path: Path) -> str:
    # NUL bytes would make the csv module give up on the whole file; invalid UTF-8 is replaced
    # so that one badly encoded row cannot stop the batch either.
    return path.read_bytes().decode("utf-8-sig", errors="replace").replace("\x00", "")


def _is_jsonl(path: Path, text: str) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return True
    if path.suffix.lower() == ".csv":
        return False
    return text.lstrip()[:1] == "{"


def read_submissions(path: str | Path) -> Iterator[Submission]:
    """The rows of a CSV file with the header ``student,target,answer``, or of a JSON Lines file.

    Raises ValueError if the file as a whole is not one of these (no header, wrong columns);
    a single bad row is yielded with ``problem`` set instead.
    """
    path = Path(path)
    text = _text(path)
    if _is_jsonl(path, text):
        yield from _jsonl_rows(text)
    else:
        yield from _csv_rows(text, path)


def _csv_rows(text: str, path: Path) -> Iterator[Submission]:
    csv.field_size_limit(_MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError(f"{path} is empty; expected a CSV header student,target,answer") from None
    names = [h.strip().lower() for h in header]
    missing = [f for f in FIELDS if f not in names]
    if missing:
        raise ValueError(f"{path}: the CSV header {header!r} lacks {', '.join(missing)}; "
                         "expected student,target,answer")
    where = {f: names.index(f) for f in FIELDS}
    row = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row += 1
            yield Submission(row, "", "", "", problem=f"row {row} cannot be read as CSV: {exc}")
            continue
        row += 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(names):
            yield Submission(row, cells[where["student"]] if len(cells) > where["student"] else "", "", "",
                             problem=f"row {row} has {len(cells)} fields, the header has {len(names)}")
            continue
        yield Submission(row, cells[where["student"]].strip(), cells[where["target"]].strip(), cells[where["answer"]])


def _jsonl_rows(text: str) -> Iterator[Submission]:
    for row, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            yield Submission(row, "", "", "", problem=f"line {row} is not JSON: {exc}")
            continue
        if not isinstance(obj, dict):
            yield Submission(row, "", "", "", problem=f"line {row} is not a JSON object")
            continue
        values = {f: obj.get(f) for f in FIELDS}
        bad = [f for f, v in values.items() if not isinstance(v, str)]
        student = values["student"] if isinstance(values["student"], str) else str(values["student"] or "")
        if bad:
            yield Submission(row, student, "", "", problem=f"line {row}: {', '.join(bad)} missing or not a string")
            continue
        yield Submission(row, student.strip(), values["target"].strip(), values["answer"])


def _grade_one(sub: Submission, cache: bool, checker: Callable[..., CheckResult]) -> CheckResult:
    if sub.problem is not None:
        return CheckResult(sub.target, sub.answer, Verdict.INVALID, 0.0, f"Invalid: {sub.problem}.",
                           method="unreadable row")
    try:
        return checker(sub.target, sub.answer, cache=cache)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - one row must never stop the batch
        return CheckResult(sub.target, sub.answer, Verdict.UNDECIDED, 0.0,
                           f"Undecided: the checker failed on this answer ({type(exc).__name__}: {exc}). "
                           "Flagged for a human to look at.", method="checker error")


def grade(submissions: Iterable[Submission], *, on_result: Callable[[Graded], None] | None = None,
          cache: bool = True, isolate: bool = False) -> Batch:
    """Check every submission in order; ``on_result`` sees each graded row as soon as it is done.

    With ``cache`` (the default) an answer identical to an earlier one for the same target, as
    typed or as read, reuses that verdict; without it every row is checked from scratch.  With
    ``isolate`` each answer is checked in a worker process that is killed if it overruns.
    """
    batch = Batch()
    start = time.perf_counter()
    isolated = None
    if isolate:
        from .isolate import IsolatedChecker
        isolated = IsolatedChecker()
    try:
        for sub in submissions:
            graded = Graded(sub, _grade_one(sub, cache, isolated or check))
            batch.rows.append(graded)
            if on_result is not None:
                on_result(graded)
    finally:
        if isolated is not None:
            isolated.close()
    batch.seconds = time.perf_counter() - start
    return batch


def summary_line(batch: Batch) -> str:
    c = batch.counts()
    return (f"{len(batch.rows)} answers: {c['correct']} correct, {c['incorrect']} incorrect, {c['invalid']} invalid, "
            f"{c['undecided']} undecided; {batch.seconds:.2f} s ({batch.rate:.0f} answers/s, "
            f"slowest {batch.slowest():.2f} s)")
