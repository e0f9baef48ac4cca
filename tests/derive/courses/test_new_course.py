"""``derive new-course DIR`` writes a course that verifies, validates and grades as it is."""

from __future__ import annotations

import json

from derive.cli import main


def test_a_new_course_verifies_validates_and_grades(tmp_path, capsys):
    root = tmp_path / "Week 7"
    assert main(["new-course", str(root)]) == 0
    assert (root / "derivations" / "mean_loss.py").is_file() and (root / "problems" / "mean_loss.toml").is_file()
    assert main(["--course", str(root), "verify", "week-7-mean-loss", "-j", "1"]) == 0
    assert main(["problem", "validate", str(root)]) == 0
    capsys.readouterr()
    assert main(["--course", str(root), "grade", "--json", str(root / "submissions.csv")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert [(r["student"], r["verdict"], r["score"]) for r in rows] == [
        ("ada", "correct", 1.0), ("bob", "incorrect", 0.5), ("cy", "incorrect", 0.5)]
    assert "negative derivative" in rows[1]["feedback"] and "cancels the 2" in rows[2]["feedback"]


def test_new_course_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("mine")
    assert main(["new-course", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().err
