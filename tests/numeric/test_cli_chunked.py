"""``derive train`` on data read in row chunks: the same fit as in memory, one clear line for bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from derive.cli import main

from .test_cli_train import EXAMPLE, _run_json, iris_csv  # noqa: F401  (a fixture)


def _as_parquet(csv_path, tmp_path):
    path = tmp_path / (csv_path.stem + ".parquet")
    pd.read_csv(csv_path).to_parquet(path)
    return path


@pytest.mark.parametrize("model", ["logistic", "lda"])
def test_parquet_and_chunked_csv_fit_as_the_csv_does(capsys, tmp_path, model):
    reference = _run_json(capsys, model, "--data", str(EXAMPLE), "--target", "label")
    for data, extra in ((_as_parquet(EXAMPLE, tmp_path), []), (EXAMPLE, ["--chunked", "--chunk-mb", "0.001"])):
        result = _run_json(capsys, model, "--data", str(data), "--target", "label", *extra)
        assert_allclose(result["coef"], reference["coef"], rtol=1e-8, atol=1e-10)
        assert_allclose(result["loss"], reference["loss"], rtol=1e-10)
        assert result["accuracy"] == reference["accuracy"]
        assert result["classes"] == reference["classes"]


def test_softmax_on_text_labels_in_parquet(capsys, tmp_path, iris_csv):  # noqa: F811
    reference = _run_json(capsys, "softmax", "--data", str(iris_csv), "--target", "species", "--l2", "1e-2")
    result = _run_json(capsys, "softmax", "--data", str(_as_parquet(iris_csv, tmp_path)), "--target", "species",
                       "--l2", "1e-2")
    assert result["classes"] == ["setosa", "versicolor", "virginica"]
    assert_allclose(result["coef"], reference["coef"], rtol=1e-7, atol=1e-9)


def _one_line_error(capsys, argv, *fragments):
    assert main(["train", *argv]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def test_missing_column(capsys, tmp_path):
    _one_line_error(capsys, ["logistic", "--data", str(_as_parquet(EXAMPLE, tmp_path)), "--target", "y"],
                    "no column named 'y'", "'x1', 'x2', 'label'")


def test_corrupted_parquet(capsys, tmp_path):
    path = _as_parquet(EXAMPLE, tmp_path)
    path.write_bytes(path.read_bytes()[:200])
    _one_line_error(capsys, ["logistic", "--data", str(path), "--target", "label"], str(path), "cannot be read")


def test_chunks_with_inconsistent_dtypes(capsys, tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    frame = pd.read_csv(EXAMPLE)
    frame.iloc[:200].to_parquet(folder / "a.parquet")
    other = frame.iloc[200:].copy()
    other["x2"] = "n/a"
    other.to_parquet(folder / "b.parquet")
    _one_line_error(capsys, ["logistic", "--data", str(folder), "--target", "label"], str(folder), "'n/a'")


def test_a_scheduler_that_does_not_answer(capsys, tmp_path):
    _one_line_error(capsys, ["logistic", "--data", str(_as_parquet(EXAMPLE, tmp_path)), "--target", "label",
                             "--scheduler", "tcp://127.0.0.1:9"], "tcp://127.0.0.1:9 does not answer")


def test_an_npy_target_is_a_column_index(capsys, tmp_path):
    frame = pd.read_csv(EXAMPLE)
    np.save(tmp_path / "g.npy", frame.to_numpy(dtype=float))
    result = _run_json(capsys, "logistic", "--data", str(tmp_path / "g.npy"), "--target", "-1")
    reference = _run_json(capsys, "logistic", "--data", str(EXAMPLE), "--target", "label")
    assert_allclose(result["coef"], reference["coef"], rtol=1e-8)
    _one_line_error(capsys, ["logistic", "--data", str(tmp_path / "g.npy"), "--target", "label"], "column index")
