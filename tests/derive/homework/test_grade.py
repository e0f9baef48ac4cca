"""Batch grading: CSV and JSON Lines in, Gradescope out, and no row can stop the batch."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from derive.homework import verdict as verdict_module
from derive.homework.grade import grade, read_submissions
from derive.homework.gradescope import DirectoryNames, safe_dirname, write_gradescope
from derive.homework.verdict import Verdict

ROWS = [
    ("ada", "bce-gradient", "(p - y) x"),
    ("ada", "sigmoid-derivative", "sigma(z)^2"),
    ("bob", "bce-gradient", "(y - p) x"),
    ("bob", "bce-dz", "(p - y"),
    ("../../etc/evil", "bce-dz", "p - y"),
    ("cy", "no-such-target", "x"),
]


def write_csv(path: Path, rows, header=("student", "target", "answer")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_csv_rows_are_graded_in_order(tmp_path):
    batch = grade(read_submissions(write_csv(tmp_path / "s.csv", ROWS)))
    got = [(g.submission.student, g.result.verdict) for g in batch.rows]
    assert got == [("ada", Verdict.CORRECT), ("ada", Verdict.INCORRECT), ("bob", Verdict.INCORRECT),
                   ("bob", Verdict.INVALID), ("../../etc/evil", Verdict.CORRECT), ("cy", Verdict.INVALID)]
    assert batch.counts() == {"correct": 2, "incorrect": 2, "invalid": 2, "undecided": 0}


def test_jsonl_with_bad_lines_keeps_going(tmp_path):
    path = tmp_path / "s.jsonl"
    lines = [json.dumps({"student": "ada", "target": "bce-dz", "answer": "p - y"}), "{not json",
             json.dumps(["a", "list"]), json.dumps({"student": "bob", "target": "bce-dz"}),
             json.dumps({"student": "cy", "target": "bce-dz", "answer": "y - p"})]
    path.write_text("\n".join(lines) + "\n")
    batch = grade(read_submissions(path))
    verdicts = [g.result.verdict for g in batch.rows]
    assert verdicts == [Verdict.CORRECT, Verdict.INVALID, Verdict.INVALID, Verdict.INVALID, Verdict.INCORRECT]
    assert "not JSON" in batch.rows[1].result.feedback


def test_a_crash_in_the_checker_is_contained(tmp_path, monkeypatch):
    real = verdict_module.check

    def flaky(target, answer, **kw):
        if answer == "boom":
            raise RuntimeError("simulated failure")
        return real(target, answer, **kw)

    monkeypatch.setattr("derive.homework.grade.check", flaky)
    rows = [("a", "bce-dz", "boom"), ("b", "bce-dz", "p - y")]
    batch = grade(read_submissions(write_csv(tmp_path / "s.csv", rows)))
    assert [g.result.verdict for g in batch.rows] == [Verdict.UNDECIDED, Verdict.CORRECT]
    assert "simulated failure" in batch.rows[0].result.feedback


def test_csv_problems(tmp_path):
    with pytest.raises(ValueError, match="lacks"):
        list(read_submissions(write_csv(tmp_path / "bad.csv", [("a", "b")], header=("name", "answer"))))
    path = tmp_path / "nul.csv"
    path.write_bytes(b"student,target,answer\nada,bce-dz,p - y\x00\nbob,bce-dz\n\xc3\xa9,bce-dz,p-y\n")
    rows = list(read_submissions(path))
    assert [r.problem is None for r in rows] == [True, False, True]


def test_gradescope_output(tmp_path):
    batch = grade(read_submissions(write_csv(tmp_path / "s.csv", ROWS)))
    out = tmp_path / "out"
    written = write_gradescope(batch, out)
    # Every file is inside out/, whatever the student called themselves.
    for path in written.values():
        assert path.resolve().parent.parent == out.resolve()
    assert not (tmp_path / "etc").exists()
    ada = json.loads(written["ada"].read_text())
    assert ada["score"] == 1.0 + 0.25
    assert [t["name"] for t in ada["tests"]] == ["bce-gradient", "sigmoid-derivative"]
    for t in ada["tests"]:
        assert set(t) >= {"name", "score", "max_score", "output", "visibility"}
        assert t["max_score"] == 1.0 and t["visibility"] == "visible"
    assert "σ² instead of σ(1 − σ)" in ada["tests"][1]["output"]
    with (out / "summary.csv").open() as fh:
        summary = list(csv.DictReader(fh))
    assert [r["student"] for r in summary] == ["ada", "bob", "../../etc/evil", "cy"]
    assert float(summary[1]["score"]) == 0.5 and summary[1]["invalid"] == "1"


@pytest.mark.parametrize("name", ["..", ".", "", "../x", "/etc/passwd", "a/../../b", "summary.csv", "CON",
                                  ".hidden", "x" * 300, "名前", "a\\b", "a\x00b"])
def test_safe_dirnames_stay_inside(name, tmp_path):
    safe = safe_dirname(name)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".") and len(safe) <= 64
    assert safe.lower() != "summary.csv"
    assert (tmp_path / safe).resolve().parent == tmp_path.resolve()


def test_distinct_students_get_distinct_directories():
    names = DirectoryNames()
    dirs = [names(s) for s in ["a/b", "a_b", "A_B", "a b", "a/b"]]
    assert dirs[0] == dirs[4]
    assert len({d.lower() for d in dirs[:4]}) == 4


def test_isolated_grading_gives_the_same_verdicts(tmp_path):
    rows = [("a", "bce-dz", "p - y"), ("b", "bce-dz", "y - p"), ("c", "bce-dz", "(")]
    subs = list(read_submissions(write_csv(tmp_path / "s.csv", rows)))
    assert [g.result.verdict for g in grade(subs, isolate=True).rows] == [g.result.verdict for g in grade(subs).rows]


def test_a_worker_that_hangs_is_stopped(monkeypatch):
    import time as _time
    from derive.homework import isolate

    def hang(target, answer, **kw):
        _time.sleep(60)  # stands in for a C call that no signal can interrupt

    monkeypatch.setattr(isolate, "check", hang)
    with isolate.IsolatedChecker(seconds=0.5, grace=0.5) as checker:
        start = _time.perf_counter()
        r = checker("bce-dz", "p - y")
        assert r.verdict is Verdict.UNDECIDED and "stopped" in r.feedback
        assert _time.perf_counter() - start < 5
        assert checker.restarts == 1
