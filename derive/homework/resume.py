"""Resuming a batch: each graded row is stored in the gradebook as it is made.

A batch is identified by the SHA-256 of its input file's bytes (``derive.gradebook.content_id``)
and each row by its position in the file, so a rerun over the same file after a kill (SIGKILL
included) finds the rows already graded and checks only the rest: no finished row is checked
again, none is lost, and none is stored twice (a row's key is unique in the gradebook).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..gradebook import Gradebook, content_id
from .submissions import Submission
from .verdict import CheckResult, Verdict

__all__ = ["ResumeStore", "result_from_dict"]


def result_from_dict(data: dict) -> CheckResult:
    """The CheckResult whose ``as_dict()`` is ``data``."""
    return CheckResult(data["target"], data["answer"], Verdict(data["verdict"]), float(data["score"]),
                       data["feedback"], interpreted_as=data.get("interpreted_as"),
                       counterexample=data.get("counterexample"), seconds=float(data.get("seconds") or 0.0),
                       method=data.get("method", ""), mistake=data.get("mistake"), seed=data.get("points_seed"))


class ResumeStore:
    """The rows of one input file in a gradebook: ``finished()`` and ``record(rows)``."""

    def __init__(self, db: str | Path, data: bytes, encoding: str | None = None):
        self.book = Gradebook(db)
        # the same bytes read in another encoding are other rows
        self.batch_id = content_id(data if encoding is None else data + b"\0encoding=" + encoding.encode())

    def finished(self, n_rows: int) -> dict[int, CheckResult]:
        """The rows (by position) that an earlier run over the same file stored."""
        rows = self.book.batch_rows(self.batch_id)
        return {i: result_from_dict(r) for i, r in rows.items() if 0 <= i < n_rows}

    def seed(self) -> int | None:
        """The points seed the stored rows were checked with (a resumed run reuses it, so that
        its new rows are checked at the same points as an uninterrupted run's)."""
        return self.book.batch_seed(self.batch_id)

    def record(self, rows: Iterable[tuple[int, Submission, CheckResult]]) -> None:
        """Store graded rows, in one transaction."""
        self.book.record_batch(self.batch_id, [
            (i, sub.student, {**result.as_dict(), "method": result.method, "mistake": result.mistake})
            for i, sub, result in rows])

    def close(self) -> None:
        self.book.close()

    def __enter__(self) -> "ResumeStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
