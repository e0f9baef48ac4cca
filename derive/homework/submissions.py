"""Reading a class's answers: CSV (``student,target,answer``) or JSON Lines, one row at a time.

``read_submissions(path)`` returns one ``Submission`` per row.  The file is read within caps
(``derive.textfile``) and decoded strictly: a file that is not UTF-8 is refused with the line
and byte of the first bad byte, unless its ``encoding`` is given, because replacing bad bytes
would merge different names (José and Josè would both become Jos�).  After that every row
stands alone: a row that cannot be read, or whose text cannot be encoded (a lone surrogate
such as ``"\\ud800"`` in JSON), becomes a ``Submission`` with ``problem`` set, which is graded
``invalid``; the batch goes on.

``mark_duplicates(rows, keep)`` decides which of several rows with the same (student, target)
counts: the ``last`` (default), the ``first``, or ``all`` of them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from ..textfile import MAX_BYTES, MAX_LINE, read_text

__all__ = ["Submission", "read_submissions", "mark_duplicates", "FIELDS", "DUPLICATE_POLICIES"]

FIELDS = ("student", "target", "answer")
DUPLICATE_POLICIES = ("last", "first", "all")


@dataclass(frozen=True)
class Submission:
    """One row of the input: ``row`` counts from 1 (the header of a CSV is row 0).

    ``superseded_by`` is the row that counts instead of this one, for a duplicate
    (student, target); such a row is still checked and reported, but not scored."""

    row: int
    student: str
    target: str
    answer: str
    problem: str | None = None
    superseded_by: int | None = None

    @property
    def counted(self) -> bool:
        return self.superseded_by is None


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _shown(value: str) -> str:
    # Lone surrogates cannot be written anywhere; the escaped form keeps the name distinct.
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _validated(sub: Submission, where: str) -> Submission:
    """``sub`` with any field that is not encodable text escaped, and the row made invalid."""
    bad = [f for f in FIELDS if not _encodable(getattr(sub, f))]
    if not bad:
        return sub
    fixed = {f: _shown(getattr(sub, f)) for f in bad}
    return replace(sub, **fixed, problem=sub.problem or f"{where}: the {', '.join(bad)} field holds text that is "
                                                          "not valid Unicode (a lone surrogate)")


def _is_jsonl(path: Path, text: str) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return True
    if path.suffix.lower() == ".csv":
        return False
    return text.lstrip()[:1] == "{"


def read_submissions(path: str | Path, *, encoding: str | None = None, max_bytes: int = MAX_BYTES,
                     max_line: int = MAX_LINE) -> Iterator[Submission]:
    """The rows of a CSV file with the header ``student,target,answer``, or of a JSON Lines file.

    Raises ValueError if the file as a whole cannot be used (too large, not UTF-8 without an
    ``encoding``, no header, wrong columns); a single bad row is yielded with ``problem`` set.
    """
    path = Path(path)
    text = read_text(path, encoding=encoding, max_bytes=max_bytes, max_line=max_line,
                     hint="give its encoding, e.g. --encoding latin-1")
    # NUL bytes would make the csv module give up on the whole file.
    text = text.replace("\x00", "")
    rows = _jsonl_rows(text) if _is_jsonl(path, text) else _csv_rows(text, path, max_line)
    for sub in rows:
        yield _validated(sub, f"row {sub.row}")


def _csv_rows(text: str, path: Path, max_field: int) -> Iterator[Submission]:
    csv.field_size_limit(max_field)
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


def mark_duplicates(rows: list[Submission], keep: str = "last") -> list[Submission]:
    """``rows`` with ``superseded_by`` set on every duplicate (student, target) row that does
    not count under ``keep``: "last" (the latest row counts), "first", or "all" (all count)."""
    if keep not in DUPLICATE_POLICIES:
        raise ValueError(f"unknown duplicate policy {keep!r}; choose from {', '.join(DUPLICATE_POLICIES)}")
    if keep == "all":
        return list(rows)
    chosen: dict[tuple[str, str], int] = {}
    for sub in rows:
        if sub.problem is None and sub.target:
            key = (sub.student, sub.target)
            if keep == "last" or key not in chosen:
                chosen[key] = sub.row
    out = []
    for sub in rows:
        winner = chosen.get((sub.student, sub.target)) if sub.problem is None and sub.target else None
        out.append(sub if winner in (None, sub.row) else replace(sub, superseded_by=winner))
    return out
