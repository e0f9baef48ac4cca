"""Read a training table from CSV: numeric feature columns and one label column.

Every problem is a ValueError (or OSError for an unreadable file) whose message names the
file, the line and what is wrong, e.g. ``data.csv: line 7, column 'x2': 'abc' is not a number``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["Table", "load_csv", "MAX_COLUMNS", "MAX_BYTES", "MAX_MAGNITUDE", "check_magnitude"]

#: Bounds on what is read: a file of at most MAX_BYTES, lines of at most MAX_LINE bytes, and at
#: most MAX_COLUMNS columns (a fit's cost grows with d², or d³ for LDA).
MAX_BYTES = 1024 * 1024 * 1024
MAX_LINE = 4 * 1024 * 1024
MAX_COLUMNS = 4096
#: Beyond this, x² overflows float64 once summed over rows (1e150² · 1e8 rows < 1.8e308).
MAX_MAGNITUDE = 1e150


@dataclass(frozen=True)
class Table:
    """Features X (n, d) as float64, labels y (n,), and the feature column names."""

    X: NDArray[np.float64]
    y: np.ndarray
    features: tuple[str, ...]
    target: str


def _labels(values: list[str]) -> np.ndarray:
    """Numbers when every label is one (integers when all are whole), else the strings."""
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        return np.array(values, dtype=object)
    if all(math.isfinite(v) and v == int(v) for v in numbers):
        return np.array([int(v) for v in numbers])
    return np.array(numbers)


def check_magnitude(X: NDArray[np.float64], features: tuple[str, ...] | list[str], name: str = "the data",
                    limit: float = MAX_MAGNITUDE) -> None:
    """ValueError naming every column with a value beyond ±``limit`` (the fit would overflow)."""
    if X.size == 0:
        return
    largest = np.max(np.abs(X), axis=0)
    bad = [f"{features[j]!r} (up to {largest[j]:.3g})" for j in np.flatnonzero(largest > limit)]
    if bad:
        raise ValueError(f"{name}: column{'s' if len(bad) > 1 else ''} {', '.join(bad)} exceed ±{limit:.0e}: "
                         "sums of squares would overflow; rescale them (e.g. standardise)")


def _read_rows(path: Path, max_bytes: int, max_columns: int) -> list[tuple[int, list[str]]]:
    from derive.textfile import read_text

    name = str(path)
    if not path.exists():
        raise OSError(f"{name}: no such file")
    if path.is_dir():
        raise OSError(f"{name}: is a directory, not a CSV file")
    text = read_text(path, max_bytes=max_bytes, max_line=MAX_LINE)
    csv.field_size_limit(MAX_LINE)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if len(row) > max_columns:
                raise ValueError(f"{name}: line {reader.line_num}: {len(row):,} columns, more than the limit "
                                 f"of {max_columns:,}")
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise ValueError(f"{name}: line {reader.line_num}: not valid CSV ({exc})") from None
    return rows


def load_csv(path: str | Path, target: str, *, max_bytes: int = MAX_BYTES, max_columns: int = MAX_COLUMNS) -> Table:
    """The table in ``path`` (comma-separated, a header line first) with ``target`` as the labels.

    Refused with a ValueError naming the file and line: a file over ``max_bytes``, a line over
    MAX_LINE bytes, more than ``max_columns`` columns, text that is not UTF-8, a value that is
    not a finite number, a column with values beyond ±MAX_MAGNITUDE."""
    path = Path(path)
    name = str(path)
    rows = _read_rows(path, max_bytes, max_columns)
    if not rows:
        raise ValueError(f"{name}: line 1: the file is empty; expected a header line naming the columns")
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    if target not in header:
        raise ValueError(f"{name}: line {header_line}: no column named {target!r}; "
                         f"the columns are {', '.join(map(repr, header))}")
    if len(set(header)) != len(header):
        duplicated = sorted({h for h in header if header.count(h) > 1})
        raise ValueError(f"{name}: line {header_line}: duplicated column names {duplicated}")
    if len(rows) == 1:
        raise ValueError(f"{name}: line {header_line + 1}: no data rows after the header")
    t = header.index(target)
    features = [h for i, h in enumerate(header) if i != t]
    if not features:
        raise ValueError(f"{name}: line {header_line}: the only column is the target {target!r}; "
                         "there are no features to train on")
    X = np.empty((len(rows) - 1, len(features)))
    labels: list[str] = []
    for r, (line, row) in enumerate(rows[1:]):
        if len(row) != len(header):
            raise ValueError(f"{name}: line {line}: expected {len(header)} fields (as in the header), "
                             f"found {len(row)}")
        label = row[t].strip()
        if not label:
            raise ValueError(f"{name}: line {line}, column {target!r}: the label is empty")
        labels.append(label)
        c = 0
        for i, cell in enumerate(row):
            if i == t:
                continue
            text = cell.strip()
            try:
                value = float(text)
            except ValueError:
                problem = "is empty" if not text else f"{text!r} is not a number"
                raise ValueError(f"{name}: line {line}, column {header[i]!r}: {problem}") from None
            if not math.isfinite(value):
                raise ValueError(f"{name}: line {line}, column {header[i]!r}: {text!r} is not a finite number")
            X[r, c] = value
            c += 1
    check_magnitude(X, features, name)
    return Table(X, _labels(labels), tuple(features), target)
