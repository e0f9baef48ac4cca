"""The moving parts of one ``derive grade`` run: the table, the progress bar, the output, the gradebook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..homework.safetext import json_text, printable

__all__ = ["GradeRun"]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


class GradeRun:
    """Opens the output directory and the gradebook before grading starts, shows and writes
    each graded row, and closes everything however the run ends."""

    def __init__(self, args: argparse.Namespace, rows: list) -> None:
        self.args = args
        self.total = len(rows)
        self.shown = 0
        self.writer = None
        self.store = None
        self.bar = None
        try:
            if args.db:   # first: a locked gradebook must not cost the previous output
                from ..homework.resume import ResumeStore
                self.store = ResumeStore(args.db, Path(args.file).read_bytes(), args.encoding)
            self._choose_seed()
            if args.out:
                from ..homework.gradescope import GradescopeWriter
                self.writer = GradescopeWriter(args.out, [r.student for r in rows])
                if self.writer.stale:
                    print(f"derive grade: removed the results of {len(self.writer.stale)} student(s) no longer "
                          f"in the batch from {args.out}: {', '.join(printable(s) for s in self.writer.stale[:10])}",
                          file=sys.stderr)
            self._open_bar()
        except BaseException:
            self.close()
            raise

    def _choose_seed(self) -> None:
        """--points-seed, else the seed of the rows a previous run stored, else a fresh secret one."""
        from ..homework.seed import use_seed

        seed = self.args.points_seed
        if seed is None and self.store is not None:
            seed = self.store.seed()
        if seed is not None:
            try:
                use_seed(seed)
            except ValueError as exc:
                raise ValueError(f"--points-seed: {exc}") from None

    def _open_bar(self) -> None:
        from tqdm import tqdm

        # disable=None: no bar unless stderr is a terminal; rows/s and the time left are shown.
        self.bar = tqdm(total=self.total, desc="grading", unit="row", disable=None, file=sys.stderr,
                        leave=False, dynamic_ncols=True, delay=0.5)

    def advance(self, n: int) -> None:
        self.bar.update(n)

    def _print(self, line: str) -> None:
        if self.bar is not None and not self.bar.disable:
            self.bar.write(line, file=sys.stdout)
        else:
            print(line)

    def header(self) -> None:
        if not self.args.json:
            self._print(f"{'student':<18}  {'target':<20}  {'verdict':<9}  score  feedback")

    def show(self, g) -> None:
        self.shown += 1
        if self.args.json:
            self._print(json_text(g.as_dict()))
        else:
            r = g.result
            feedback = _cut(" ".join(r.feedback.split()), 90)
            if g.submission.superseded_by is not None:
                feedback = f"(not counted: row {g.submission.superseded_by} counts) " + feedback
            self._print(printable(f"{_cut(g.submission.student, 18):<18}  {_cut(r.target or '-', 20):<20}  "
                                  f"{r.verdict.value:<9}  {r.score:4.2f}  {feedback}"))
        if self.writer is not None:
            self.writer.add(g)

    def partial_note(self) -> str:
        parts = []
        if self.writer is not None:
            parts.append(f"{self.args.out} holds the complete results of the {len(self.writer.written)} student(s) "
                         f"finished (summary.csv lists them; {self.args.out}/INCOMPLETE marks it partial)")
        if self.store is not None:
            parts.append(f"rerun with --db {self.args.db} to resume")
        return "; ".join(parts) or "nothing was written"

    def __enter__(self) -> "GradeRun":
        self.header()
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None and self.writer is not None:
            self.writer.finish()
        self.close()

    def close(self) -> None:
        for part in (self.bar, self.writer, self.store):
            if part is not None:
                part.close()
