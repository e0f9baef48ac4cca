"""Data larger than memory, as dask arrays chunked by rows: ``load(PATH)`` and ``load_table(PATH, target)``.

Formats, chosen by the path:

* ``.npy`` (C or Fortran order): read a chunk of rows at a time with ordinary file reads (not a
  memory map, whose pages would count against the process until it is unmapped), so peak
  memory is a few chunks;
* ``.zarr``: the array's own chunks, regrouped by rows;
* ``.parquet``, or a directory of Parquet files: read by dask, columns by name, a chunk per
  row group (write big files with a row group size to match, e.g. 100,000 rows);
* ``.csv``: read by dask in blocks of ``blocksize`` bytes.

Every problem is a ValueError or OSError naming the file and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["load", "load_table", "ChunkedTable", "DEFAULT_CHUNK_BYTES"]

#: Bytes of X per row chunk: small enough that a worker holds a few at once in far less than 1 GB.
DEFAULT_CHUNK_BYTES = 32 * 2**20


@dataclass(frozen=True)
class ChunkedTable:
    """Features X (n, d) and labels y (n,) as dask arrays with the same row chunks."""

    X: Any
    y: Any
    features: tuple[str, ...]
    target: str


def _kind(path: Path) -> str:
    if path.is_dir():
        if path.suffix == ".zarr" or (path / ".zarray").exists() or (path / "zarr.json").exists():
            return "zarr"
        if any(path.glob("*.parquet")):
            return "parquet"
        raise ValueError(f"{path}: a directory, but neither a .zarr array nor a folder of .parquet files")
    suffix = path.suffix.lower()
    if suffix in (".npy", ".zarr", ".parquet", ".csv"):
        return suffix[1:]
    raise ValueError(f"{path}: unknown data format {suffix or '(no suffix)'!r}; "
                     "use .npy, .zarr, .parquet (a file or a folder of them) or .csv")


def _rows_per_chunk(d: int, itemsize: int, chunk_bytes: int) -> int:
    return max(1, chunk_bytes // max(1, d * itemsize))


def _read_npy_rows(path: str, offset: int, start: int, stop: int, shape: tuple[int, int], dtype: np.dtype,
                   fortran: bool) -> np.ndarray:
    """Rows start..stop−1: one read in C order, one read per column in Fortran order."""
    n, d = shape
    size = dtype.itemsize
    spans = [(offset + (j * n + start) * size, stop - start) for j in range(d)] if fortran else \
        [(offset + start * d * size, (stop - start) * d)]
    parts = []
    with open(path, "rb") as handle:
        for at, count in spans:
            handle.seek(at)
            part = np.fromfile(handle, dtype=dtype, count=count)
            if len(part) != count:
                raise ValueError(f"{path}: the file ends before row {stop} of {n}")
            parts.append(part)
    if fortran:
        return np.column_stack(parts)
    return parts[0].reshape(stop - start, d)


def _npy(path: Path, chunk_bytes: int):
    import dask
    import dask.array as da

    with path.open("rb") as handle:
        try:
            major, _ = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(handle)
        except ValueError as exc:
            raise ValueError(f"{path}: not a .npy file ({exc})") from None
        offset = handle.tell()
    if dtype.hasobject:
        raise ValueError(f"{path}: holds Python objects, not numbers")
    shape = tuple(shape) if len(shape) == 2 else (shape[0], 1)
    n, d = shape
    step = _rows_per_chunk(d, dtype.itemsize, chunk_bytes)
    read = dask.delayed(_read_npy_rows)
    parts = [da.from_delayed(read(str(path), offset, lo, min(lo + step, n), shape, dtype, bool(fortran)),
                             shape=(min(lo + step, n) - lo, d), dtype=dtype)
             for lo in range(0, n, step)]
    return da.concatenate(parts, axis=0) if parts else da.zeros((0, d), dtype=dtype)


def _zarr(path: Path, chunk_bytes: int):
    import dask.array as da

    try:
        X = da.from_zarr(str(path))
    except Exception as exc:  # zarr raises many kinds of errors for a bad store
        raise ValueError(f"{path}: cannot be read as a zarr array ({type(exc).__name__}: {exc})") from None
    X = X if X.ndim == 2 else X[:, None]
    return X.rechunk({0: _rows_per_chunk(X.shape[1], X.dtype.itemsize, chunk_bytes), 1: -1})


def _frame(path: Path, kind: str, blocksize: int):
    import dask.dataframe as dd

    try:
        if kind == "parquet":
            # A partition per row group, whatever the columns read: X and y then split alike.
            return dd.read_parquet(str(path), split_row_groups=True, blocksize=None)
        return dd.read_csv(str(path), blocksize=blocksize)
    except FileNotFoundError:
        raise OSError(f"{path}: no such file") from None
    except Exception as exc:  # pyarrow and pandas each raise their own kinds
        raise ValueError(f"{path}: cannot be read as {kind} ({type(exc).__name__}: {_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def load(path: str | Path, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Any:
    """The numbers in ``path`` as a dask array (n, d) chunked by rows; nothing is read until computed."""
    path = Path(path)
    if not path.exists():
        raise OSError(f"{path}: no such file or directory")
    kind = _kind(path)
    if kind == "npy":
        return _npy(path, chunk_bytes)
    if kind == "zarr":
        return _zarr(path, chunk_bytes)
    frame = _frame(path, kind, chunk_bytes)
    _check_numeric(path, frame, list(frame.columns))
    return _to_array(path, frame)


def _check_numeric(path: Path, frame, columns: list[str]) -> None:
    bad = [c for c in columns if frame[c].dtype.kind not in "fiub"]
    if bad:
        raise ValueError(f"{path}: columns {bad} are not numeric (dtypes {[str(frame[c].dtype) for c in bad]})")


def _to_array(path: Path, frame) -> Any:
    try:
        return frame.to_dask_array(lengths=True)
    except Exception as exc:
        raise ValueError(f"{path}: the chunks cannot be combined ({type(exc).__name__}: {_first_line(exc)}); "
                         "are the column types the same in every file?") from None


def _numbers(block: np.ndarray, path: str) -> np.ndarray:
    """A chunk as float64; a chunk whose file holds text where the first file has numbers fails here."""
    try:
        return np.asarray(block, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: a chunk holds values that are not numbers ({exc}); "
                         "are the column types the same in every file?") from None


def load_table(path: str | Path, target: str, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> ChunkedTable:
    """Features and labels from ``path``: ``target`` names a column of a Parquet/CSV table, or a
    column index (``-1`` for the last) of a .npy/.zarr array."""
    path = Path(path)
    if not path.exists():
        raise OSError(f"{path}: no such file or directory")
    kind = _kind(path)
    if kind in ("npy", "zarr"):
        array = load(path, chunk_bytes=chunk_bytes)
        d = int(array.shape[1])
        try:
            t = int(target)
            t = t + d if t < 0 else t
            if not 0 <= t < d:
                raise ValueError
        except ValueError:
            raise ValueError(f"{path}: an array has no column names; --target must be a column index "
                             f"from 0 to {d - 1} (or -1 for the last), got {target!r}") from None
        keep = [j for j in range(d) if j != t]
        return ChunkedTable(array[:, keep].astype(np.float64), array[:, t], tuple(f"x{j}" for j in keep), str(t))
    frame = _frame(path, kind, chunk_bytes)
    columns = [str(c) for c in frame.columns]
    if target not in columns:
        raise ValueError(f"{path}: no column named {target!r}; the columns are {', '.join(map(repr, columns))}")
    features = [c for c in columns if c != target]
    if not features:
        raise ValueError(f"{path}: the only column is the target {target!r}; there are no features to train on")
    _check_numeric(path, frame, features)
    # One array from one frame: dask may regroup partitions differently for different column
    # selections, so X and y are never read as two frames.
    label_dtype, labels = frame[target].dtype, None
    if label_dtype.kind not in "fiub":
        labels = np.sort(np.asarray(frame[target].dropna().unique().compute()))
        codes = {value: i for i, value in enumerate(labels)}
        frame = frame.assign(**{target: frame[target].map(codes, meta=(target, "f8"))})
    both = _to_array(path, frame[features + [target]])
    X, y = both[:, :-1].map_blocks(_numbers, str(path), dtype=np.float64), both[:, -1]
    if labels is not None:
        y = y.map_blocks(lambda c: labels[c.astype(np.intp)], dtype=labels.dtype)
    elif label_dtype.kind in "iub":
        y = y.astype(label_dtype)
    return ChunkedTable(X, y, tuple(features), target)
