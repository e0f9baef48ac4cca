"""Writing a graded batch for Gradescope: ``DIR/summary.csv`` and ``DIR/<student>/results.json``.

Each ``results.json`` follows the Gradescope autograder format: a total ``score`` and one
entry of ``tests`` per answer, with ``name``, ``score``, ``max_score`` (1 per answer),
``output`` (the verdict, how the answer was read, the feedback) and ``visibility``.  Nothing
in it depends on timing, so a run resumed from the gradebook writes the same files.  A
duplicate (student, target) row that does not count is left out and mentioned.

``GradescopeWriter`` writes results as they are made, so that an interrupted run leaves a
consistent part: a student's ``results.json`` is written (temp file, then rename) when their
last row is graded, and their row is then appended to ``summary.csv``.  A process killed at any
moment leaves whole files.  They are not synced to disk one by one (3 s of a 60 s run of
20,000 rows): the gradebook holds the verdicts, and a rerun writes them all again.  The output
directory is checked before grading starts; the results of an earlier run in it are removed
first (so none of a student who left the batch survives), and nothing is written through a
symbolic link: every file is opened relative to a directory descriptor with ``O_NOFOLLOW``.

Student names become directory names only after sanitising (see ``safe_dirname``); two
students whose names sanitise alike are told apart by a hash of the name.  Every CSV cell that
a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

from .grade import Batch, Graded
from .safetext import csv_cell

__all__ = ["safe_dirname", "DirectoryNames", "write_gradescope", "results_json", "GradescopeWriter"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._+@-]+")
_MAX_NAME = 64
_RESERVED = {"", ".", "..", "summary.csv", "incomplete", "con", "prn", "aux", "nul",
             *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
SUMMARY = "summary.csv"
RESULTS = "results.json"
INCOMPLETE = "INCOMPLETE"
_HEADER = ["student", "directory", "score", "max_score", "correct", "incorrect", "invalid", "undecided"]
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_TEMP = re.compile(r"^\.(results\.json|summary\.csv|INCOMPLETE)\.\d+\.tmp$")
_DIRFLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW


def safe_dirname(name: str) -> str:
    """A directory name for a student: only ``[A-Za-z0-9._+@-]``, no leading dot, at most 64 characters."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))  # José -> Jose
    text = _UNSAFE.sub("_", text).lstrip(".-_")[:_MAX_NAME].rstrip(".")
    if text.lower() in _RESERVED or text.lower().split(".")[0] in _RESERVED:
        text = f"student_{text}" if text.strip(".") else "student"
    return text


class DirectoryNames:
    """Assigns each distinct student a distinct safe directory name, stable in input order."""

    def __init__(self) -> None:
        self.by_student: dict[str, str] = {}
        self.taken: set[str] = set()

    def __call__(self, student: str) -> str:
        if student in self.by_student:
            return self.by_student[student]
        name = safe_dirname(student)
        if name.lower() in self.taken:  # case-insensitive: some file systems are
            digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:10]
            name = f"{name[:_MAX_NAME - 11]}-{digest}"
        self.taken.add(name.lower())
        self.by_student[student] = name
        return name


def _test(graded: Graded, name: str) -> dict:
    r = graded.result
    lines = [f"Verdict: {r.verdict.value} ({r.score:g}/1)", f"Your answer: {r.answer}"]
    if r.interpreted_as:
        lines.append(f"Read as: {r.interpreted_as.get('plain', '')}")
    lines.append(r.feedback)
    return {"name": name, "score": r.score, "max_score": 1.0, "output": "\n".join(lines), "visibility": "visible"}


def results_json(rows: list[Graded]) -> dict:
    """One student's Gradescope results: total score and one test per counted answer, in input order."""
    seen: dict[str, int] = {}
    tests = []
    counted = [g for g in rows if g.submission.counted]
    for g in counted:
        target = g.submission.target or f"row {g.submission.row}"
        seen[target] = seen.get(target, 0) + 1
        name = target if seen[target] == 1 else f"{target} (answer {seen[target]})"
        tests.append(_test(g, name))
    output = f"{len(tests)} answers checked by derive-toolkit."
    left_out = [g.submission for g in rows if not g.submission.counted]
    if left_out:
        output += " Not counted (a later answer to the same target counts): " + ", ".join(
            f"row {s.row} ({s.target})" for s in left_out) + "."
    return {
        "score": round(sum(t["score"] for t in tests), 6),
        "output": output,
        "visibility": "visible",
        "tests": tests,
    }


def _csv_line(cells: list) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(c) for c in cells])
    return buffer.getvalue().encode("utf-8")


def _write_new(dir_fd: int, name: str, data: bytes) -> None:
    """``name`` in ``dir_fd`` replaced atomically by ``data``: temp file (O_EXCL|O_NOFOLLOW), rename."""
    temp = f".{name}.{os.getpid()}.tmp"
    try:
        os.unlink(temp, dir_fd=dir_fd)
    except FileNotFoundError:
        pass
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644, dir_fd=dir_fd)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.rename(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)  # a link at ``name`` is replaced, not followed


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode & 0o170000 == 0o120000
    except FileNotFoundError:
        return False


class GradescopeWriter:
    """Writes each student's results as soon as their last row is graded (see the module docstring).

    ``students`` lists every row's student, in input order; ``add(graded)`` takes the rows in
    input order; ``finish()`` marks the output complete.  ``removed`` names the directories of
    an earlier run that were removed, and ``stale`` those of students no longer in the batch.
    """

    def __init__(self, out_dir: str | Path, students: list[str]):
        self.out = Path(out_dir)
        self.names = DirectoryNames()
        self.expected = Counter(students)
        for s in students:
            self.names(s)
        self.rows: dict[str, list[Graded]] = {}
        self.written: dict[str, Path] = {}
        self.removed: list[str] = []
        self.stale: list[str] = []
        self._fd = self._open_root()
        try:
            self._clear_previous()
            _write_new(self._fd, INCOMPLETE, b"This output is incomplete: the grading run was interrupted.\n")
            _write_new(self._fd, SUMMARY, _csv_line(_HEADER))
            self._summary = os.open(SUMMARY, os.O_WRONLY | os.O_APPEND | _NOFOLLOW, dir_fd=self._fd)
        except BaseException:
            os.close(self._fd)
            raise

    def _open_root(self) -> int:
        if self.out.exists() and not self.out.is_dir():
            raise ValueError(f"--out {self.out} exists and is not a directory")
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError as exc:
            raise OSError(f"cannot use {self.out} for the output: {exc.strerror or exc}") from None
        if not os.access(fd if os.access in os.supports_fd else self.out, os.W_OK):
            os.close(fd)
            raise OSError(f"cannot write to {self.out}")
        for name in (SUMMARY, INCOMPLETE, *self.names.by_student.values()):
            if _is_link(fd, name):
                os.close(fd)
                raise ValueError(f"{self.out / name} is a symbolic link; refusing to write through it "
                                 "(remove it, or choose another --out)")
        return fd

    def _clear_previous(self) -> None:
        """Remove ``NAME/results.json`` (and NAME when then empty) left by an earlier run, and
        the temporary files of a run that was killed while writing."""
        ours = set(self.names.by_student.values())
        for entry in os.scandir(self._fd):
            if _TEMP.match(entry.name) and entry.is_file(follow_symlinks=False):
                os.unlink(entry.name, dir_fd=self._fd)
            if not entry.is_dir(follow_symlinks=False):
                continue
            sub = os.open(entry.name, _DIRFLAGS, dir_fd=self._fd)
            try:
                names = set(os.listdir(sub))
                temps = {n for n in names if _TEMP.match(n)}
                for name in temps:
                    os.unlink(name, dir_fd=sub)
                if RESULTS not in names or _is_link(sub, RESULTS):
                    continue
                os.unlink(RESULTS, dir_fd=sub)
            finally:
                os.close(sub)
            # a student still in the batch keeps the directory: making it again costs more
            # than the rest of writing their results on some file systems
            if names - temps == {RESULTS} and entry.name not in ours:
                os.rmdir(entry.name, dir_fd=self._fd)
            self.removed.append(entry.name)
            if entry.name not in ours:
                self.stale.append(entry.name)

    def add(self, graded: Graded) -> None:
        student = graded.submission.student
        rows = self.rows.setdefault(student, [])
        rows.append(graded)
        if len(rows) == self.expected[student]:
            self._write_student(student, rows)

    def _write_student(self, student: str, rows: list[Graded]) -> None:
        name = self.names(student)
        try:
            os.mkdir(name, dir_fd=self._fd)
        except FileExistsError:
            pass
        sub = os.open(name, _DIRFLAGS, dir_fd=self._fd)   # ELOOP for a symbolic link
        try:
            data = results_json(rows)
            _write_new(sub, RESULTS, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))
        finally:
            os.close(sub)
        counted = [g for g in rows if g.submission.counted]
        counts = [sum(g.result.verdict.value == v for g in counted) for v in ("correct", "incorrect", "invalid", "undecided")]
        os.write(self._summary, _csv_line([student, name, data["score"], float(len(counted)), *counts]))
        self.written[student] = self.out / name / RESULTS

    def finish(self) -> None:
        """Mark the output complete (removes DIR/INCOMPLETE)."""
        os.unlink(INCOMPLETE, dir_fd=self._fd)

    def close(self) -> None:
        for fd in (self._summary, self._fd):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> "GradescopeWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_gradescope(batch: Batch, out_dir: str | Path) -> dict[str, Path]:
    """Write ``out_dir/summary.csv`` and one ``results.json`` per student; returns student → file."""
    with GradescopeWriter(out_dir, [g.submission.student for g in batch.rows]) as writer:
        for g in batch.rows:
            writer.add(g)
        writer.finish()
        return writer.written
