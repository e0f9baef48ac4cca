"""derive check, grade, check-steps and problem from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from derive.cli import main

CHECK_FIELDS = {"target", "answer", "verdict", "score", "feedback", "interpreted_as", "counterexample", "seconds",
                "points_seed"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_prints_verdict_reading_feedback_and_score(capsys):
    code, out, _ = run(capsys, "check", "bce-gradient", "(y - p) x")
    assert code == 1
    assert out.startswith("INCORRECT") and "score 0.5/1" in out
    assert "read as:" in out and "LaTeX:" in out
    assert "log-likelihood" in out and "counterexample:" in out


def test_check_json_has_exactly_the_documented_fields(capsys):
    code, out, _ = run(capsys, "check", "bce-gradient", r"(\sigma(\theta^\top x + \theta_0) - y)\mathbf{x}", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == CHECK_FIELDS
    assert data["verdict"] == "correct" and data["score"] == 1.0
    assert data["interpreted_as"]["notation"] == "latex"


def test_check_invalid_answers_and_targets_are_verdicts_not_errors(capsys):
    code, out, err = run(capsys, "check", "bce-gradient", "__import__('os').system('ls')", "--json")
    assert code == 1 and json.loads(out)["verdict"] == "invalid" and err == ""
    code, out, err = run(capsys, "check", "no-such-target", "x", "--json")
    assert code == 1 and json.loads(out)["verdict"] == "invalid" and "bce-gradient" in json.loads(out)["feedback"]


def test_check_with_a_seed_checks_the_numeric_variant(capsys):
    code, out, _ = run(capsys, "check", "bce-gradient", "(p - y) x", "--seed", "3", "--json")
    assert code == 0 and json.loads(out)["target"] == "bce-gradient@3"
    code, _, err = run(capsys, "check", "bce-gradient@3", "1", "--seed", "3")
    assert code == 2 and "not both" in err


def test_grade_json_and_gradescope(capsys, tmp_path):
    path = tmp_path / "subs.csv"
    path.write_text("student,target,answer\nada,bce-dz,p - y\nbob,bce-dz,y - p\nbob,bce-dz,(\n")
    code, out, err = run(capsys, "grade", str(path), "--json", "--out", str(tmp_path / "gs"))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["verdict"] for r in rows] == ["correct", "incorrect", "invalid"]
    assert all(set(r) == CHECK_FIELDS | {"student"} for r in rows)
    assert "answers/s" in err
    bob = json.loads((tmp_path / "gs" / "bob" / "results.json").read_text())
    assert bob["score"] == 0.5 and len(bob["tests"]) == 2
    assert (tmp_path / "gs" / "summary.csv").exists()


def test_grade_table_and_missing_file(capsys, tmp_path):
    path = tmp_path / "subs.csv"
    path.write_text("student,target,answer\nada,bce-dz,p - y\n")
    code, out, _ = run(capsys, "grade", str(path))
    assert code == 0 and "correct" in out and "1 answers: 1 correct" in out
    code, _, err = run(capsys, "grade", str(tmp_path / "missing.csv"))
    assert code == 1 and "no such file" in err and "Traceback" not in err


def test_check_steps(capsys, tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("-y(1-p) + (1-y)p\n-y + p\n")
    code, out, _ = run(capsys, "check-steps", "bce-dz", str(path))
    assert code == 0 and "Every step follows" in out
    path.write_text("-y(1-p) + (1-y)p\n-y - p\n")
    code, out, _ = run(capsys, "check-steps", "bce-dz", str(path), "--json")
    data = json.loads(out)
    assert code == 1 and data["first_failure"] == 2 and data["steps"][1]["status"] == "does not follow"


def test_problem(capsys):
    code, out, _ = run(capsys, "problem", "--list")
    assert code == 0 and "bce-gradient" in out and "mlp-grad-W1" in out
    code, out, _ = run(capsys, "problem", "bce-gradient")
    assert code == 0 and "d×1 column vector" in out and "p ≡ σ(z)" in out
    code, out, _ = run(capsys, "problem", "bce-gradient", "--seed", "2")
    assert code == 0 and "Answer key:" in out and "derive check bce-gradient@2" in out
    code, out, _ = run(capsys, "problem", "bce-gradient", "--seed", "2", "--no-key", "--json")
    assert "answer" not in json.loads(out)
    code, _, err = run(capsys, "problem", "nope")
    assert code == 2 and "unknown target" in err


def test_help_lists_the_homework_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("check", "grade", "check-steps", "problem"):
        assert command in out


def test_console_script_runs_check():
    proc = subprocess.run([sys.executable, "-m", "derive", "check", "sigmoid-derivative", "p(1-p)"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("CORRECT")


def test_points_seed_reproduces_a_recorded_verdict(capsys):
    from derive.homework.seed import use_seed
    try:
        _, out, _ = run(capsys, "check", "bce-gradient", "(y - p) x", "--json")
        first = json.loads(out)
        assert isinstance(first["points_seed"], int)
        _, out, _ = run(capsys, "check", "bce-gradient", "(y - p) x", "--json", "--points-seed", str(first["points_seed"]))
        again = json.loads(out)
        assert again["points_seed"] == first["points_seed"] and again["counterexample"] == first["counterexample"]
        _, out, _ = run(capsys, "check", "bce-gradient", "(y - p) x", "--json", "--points-seed", "7")
        assert json.loads(out)["counterexample"] != first["counterexample"]
        code, _, err = run(capsys, "check", "bce-gradient", "(y - p) x", "--points-seed", "-3")
        assert code != 0 and "points seed" in err and "Traceback" not in err
    finally:
        use_seed(None)
