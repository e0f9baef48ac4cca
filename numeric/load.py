"""Data larger than memory, as dask arrays chunked by rows: ``load(PATH)`` and ``load_table(PATH, target)``.

Formats, chosen by the path:

* ``.npy``: read a chunk of rows at a time with ordinary file reads (not a memory map, whose
  pages would count against the process until it is unmapped), so peak memory is a few chunks;
* ``.zarr``: the array's own chunks, regrouped by rows;
* ``.parquet``, or a directory of Parquet files: read by dask, columns by name;
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


def _read_npy_rows(path: str, offset: int, start: int, stop: int, d: int, dtype: np.dtype) -> np.ndarray:
    row_bytes = d * dtype.itemsize
    with open(path, "rb") as handle:
        handle.seek(offset + start * row_bytes)
        out = np.fromfile(handle, dtype=dtype, count=(stop - start) * d)
    if len(out) != (stop - start) * d:
        raise ValueError(f"{path}: the file ends early, at row {start + len(out) // max(d, 1)} of {stop}")
    return out.reshape(stop - start, d)


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
    if fortran and len(shape) == 2 and shape[1] > 1:
        raise ValueError(f"{path}: stored column by column (Fortran order); save it in C order "
                         "(np.save(path, np.ascontiguousarray(X))) so that rows can be read in chunks")
    if dtype.hasobject:
        raise ValueError(f"{path}: holds Python objects, not numbers")
    shape = tuple(shape) if len(shape) == 2 else (shape[0], 1)
    n, d = shape
    step = _rows_per_chunk(d, dtype.itemsize, chunk_bytes)
    parts = [da.from_delayed(dask.delayed(_read_npy_rows)(str(path), offset, lo, min(lo + step, n), d, dtype),
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
            return dd.read_parquet(str(path))
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
    X = _to_array(path, frame[features]).astype(np.float64)
    y = _to_array(path, frame[target])
    return ChunkedTable(X, y.rechunk((X.chunks[0],)), tuple(features), target)
