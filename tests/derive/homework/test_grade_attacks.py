"""derive grade against a hostile class file: each test is named after the attack it stops."""

from __future__ import annotations

import csv
import json
import os
import sys
import unicodedata
from pathlib import Path

import pytest

from derive.cli import main
from derive.homework.grade import grade, mark_duplicates, read_submissions
from derive.homework.gradescope import GradescopeWriter, write_gradescope
from derive.homework.safetext import csv_cell, printable
from derive.homework.verdict import Verdict


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_csv(path: Path, rows, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(("student", "target", "answer"))
        w.writerows(rows)
    return path


def summary(out: Path) -> list[dict]:
    with (out / "summary.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- one bad row -------------------------------------------------------------------------------

SURROGATE_LINES = [
    '{"student": "ada", "target": "bce-dz", "answer": "p - y"}',
    '{"student": "bob", "target": "bce-dz", "answer": "\\ud800"}',
    '{"student": "\\ud800cy", "target": "bce-dz", "answer": "p - y"}',
    '{"student": "dee", "target": "bce-dz", "answer": "y - p"}',
]


@pytest.mark.parametrize("isolate", [False, True])
def test_surrogate_row_in_answer_or_student_is_invalid_and_the_batch_goes_on(tmp_path, capsys, isolate):
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(SURROGATE_LINES) + "\n", encoding="utf-8")
    argv = ["grade", str(path), "--out", str(tmp_path / "gs"), "--json"] + (["--isolate"] if isolate else [])
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["verdict"] for r in rows] == ["correct", "invalid", "invalid", "incorrect"]
    assert "not valid Unicode" in rows[1]["feedback"] and "answer" in rows[1]["feedback"]
    assert "student" in rows[2]["feedback"]
    assert rows[2]["student"] == "\\ud800cy"          # escaped, still distinct from every other name
    assert len(summary(tmp_path / "gs")) == 4
    json.loads((tmp_path / "gs" / "dee" / "results.json").read_text(encoding="utf-8"))


def test_surrogate_row_in_the_table_output(tmp_path, capsys):
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(SURROGATE_LINES) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "grade", str(path))
    assert code == 0 and "4 answers: 1 correct, 1 incorrect, 2 invalid" in out


# --- encodings ---------------------------------------------------------------------------------

def test_latin1_file_is_refused_with_one_line_naming_line_and_byte(tmp_path, capsys):
    path = write_csv(tmp_path / "l1.csv", [("ana", "bce-dz", "p - y"), ("José", "bce-dz", "p - y")], "latin-1")
    code, out, err = run(capsys, "grade", str(path), "--out", str(tmp_path / "gs"))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "line 3, byte 4 (0xe9)" in err and "--encoding" in err
    assert not (tmp_path / "gs").exists()


def test_latin1_names_that_differ_never_merge(tmp_path, capsys):
    rows = [("José", "bce-dz", "p - y"), ("Josè", "bce-dz", "y - p")]
    path = write_csv(tmp_path / "l1.csv", rows, "latin-1")
    code, _, err = run(capsys, "grade", str(path), "--encoding", "latin-1", "--out", str(tmp_path / "gs"))
    assert code == 0, err
    got = {r["student"]: (r["directory"], float(r["score"])) for r in summary(tmp_path / "gs")}
    assert set(got) == {"José", "Josè"}
    assert got["José"][0] != got["Josè"][0]
    assert got["José"][1] == 1.0 and got["Josè"][1] < 1.0


def test_unknown_encoding_is_one_line(tmp_path, capsys):
    path = write_csv(tmp_path / "s.csv", [("a", "bce-dz", "p - y")])
    code, _, err = run(capsys, "grade", str(path), "--encoding", "klingon")
    assert code == 1 and "unknown encoding 'klingon'" in err and err.count("\n") == 1


# --- duplicates --------------------------------------------------------------------------------

def test_duplicate_rows_do_not_inflate_scores(tmp_path, capsys):
    rows = [("ada", "bce-dz", "p - y")] * 10 + [("ada", "sigmoid-derivative", "p(1-p)")]
    path = write_csv(tmp_path / "dup.csv", rows)
    code, _, err = run(capsys, "grade", str(path), "--out", str(tmp_path / "gs"))
    assert code == 0
    (ada,) = summary(tmp_path / "gs")
    assert float(ada["score"]) == 2.0 and float(ada["max_score"]) == 2.0
    assert "9 duplicate (student, target) rows not counted" in err and "row 1 (by row 10)" in err
    data = json.loads((tmp_path / "gs" / "ada" / "results.json").read_text())
    assert len(data["tests"]) == 2 and "Not counted" in data["output"]


def test_duplicates_last_counts_by_default_and_the_policy_is_configurable(tmp_path):
    path = write_csv(tmp_path / "dup.csv", [("ada", "bce-dz", "p - y"), ("ada", "bce-dz", "y - p")])
    subs = list(read_submissions(path))
    for keep, score in (("last", 0.5), ("first", 1.0), ("all", 1.5)):
        batch = grade(mark_duplicates(subs, keep))
        written = write_gradescope(batch, tmp_path / keep)
        assert json.loads(written["ada"].read_text())["score"] == score, keep
    with pytest.raises(ValueError, match="unknown duplicate policy"):
        mark_duplicates(subs, "most")


# --- terminal escapes and spreadsheet formulas ---------------------------------------------------

ESCAPES = "\x1b[2J\x1b[H\rroot\x07\u202e"


def test_terminal_escapes_in_the_grade_table_are_escaped(tmp_path, capsys):
    path = write_csv(tmp_path / "esc.csv", [("e" + ESCAPES, "bce-dz", "p - y" + ESCAPES)])
    code, out, _ = run(capsys, "grade", str(path))
    assert code == 0
    assert "\x1b" not in out and "\r" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out


def test_terminal_escapes_in_check_output_are_escaped(capsys):
    code, out, _ = run(capsys, "check", "bce-dz", "p - y" + ESCAPES)
    assert "\x1b" not in out and "\r" not in out and "\x07" not in out
    code, out, _ = run(capsys, "check", "no-such-target" + ESCAPES, "x")
    assert code == 1 and "\x1b" not in out and "\\x1b" in out


def test_printable_escapes_controls_and_keeps_text():
    assert printable("José σ(z) ∑") == "José σ(z) ∑"
    assert printable("a\x1bb\x00c\x9bd") == "a\\x1bb\\x00c\\x9bd"
    assert printable("a\nb") == "a\\x0ab" and printable("a\nb", keep_newlines=True) == "a\nb"


def test_printable_escapes_exactly_the_unsafe_categories_of_every_code_point():
    # printable takes a short cut for text that str.isprintable accepts: every code point must
    # still come out escaped exactly when its Unicode category is unsafe, alone and in text
    unsafe = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        escaped = printable(ch) != ch
        assert escaped == (unicodedata.category(ch) in unsafe), hex(code)
    assert printable("ok \u202e evil") == "ok \\u202e evil" and printable("\u2028") == "\\u2028"


@pytest.mark.parametrize("name", ["=1+1", "+1+1", "-1+1", "@SUM_A1_A2_", "\t=1", "=HYPERLINK(\"x\")"])
def test_csv_formulas_are_neutralised_in_every_column(tmp_path, name):
    path = write_csv(tmp_path / "f.csv", [(name, "bce-dz", "p - y")])
    write_gradescope(grade(read_submissions(path)), tmp_path / "gs")
    with (tmp_path / "gs" / "summary.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), rows[1]
    assert rows[1][0] == "'" + name.strip()
    assert csv_cell(-1.5) == -1.5 and csv_cell("-x") == "'-x"


# --- the output directory ----------------------------------------------------------------------

def test_out_that_is_a_file_fails_before_grading_starts(tmp_path, capsys, monkeypatch):
    calls = []
    monkeypatch.setattr("derive.homework.grade.check", lambda *a, **k: calls.append(a))
    path = write_csv(tmp_path / "s.csv", [("a", "bce-dz", "p - y")])
    (tmp_path / "taken").write_text("not a directory")
    code, out, err = run(capsys, "grade", str(path), "--out", str(tmp_path / "taken"))
    assert code == 1 and "is not a directory" in err and calls == [] and "student" not in out


def test_symlinks_in_out_are_never_followed(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "gs"
    out.mkdir()
    os.symlink(outside, out / "ada")
    path = write_csv(tmp_path / "s.csv", [("ada", "bce-dz", "p - y")])
    code, _, err = run(capsys, "grade", str(path), "--out", str(out))
    assert code == 1 and "symbolic link" in err and err.count("\n") == 1
    assert list(outside.iterdir()) == []
    os.unlink(out / "ada")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    os.symlink(victim, out / "summary.csv")
    code, _, err = run(capsys, "grade", str(path), "--out", str(out))
    assert code == 1 and "symbolic link" in err and victim.read_text() == "keep me"


def test_a_symlinked_results_file_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "gs"
    (out / "ada").mkdir(parents=True)
    (out / "ada" / "notes.txt").write_text("the instructor's")   # not only results.json: left alone
    os.symlink(victim, out / "ada" / "results.json")
    path = write_csv(tmp_path / "s.csv", [("ada", "bce-dz", "p - y")])
    write_gradescope(grade(read_submissions(path)), out)
    assert victim.read_text() == "keep me"
    assert not (out / "ada" / "results.json").is_symlink()
    assert json.loads((out / "ada" / "results.json").read_text())["score"] == 1.0


def test_stale_results_of_students_no_longer_in_the_batch_are_removed(tmp_path, capsys):
    out = tmp_path / "gs"
    first = write_csv(tmp_path / "1.csv", [("ada", "bce-dz", "p - y"), ("bob", "bce-dz", "p - y")])
    assert run(capsys, "grade", str(first), "--out", str(out))[0] == 0
    kept = (out / "ada").stat().st_ino
    second = write_csv(tmp_path / "2.csv", [("ada", "bce-dz", "y - p")])
    code, _, err = run(capsys, "grade", str(second), "--out", str(out))
    assert code == 0 and "no longer in the batch" in err and "bob" in err
    assert not (out / "bob").exists()
    assert (out / "ada").stat().st_ino == kept     # a student still in the batch keeps the directory
    assert [r["student"] for r in summary(out)] == ["ada"]
    assert json.loads((out / "ada" / "results.json").read_text())["score"] == 0.5


def test_results_are_written_as_they_are_made(tmp_path):
    path = write_csv(tmp_path / "s.csv", [("ada", "bce-dz", "p - y"), ("bob", "bce-dz", "p - y"),
                                          ("bob", "sigmoid-derivative", "p(1-p)")])
    subs = list(read_submissions(path))
    seen = []
    with GradescopeWriter(tmp_path / "gs", [s.student for s in subs]) as writer:
        def on_result(g):
            writer.add(g)
            seen.append((g.submission.row, (tmp_path / "gs" / "ada" / "results.json").exists(),
                         len(summary(tmp_path / "gs"))))
        grade(subs, on_result=on_result)
        assert (tmp_path / "gs" / "INCOMPLETE").exists()
        writer.finish()
    # ada's file and summary line exist as soon as her (only) row is graded; bob's after his last
    assert seen == [(1, True, 1), (2, True, 1), (3, True, 2)]
    assert not (tmp_path / "gs" / "INCOMPLETE").exists()


def test_ctrl_c_leaves_a_consistent_partial_output_and_says_so(tmp_path, capsys, monkeypatch):
    from derive.homework import verdict

    def interrupting(target, answer, **kw):
        if answer == "stop":
            raise KeyboardInterrupt
        return verdict.check(target, answer, **kw)

    monkeypatch.setattr("derive.homework.grade.check", interrupting)
    rows = [("ada", "bce-dz", "p - y"), ("bob", "bce-dz", "p - y"), ("bob", "sigmoid-derivative", "stop"),
            ("cy", "bce-dz", "p - y")]
    path = write_csv(tmp_path / "s.csv", rows)
    code, _, err = run(capsys, "grade", str(path), "--out", str(tmp_path / "gs"))
    assert code == 130 and "interrupted after 2 of 4 rows" in err and "1 student(s) finished" in err
    assert [r["student"] for r in summary(tmp_path / "gs")] == ["ada"]
    assert sorted(p.name for p in (tmp_path / "gs").iterdir()) == ["INCOMPLETE", "ada", "summary.csv"]
    assert json.loads((tmp_path / "gs" / "ada" / "results.json").read_text())["score"] == 1.0


# --- bounded input -----------------------------------------------------------------------------

def test_dev_zero_for_check_steps_is_refused(capsys):
    code, _, err = run(capsys, "check-steps", "bce-dz", "/dev/zero")
    assert code == 1 and "larger than the limit" in err and err.count("\n") == 1


def test_a_huge_line_for_grade_is_refused(tmp_path, capsys):
    path = tmp_path / "long.csv"
    path.write_text("student,target,answer\na,bce-dz," + "x" * (1024 * 1024 + 10) + "\n")
    code, _, err = run(capsys, "grade", str(path))
    assert code == 1 and "line 2 is longer than the limit" in err


def test_a_file_over_the_cap_is_refused(tmp_path):
    path = write_csv(tmp_path / "s.csv", [("a", "bce-dz", "p - y")] * 50)
    with pytest.raises(ValueError, match="larger than the limit of 100 bytes"):
        list(read_submissions(path, max_bytes=100))


def test_the_readme_check_steps_example_file_follows():
    from derive.homework.steps import check_steps

    text = (Path(__file__).parents[3] / "examples" / "my-derivation.txt").read_text(encoding="utf-8")
    result = check_steps("bce-dz", text)
    assert result.ok and result.final.verdict is Verdict.CORRECT and len(result.steps) == 4


def test_terminal_escapes_in_json_output_are_json_escapes(tmp_path, capsys):
    path = write_csv(tmp_path / "esc.csv", [("e\x9b2J\u202e", "bce-dz", "p - y\x1b[2J")])
    code, out, _ = run(capsys, "grade", str(path), "--json")
    assert code == 0 and "\x9b" not in out and "\u202e" not in out and "\x1b" not in out
    assert json.loads(out)["student"] == "e\x9b2J\u202e"      # the same data, escaped in JSON
    code, out, _ = run(capsys, "check", "bce-dz", "p - y\x9b", "--json")
    assert "\x9b" not in out and json.loads(out)["answer"] == "p - y\x9b"
