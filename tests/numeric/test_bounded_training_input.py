"""`derive train` against hostile tables: each test is named after the attack it stops."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from derive.cli import main
from numeric.csvdata import MAX_COLUMNS, check_magnitude, load_csv
from numeric.memory import available_bytes, check_fit_memory, fit_bytes


def train(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["train", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_wide_csv_is_refused_before_parsing_its_rows(tmp_path, capsys):
    cols = 20_000
    path = tmp_path / "wide.csv"
    row = ",".join(["1"] * cols) + ",0\n"
    path.write_text(",".join(f"x{i}" for i in range(cols)) + ",label\n" + row * 20)
    for model in ("logistic", "lda"):
        code, _, err = train(capsys, model, "--data", str(path), "--target", "label")
        assert code == 1 and f"20,001 columns, more than the limit of {MAX_COLUMNS:,}" in err
        assert err.count("\n") == 1


def test_a_fit_that_needs_more_memory_than_available_is_refused(tmp_path, capsys, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text("a,b,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(50)))
    monkeypatch.setattr("numeric.memory.available_bytes", lambda: 1000)
    code, _, err = train(capsys, "logistic", "--data", str(path), "--target", "label")
    assert code == 1 and "would need about" in err and "available" in err and "Traceback" not in err


def test_the_expected_memory_grows_with_n_d_and_the_solver():
    base = fit_bytes("logistic", 1000, 10, 2, "lbfgs")
    assert base >= 1000 * 10 * 8 * 2
    assert fit_bytes("logistic", 2000, 10, 2, "lbfgs") > base
    # a Newton step on 10 classes and 4,096 features needs a (d·K)² Hessian: tens of GiB
    assert fit_bytes("softmax", 100, 4096, 10, "newton") > 30 * 2**30
    assert fit_bytes("lda", 100, 4096, 3) > 3 * 4096 ** 2 * 8
    with pytest.raises(MemoryError, match="refusing to start"):
        check_fit_memory("a fit", 2 * 2**30, available=2**30)
    check_fit_memory("a fit", 2**20, available=2**30)
    room = available_bytes()
    assert room is None or room > 0


def test_a_memory_error_is_one_line_not_a_traceback(tmp_path, capsys, monkeypatch):
    def boom(*a, **k):
        raise MemoryError
    monkeypatch.setattr("numeric.csvdata.load_csv", boom)
    code, _, err = train(capsys, "logistic", "--data", str(tmp_path / "x.csv"), "--target", "label")
    assert code == 1 and err == "derive train: out of memory\n"


def test_features_of_1e308_are_refused_naming_the_columns(tmp_path, capsys):
    path = tmp_path / "big.csv"
    path.write_text("a,b,c,label\n1e308,1,2,0\n-1e308,2,1e200,1\n3,4,5,0\n")
    code, out, err = train(capsys, "logistic", "--data", str(path), "--target", "label")
    assert code == 1 and out == ""
    assert "'a' (up to 1e+308)" in err and "'c' (up to 1e+200)" in err and "'b'" not in err
    assert err.count("\n") == 1
    with pytest.raises(ValueError, match="'x'"):
        check_magnitude(np.array([[1.0], [-1e151]]), ["x"])
    check_magnitude(np.array([[1.0], [-1e149]]), ["x"])


def test_a_fit_never_reports_converged_after_0_iterations(tmp_path, capsys):
    # the gradient is exactly 0 at θ = 0 (balanced labels, symmetric feature): no step is taken
    path = tmp_path / "flat.csv"
    path.write_text("x,label\n1,0\n1,1\n-1,0\n-1,1\n")
    code, out, _ = train(capsys, "logistic", "--data", str(path), "--target", "label", "--json")
    data = json.loads(out)
    assert code == 0 and data["n_iter"] == 0 and data["converged"] is False
    code, out, _ = train(capsys, "logistic", "--data", str(path), "--target", "label")
    assert "iterations: 0  converged: no" in out


def test_a_latin1_table_is_refused_naming_line_and_byte(tmp_path, capsys):
    path = tmp_path / "l1.csv"
    path.write_bytes("x,label\n1,José\n".encode("latin-1"))
    code, _, err = train(capsys, "logistic", "--data", str(path), "--target", "label")
    assert code == 1 and "line 2, byte 6 (0xe9)" in err


def test_load_csv_caps_the_file_size(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x,label\n" + "1,0\n" * 100)
    with pytest.raises(ValueError, match="larger than the limit"):
        load_csv(path, "label", max_bytes=50)
    path.write_text("a,x,label\n1,2,0\n")
    with pytest.raises(ValueError, match="3 columns, more than the limit of 2"):
        load_csv(path, "label", max_columns=2)


def test_numeric_demo_is_silent_on_stderr_in_a_pipe():
    import subprocess
    import sys

    root = Path(__file__).parents[2]
    proc = subprocess.run([sys.executable, "-m", "numeric.demo", "--n", "2000"], capture_output=True, text=True,
                          cwd=root, timeout=300)
    assert proc.returncode == 0 and proc.stderr == "" and "Model holds" in proc.stdout
