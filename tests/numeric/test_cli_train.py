"""``derive train``: fitted parameters and JSON that match the estimators, and one clear line
(file, line, problem) with a non-zero exit for every kind of bad CSV."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from derive.cli import main
from numeric import GaussianLDA, LogisticRegression, SoftmaxRegression
from numeric.csvdata import load_csv

from .conftest import standardised

EXAMPLE = Path(__file__).parents[2] / "examples" / "gaussian_classes.csv"


def _write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def iris_csv(tmp_path: Path) -> Path:
    X, y = standardised("iris")
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    lines = ["a,b,c,d,species"] + [",".join(f"{v:.17g}" for v in row) + f",{s}" for row, s in zip(X, names)]
    return _write(tmp_path, "\n".join(lines) + "\n", "iris.csv")


def _run_json(capsys: pytest.CaptureFixture, *argv: str) -> dict:
    assert main(["train", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_logistic_json_matches_the_estimator(capsys: pytest.CaptureFixture) -> None:
    out = _run_json(capsys, "logistic", "--data", str(EXAMPLE), "--target", "label", "--l2", "0.01")
    assert {"coef", "intercept", "loss", "n_iter", "converged", "accuracy"} <= set(out)
    table = load_csv(EXAMPLE, "label")
    model = LogisticRegression(l2=0.01).fit(table.X, table.y)
    assert_allclose(out["coef"], model.coef_, rtol=1e-12)
    assert out["intercept"] == pytest.approx(model.intercept_, rel=1e-12)
    assert out["loss"] == pytest.approx(model.loss_, rel=1e-12)
    assert out["n_iter"] == model.n_iter_ and out["converged"] is True
    assert out["accuracy"] == pytest.approx(model.score(table.X, table.y))
    assert out["features"] == ["x1", "x2"] and out["classes"] == [0, 1]


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_softmax_on_string_labels(capsys: pytest.CaptureFixture, iris_csv: Path, solver: str) -> None:
    out = _run_json(capsys, "softmax", "--data", str(iris_csv), "--target", "species", "--l2", "0.001",
                    "--solver", solver)
    X, y = standardised("iris")
    model = SoftmaxRegression(l2=0.001).fit(X, y)
    assert out["classes"] == ["setosa", "versicolor", "virginica"]
    assert_allclose(out["coef"], model.coef_, rtol=1e-5, atol=1e-6)
    assert out["accuracy"] == pytest.approx(model.score(X, y))


def test_lda_and_mlp(capsys: pytest.CaptureFixture, iris_csv: Path) -> None:
    out = _run_json(capsys, "lda", "--data", str(iris_csv), "--target", "species")
    X, y = standardised("iris")
    assert_allclose(out["coef"], GaussianLDA().fit(X, y).coef_, rtol=1e-10)
    assert out["converged"] is True and out["n_iter"] == 0 and 0 < out["loss"] < 1
    out = _run_json(capsys, "mlp", "--data", str(iris_csv), "--target", "species", "--hidden", "4")
    assert [np.shape(w) for w in out["coef"]] == [(4, 4), (3, 4)] and out["accuracy"] > 0.9


def test_text_report(capsys: pytest.CaptureFixture) -> None:
    assert main(["train", "logistic", "--data", str(EXAMPLE), "--target", "label"]) == 0
    text = capsys.readouterr().out
    for expected in ("LogisticRegression", "x1", "x2", "(intercept)", "final objective", "iterations:",
                     "training accuracy:"):
        assert expected in text


@pytest.mark.parametrize("content, message", [
    ("", "data.csv: line 1: the file is empty"),
    ("x1,x2,label\n", "data.csv: line 2: no data rows after the header"),
    ("x1,x2,y\n1,2,0\n", "data.csv: line 1: no column named 'label'; the columns are 'x1', 'x2', 'y'"),
    ("x1,x2,label\n1,2,0\n3,abc,1\n", "data.csv: line 3, column 'x2': 'abc' is not a number"),
    ("x1,x2,label\n1,2,0\n3,,1\n", "data.csv: line 3, column 'x2': is empty"),
    ("x1,x2,label\n1,2,0\n3,nan,1\n", "data.csv: line 3, column 'x2': 'nan' is not a finite number"),
    ("x1,x2,label\n1,2,0\n\n3,4\n", "data.csv: line 4: expected 3 fields (as in the header), found 2"),
    ("x1,x2,label\n1,2,0\n3,4,\n", "data.csv: line 3, column 'label': the label is empty"),
    ("x1,x1,label\n1,2,0\n", "data.csv: line 1: duplicated column names ['x1']"),
    ("x1,x2,label\n1,2,0\n3,4,0\n", "needs examples of at least two classes"),
])
def test_bad_csv_gives_one_line_naming_file_line_and_problem(
        tmp_path: Path, capsys: pytest.CaptureFixture, content: str, message: str) -> None:
    path = _write(tmp_path, content)
    status = main(["train", "logistic", "--data", str(path), "--target", "label"])
    err = capsys.readouterr().err
    assert status == 1
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["train", "logistic", "--data", str(tmp_path / "missing.csv"), "--target", "label"]) == 1
    assert "missing.csv: no such file" in capsys.readouterr().err
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"x1,label\n\xff\xfe,1\n")
    assert main(["train", "logistic", "--data", str(binary), "--target", "label"]) == 1
    assert "not a UTF-8 text file" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["mlp", "--solver", "newton"], "--solver 'newton' does not apply to mlp"),
    (["lda", "--l2", "0.1"], "lda has no l2 penalty"),
    (["logistic", "--reg", "0.1"], "--reg applies to lda only"),
    (["logistic", "--l2", "-1"], "--l2 must be ≥ 0"),
    (["logistic", "--max-iter", "0"], "--max-iter must be a positive integer"),
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture, argv: list[str], message: str) -> None:
    assert main(["train", *argv, "--data", str(EXAMPLE), "--target", "label"]) == 2
    assert message in capsys.readouterr().err


def test_logistic_refuses_three_classes(capsys: pytest.CaptureFixture, iris_csv: Path) -> None:
    assert main(["train", "logistic", "--data", str(iris_csv), "--target", "species"]) == 1
    assert "has 3 classes; logistic regression is for two" in capsys.readouterr().err


def test_separable_data_warns_on_stderr_and_still_reports(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = _write(tmp_path, "x,label\n-2,0\n-1,0\n1,1\n2,1\n")
    assert main(["train", "logistic", "--data", str(path), "--target", "label", "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["accuracy"] == 1.0 and out["converged"] is False and np.isfinite(out["coef"]).all()
    assert captured.err.startswith("warning: LogisticRegression: the training classes are linearly separable")


def test_help_lists_the_models(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    assert "logistic" in capsys.readouterr().out


def test_summary_prints_the_results_table(capsys: pytest.CaptureFixture) -> None:
    from pathlib import Path

    data = Path(__file__).parents[2] / "examples" / "gaussian_classes.csv"
    assert main(["train", "logistic", "--data", str(data), "--target", "label", "--summary"]) == 0
    out = capsys.readouterr().out
    assert "Logit Regression Results" in out and "std err" in out
    table = out[out.index("Logit Regression Results"):]
    assert [line.split()[0] for line in table.splitlines() if line.startswith(("x1 ", "x2 ", "const "))] == \
        ["x1", "x2", "const"]


def test_summary_is_refused_for_a_penalised_fit(capsys: pytest.CaptureFixture) -> None:
    from pathlib import Path

    data = Path(__file__).parents[2] / "examples" / "gaussian_classes.csv"
    assert main(["train", "logistic", "--data", str(data), "--target", "label", "--summary", "--l2", "0.1"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--summary" in err and "l2=0" in err
