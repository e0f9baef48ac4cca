"""The example course end to end: verify, validate, grade, report, and a Gradescope zip built and run."""

from __future__ import annotations

import json
import zipfile

import pytest

import derive
from derive.cli import main
from derive.courses.autograder import grade_submission, run
from derive.courses.bundle import build_autograder
from derive.courses.selftest import selftest
from derive.homework.grade import grade, read_submissions

from .conftest import EXAMPLE


def test_every_step_of_the_course_is_proved(example):
    for name in example.derivations:
        results = derive.REGISTRY[name].verify()
        assert results and all(r.verdict.value == "proved" for r in results), name


def test_the_course_validates(capsys):
    assert main(["problem", "validate", str(EXAMPLE)]) == 0
    assert "4 target(s) in 2 problem file(s): OK" in capsys.readouterr().out


def test_one_file_of_a_course_validates_with_its_course_loaded(capsys):
    assert main(["problem", "validate", str(EXAMPLE / "problems" / "linreg.toml")]) == 0
    assert "3 target(s) in 1 problem file(s): OK" in capsys.readouterr().out


def test_the_sample_submissions_grade_as_written(example):
    rows = list(read_submissions(EXAMPLE / "submissions.csv"))
    batch = grade(rows, cache=False)
    got = {(g.submission.student, g.submission.target): (g.result.verdict.value, g.result.mistake) for g in batch.rows}
    assert got[("ada", "swish-grad-w")] == ("correct", None)
    assert got[("cy", "linreg-gradient")] == ("correct", None)          # typed in LaTeX
    assert got[("bob", "linreg-gradient")] == ("incorrect", "sign")
    assert got[("bob", "linreg-hessian")] == ("incorrect", "inner-product")
    assert got[("bob", "swish-grad-w")] == ("incorrect", "missing-swish-prime")
    assert got[("cy", "swish-grad-w")] == ("incorrect", "sigmoid-prime")
    assert sum(v == "correct" for v, _ in got.values()) == 6


def test_the_report_is_written(tmp_path, capsys):
    args = ["--course", str(EXAMPLE), "report", "linreg-gradient", "linreg-hessian", "swish-unit", "--tex-only",
            "-o", str(tmp_path)]
    assert main(args) == 0
    tex = (tmp_path / "swish-unit.tex").read_text()
    assert "swish" in tex.lower() and "proved" in tex.lower()


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    from derive.courses import load_course, unload_course
    course = load_course(EXAMPLE)
    out = tmp_path_factory.mktemp("zip") / "autograder.zip"
    build_autograder(["linreg-gradient", "linreg-hessian", "swish-grad-w", "bce-gradient"], out, [EXAMPLE])
    unload_course(course)
    return out


def test_the_zip_has_gradescope_s_layout(autograder):
    with zipfile.ZipFile(autograder) as zf:
        names = set(zf.namelist())
        assert {"setup.sh", "run_autograder", "autograder.json"} <= names
        assert (zf.getinfo("run_autograder").external_attr >> 16) & 0o111
        assert "derive/homework/lecture/1-logistic.toml" in names and "lib/sympy/__init__.py" in names
        assert any(n.endswith("problems/swish.toml") for n in names)
        assert not any("__pycache__" in n or "/tests/" in n for n in names)
        config = json.loads(zf.read("autograder.json"))
    assert config["targets"] == ["linreg-gradient", "linreg-hessian", "swish-grad-w", "bce-gradient"]


def test_selftest_grades_a_submission_in_a_fake_root(autograder, tmp_path):
    answers = tmp_path / "answers.jsonl"
    answers.write_text("\n".join(json.dumps(r) for r in [
        {"target": "linreg-gradient", "answer": "r x"},
        {"target": "linreg-hessian", "answer": "x^T x"},
        {"target": "bce-gradient", "answer": "(p - y) x"},
    ]) + "\n")
    results = selftest(autograder, answers)
    tests = {t["name"]: t for t in results["tests"]}
    assert [t["name"] for t in results["tests"]] == ["linreg-gradient", "linreg-hessian", "swish-grad-w", "bce-gradient"]
    assert tests["linreg-gradient"]["score"] == 1.0 and tests["bce-gradient"]["score"] == 1.0
    assert tests["linreg-hessian"]["score"] == 0.25 and "outer product" in tests["linreg-hessian"]["output"]
    assert tests["swish-grad-w"]["score"] == 0.0 and "No answer" in tests["swish-grad-w"]["output"]
    assert all(t["output_format"] == "md" and t["max_score"] == 1.0 and t["visibility"] == "visible"
               for t in results["tests"])
    assert results["score"] == 2.25


def _fake_root(tmp_path, submission: dict[str, str]):
    """An /autograder root with the lecture's bce targets, graded in this process (no zip needed)."""
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "autograder.json").write_text(json.dumps({"targets": ["bce-dz", "bce-loss"],
                                                                      "courses": []}))
    (tmp_path / "submission").mkdir()
    for name, text in submission.items():
        (tmp_path / "submission" / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize("files, words", [
    ({}, "no answers file"),
    ({"answers.csv": "name,solution\nbce-dz,p - y\n"}, "target,answer"),
    ({"answers.jsonl": "{\"target\": \"bce-dz\", \"answer\": \"p - y\"}\nnot json\n"}, "line 2 is not JSON"),
    ({"answers.csv": "target,answer\n"}, "2 targets checked"),
])
def test_results_are_written_for_a_missing_or_malformed_submission(tmp_path, files, words):
    root = _fake_root(tmp_path, files)
    results = run(root)
    written = json.loads((root / "results" / "results.json").read_text())
    assert written == results
    assert results["score"] == 0 and words in results["output"] and len(results["tests"]) == 2
    assert all(t["score"] == 0 and t["output"] for t in results["tests"])


def test_results_are_written_even_when_the_grader_fails(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "autograder.json").write_text("{broken")
    results = run(tmp_path)
    assert "autograder itself failed" in results["output"]
    assert json.loads((tmp_path / "results" / "results.json").read_text())["score"] == 0.0


def test_run_autograder_writes_results_even_when_python_cannot_start(autograder, tmp_path):
    import os
    import subprocess
    from derive.courses.selftest import unpack
    unpack(autograder, tmp_path / "source")
    env = {**os.environ, "DERIVE_AUTOGRADER_ROOT": str(tmp_path), "DERIVE_AUTOGRADER_PYTHON": "/bin/false"}
    done = subprocess.run(["bash", str(tmp_path / "source" / "run_autograder")], env=env, capture_output=True)
    assert done.returncode == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["score"] == 0 and "could not start" in results["output"]


def test_the_command_line_builds_and_selftests(tmp_path, capsys):
    out = tmp_path / "ag.zip"
    assert main(["gradescope", "build", "--course", str(EXAMPLE), "linreg-gradient-bias", "-o", str(out)]) == 0
    assert main(["gradescope", "selftest", str(out), str(EXAMPLE / "answers.csv")]) == 0
    printed = capsys.readouterr().out
    assert "linreg-gradient-bias" in printed and "score 0.5/1" in printed
    assert main(["gradescope", "build", "no-such-target", "-o", str(tmp_path / "x.zip")]) == 1
    assert "unknown target 'no-such-target'" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_grade_submission_scores_unknown_extra_answers_as_ignored():
    results = grade_submission(["bce-dz"], {"bce-dz": "p - y", "nope": "1"})
    assert results["score"] == 1.0 and "ignored: nope" in results["output"]
