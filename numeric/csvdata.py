"""Read a training table from CSV: numeric feature columns and one label column.

Every problem is a ValueError (or OSError for an unreadable file) whose message names the
file, the line and what is wrong, e.g. ``data.csv: line 7, column 'x2': 'abc' is not a number``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["Table", "load_csv"]


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


def load_csv(path: str | Path, target: str) -> Table:
    """The table in ``path`` (comma-separated, a header line first) with ``target`` as the labels."""
    path = Path(path)
    name = str(path)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise OSError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise OSError(f"{name}: is a directory, not a CSV file") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise ValueError(f"{name}: line {reader.line_num}: not valid CSV ({exc})") from None
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
    return Table(X, _labels(labels), tuple(features), target)
