"""numeric.load / load_table: every format gives the same rows, in chunks, and bad files get one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from numeric.chunked import is_dask
from numeric.load import load, load_table


@pytest.fixture
def table(rng) -> pd.DataFrame:
    X = rng.normal(size=(257, 4))
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame["label"] = (X[:, 0] + X[:, 1] > 0).astype(int)
    return frame


def _write(frame: pd.DataFrame, tmp_path, kind: str):
    values = frame.to_numpy(dtype=float)
    if kind == "npy":
        np.save(tmp_path / "data.npy", values)
        return tmp_path / "data.npy"
    if kind == "zarr":
        import zarr

        path = tmp_path / "data.zarr"
        store = zarr.open(str(path), mode="w", shape=values.shape, chunks=(50, 5), dtype="f8")
        store[:] = values
        return path
    if kind == "parquet-dir":
        folder = tmp_path / "parts"
        folder.mkdir()
        for i, part in enumerate(np.array_split(np.arange(len(frame)), 3)):
            frame.iloc[part].to_parquet(folder / f"part-{i}.parquet")
        return folder
    if kind == "parquet":
        frame.to_parquet(tmp_path / "data.parquet")
        return tmp_path / "data.parquet"
    frame.to_csv(tmp_path / "data.csv", index=False)
    return tmp_path / "data.csv"


@pytest.mark.parametrize("kind", ["npy", "zarr", "parquet", "parquet-dir", "csv"])
def test_every_format_reads_the_same_rows_in_chunks(table, tmp_path, kind):
    path = _write(table, tmp_path, kind)
    target = "-1" if kind in ("npy", "zarr") else "label"
    loaded = load_table(path, target, chunk_bytes=64 * 8 * 5)  # 64 rows per chunk for the arrays
    assert is_dask(loaded.X) and is_dask(loaded.y)
    assert loaded.X.chunks[0] == loaded.y.chunks[0]
    assert_array_equal(loaded.X.compute(), table[["a", "b", "c", "d"]].to_numpy())
    assert_array_equal(loaded.y.compute().astype(int), table["label"].to_numpy())
    if kind in ("npy", "zarr"):
        assert len(loaded.X.chunks[0]) == 5, "row chunks follow chunk_bytes"
        assert_array_equal(load(path).compute(), table.to_numpy(dtype=float))


def test_missing_column_is_named_with_the_columns_there(table, tmp_path):
    path = _write(table, tmp_path, "parquet")
    with pytest.raises(ValueError, match=r"no column named 'y'; the columns are 'a', 'b'"):
        load_table(path, "y")


def test_an_array_target_must_be_a_column_index(table, tmp_path):
    path = _write(table, tmp_path, "npy")
    with pytest.raises(ValueError, match="column index from 0 to 4"):
        load_table(path, "label")


def test_chunks_with_inconsistent_dtypes_are_refused(table, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    table.iloc[:100].to_parquet(folder / "part-0.parquet")
    other = table.iloc[100:].copy()
    other["b"] = other["b"].map(lambda v: f"v{v:.3f}")  # text where the first file has numbers
    other.to_parquet(folder / "part-1.parquet")
    with pytest.raises(ValueError, match="could not convert string to float: 'v"):
        load_table(folder, "label").X.compute()


def test_a_corrupted_parquet_file_is_one_clear_error(table, tmp_path):
    path = _write(table, tmp_path, "parquet")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"data\.parquet: cannot be read as parquet"):
        load_table(path, "label")


@pytest.mark.parametrize("name, message", [("data.txt", "unknown data format"), ("nothing.npy", "no such file")])
def test_unknown_or_missing_paths(tmp_path, name, message):
    if name.endswith(".txt"):
        (tmp_path / name).write_text("1,2\n")
    with pytest.raises((ValueError, OSError), match=message):
        load(tmp_path / name)


def test_a_fortran_ordered_npy_reads_the_same_rows(tmp_path, rng):
    X = rng.normal(size=(300, 3))
    np.save(tmp_path / "f.npy", np.asfortranarray(X))
    loaded = load(tmp_path / "f.npy", chunk_bytes=64 * 3 * 8)
    assert len(loaded.chunks[0]) == 5
    assert_array_equal(loaded.compute(), X)


def test_out_of_core_fit_keeps_memory_bounded_by_the_chunk_size(tmp_path):
    """A 192 MB .npy fitted in 4 MB chunks: the process grows by far less than the data (the
    scale issue's 4 GB in 1 GB, at a quarter of the ratio's allowance)."""
    n, d = 240_000, 100
    rng = np.random.default_rng(3)
    path = tmp_path / "big.npy"
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(n, d + 1))
    for lo in range(0, n, 40_000):
        block = rng.normal(size=(40_000, d))
        out[lo:lo + 40_000, :d] = block
        out[lo:lo + 40_000, d] = (block[:, 0] - block[:, 1] + rng.logistic(size=40_000) > 0)
    out.flush()
    del out
    script = textwrap.dedent(f"""
        import resource, sys
        import numpy as np, dask
        from numeric import LogisticRegression
        from numeric.load import load_table
        dask.config.set(scheduler="threads", num_workers=2)
        table = load_table({str(path)!r}, "-1", chunk_bytes=4 * 2**20)
        model = LogisticRegression(l2=1e-4, solver="newton")
        model.fit(table.X[:1000].compute(), table.y[:1000].compute())  # warm the kernels up first
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        model.fit(table.X, table.y)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) * 1024, model.converged_, model.n_iter_)
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    growth, converged, n_iter = done.stdout.split()
    data_bytes = n * (d + 1) * 8
    assert converged == "True" and int(n_iter) > 1
    assert int(growth) < data_bytes / 16, f"peak memory grew by {int(growth) / 2**20:.0f} MiB for {data_bytes / 2**20:.0f} MiB of data"
