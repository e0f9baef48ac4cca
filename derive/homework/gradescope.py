"""Writing a graded batch for Gradescope: ``DIR/summary.csv`` and ``DIR/<student>/results.json``.

Each ``results.json`` follows the Gradescope autograder format: a total ``score`` and one
entry of ``tests`` per answer, with ``name``, ``score``, ``max_score`` (1 per answer),
``output`` (the verdict, how the answer was read, the feedback) and ``visibility``.

Student names become directory names only after sanitising: anything but letters, digits and
``. _ - + @`` turns into ``_``, leading dots go, the length is capped, reserved names are
prefixed, and two students whose names sanitise alike are told apart by a hash of the name.
No name can reach outside DIR.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from pathlib import Path

from .grade import Batch, Graded

__all__ = ["safe_dirname", "DirectoryNames", "write_gradescope", "results_json"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._+@-]+")
_MAX_NAME = 64
_RESERVED = {"", ".", "..", "summary.csv", "con", "prn", "aux", "nul",
             *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


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
    """One student's Gradescope results: total score and one test per answer, in input order."""
    seen: dict[str, int] = {}
    tests = []
    for g in rows:
        target = g.submission.target or f"row {g.submission.row}"
        seen[target] = seen.get(target, 0) + 1
        name = target if seen[target] == 1 else f"{target} (answer {seen[target]})"
        tests.append(_test(g, name))
    return {
        "score": round(sum(t["score"] for t in tests), 6),
        "execution_time": round(sum(g.result.seconds for g in rows), 3),
        "output": f"{len(tests)} answers checked by derive-toolkit.",
        "visibility": "visible",
        "tests": tests,
    }


def write_gradescope(batch: Batch, out_dir: str | Path) -> dict[str, Path]:
    """Write ``out_dir/summary.csv`` and one ``results.json`` per student; returns student → file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    root = out.resolve()
    by_student: dict[str, list[Graded]] = {}
    for g in batch.rows:
        by_student.setdefault(g.submission.student, []).append(g)
    names = DirectoryNames()
    written: dict[str, Path] = {}
    with (out / "summary.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "directory", "score", "max_score", "correct", "incorrect", "invalid", "undecided"])
        for student, rows in by_student.items():
            directory = root / names(student)
            if directory.resolve().parent != root:  # belt and braces: never write outside DIR
                raise ValueError(f"refusing to write outside {root} for student {student!r}")
            directory.mkdir(exist_ok=True)
            data = results_json(rows)
            (directory / "results.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
            written[student] = directory / "results.json"
            counts = {v: sum(g.result.verdict.value == v for g in rows) for v in ("correct", "incorrect", "invalid", "undecided")}
            writer.writerow([_csv_safe(student), directory.name, data["score"], float(len(rows)),
                             counts["correct"], counts["incorrect"], counts["invalid"], counts["undecided"]])
    return written


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: quote it so it stays text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
