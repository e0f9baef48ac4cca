"""Problem files: the format of the issue reads, and each kind of bad input gets one line FILE:LINE: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.cli import main
from derive.courses.validate import validate
from derive.homework.problem_build import build_target
from derive.homework.problem_file import ProblemError, parse_problem_text
from derive.homework.problem_check import check_target
from derive.homework.targets import LECTURE_PROBLEMS
from derive.homework.verdict import Verdict, check_expr
from derive.registry import constant

from .conftest import GOOD_PROBLEM


def _file(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def _validate_cli(capsys, path: Path) -> tuple[int, list[str], str]:
    status = main(["problem", "validate", str(path)])
    out, err = capsys.readouterr()
    return status, [line for line in err.splitlines() if line.strip()], out


def test_the_issue_format_reads_into_a_target_that_checks_answers():
    pf = parse_problem_text(GOOD_PROBLEM.replace("NAME", "fmt-gradient"), "good.toml")
    target = build_target(pf, 0, constant)
    assert target.shape is not None and [s.name for s in target.symbols] == ["x", "theta", "theta_0", "y", "r"]
    assert [str(b.symbol) for b in target.bindings] == ["r"]
    assert check_target(pf, 0, target) == []
    mistake = check_expr(target, target.mistakes[0].expr)
    assert mistake.verdict is Verdict.INCORRECT and mistake.mistake == "sign" and mistake.score == 0.5
    assert check_expr(target, target.key.T).verdict is Verdict.INCORRECT


def test_a_sound_file_validates(tmp_path, capsys):
    status, err, out = _validate_cli(capsys, _file(tmp_path, GOOD_PROBLEM.replace("NAME", "ok-gradient")))
    assert status == 0 and err == [] and "1 target(s) in 1 problem file(s): OK" in out


# (what to change in the sound file, the line the error must point at, words the message must hold)
BAD = [
    pytest.param('question = "x" "y"\n', None, "TOML syntax error", id="toml-syntax"),
    pytest.param(("(theta^T x + theta_0 - y) x", "(theta^T x + theta_0 - q) x"), 4, "unknown symbol 'q'", id="unknown-symbol"),
    pytest.param(('y = "real"', 'y = "even"'), 12, "unknown assumption 'even'", id="unknown-assumption"),
    pytest.param(('y = "real"', 'q = "real"'), 12, "does not declare", id="assumption-of-undeclared"),
    pytest.param(('bind = "theta^T x + theta_0 - y"', 'bind = "theta x"'), 10, "has shape", id="binding-shape"),
    pytest.param(("(theta^T x + theta_0 - y) x", "(theta^T x + theta_0 - y) x + x x^T"), 4, "cannot add d×1 and d×d",
                 id="key-shape"),
    pytest.param(('answer = "(y - theta^T x - theta_0) x"\nfeedback', 'answer = "r x"\nfeedback'), 15,
                 "equivalent to the key", id="mistake-equals-key"),
    pytest.param(('answer = "r x"\nexpect = "correct"', 'answer = "r theta"\nexpect = "correct"'), 19,
                 "expects correct, got incorrect", id="failing-test"),
    pytest.param(('expect = "sign"', 'expect = "sgn"'), 23, "expects 'sgn'", id="unknown-expectation"),
    pytest.param(('key = "(theta^T x + theta_0 - y) x"', 'key_from = "no-such:THING"'), 4, "no derivation is named",
                 id="key-from-unknown"),
    pytest.param(('key = "(theta^T x + theta_0 - y) x"', 'key_from = "bce-gradient:NOPE"'), 4, "defines no NOPE",
                 id="key-from-no-constant"),
    pytest.param(('key = "(theta^T x + theta_0 - y) x"', 'key_from = "bce-gradient:sp"'), 4,
                 "is not a SymPy expression (it is a module)", id="key-from-not-an-expression"),
    pytest.param(('key = "(theta^T x + theta_0 - y) x"', 'key_from = "bce-gradient:__builtins__"'), 4,
                 "a public name", id="key-from-private"),
    pytest.param(('key = "(theta^T x + theta_0 - y) x"', 'key = "(theta^T x + theta_0 - y) x"\nshape = "d,d"'), 5,
                 "says the answer is d×d, but the key is d×1", id="stated-shape"),
    pytest.param(('credit = 0.5', 'credit = 1.5'), 17, "credit must be a number in [0, 1)", id="credit"),
    pytest.param(('theta = { shape = "d"', 'theta = { shape = "n"'), 7, "unknown dimension 'n'", id="unknown-dimension"),
    pytest.param(('feedback = "That', 'feedbak = "That'), 13, "unknown field 'feedbak'", id="unknown-field"),
]


@pytest.mark.parametrize("change, line, words", BAD)
def test_each_kind_of_bad_input_is_one_line_with_file_and_line(tmp_path, capsys, change, line, words):
    text = GOOD_PROBLEM.replace("NAME", f"bad-{abs(hash(words)) % 10**8}")
    if isinstance(change, tuple):
        assert change[0] in text
        text = text.replace(change[0], change[1], 1)
    else:
        text = text.replace('question = "∇', change + 'question2 = "∇', 1)
    path = _file(tmp_path, text)
    status, err, _ = _validate_cli(capsys, path)
    assert status == 1
    # Each error is one line FILE:LINE: message (a broken mistake may also break a test that names it).
    assert err and all(e.startswith(f"{path}:") for e in err), err
    mine = [e for e in err if words in e]
    assert len(mine) == 1, err
    if line is not None:
        assert mine[0].startswith(f"{path}:{line}: "), mine[0]


def test_toml_syntax_errors_name_their_line(tmp_path):
    path = _file(tmp_path, '[[target]]\nname = "a"\nquestion = oops\n')
    report = validate([path])
    assert report.errors == [f"{path}:3: TOML syntax error: Invalid value"]


def test_two_equivalent_mistakes_are_refused(tmp_path):
    text = GOOD_PROBLEM.replace("NAME", "twin-mistakes") + '''
[[target.mistake]]
name = "sign-again"
answer = "-r x"
feedback = "The same as the other one."
'''
    report = validate([_file(tmp_path, text)])
    assert len(report.errors) == 1 and "mistakes 'sign' and 'sign-again' are equivalent" in report.errors[0]


def test_a_problem_file_runs_no_code_and_reads_no_file(tmp_path):
    marker = tmp_path / "ran"
    key = '"(theta^T x + theta_0 - y) x"'
    attempts = {
        "code": f"'__import__(\"os\").system(\"touch {marker}\")'",
        "read": "'open(\"/etc/passwd\").read()'",
        "eval": "'eval(\"1\")'",
    }
    for label, hostile in attempts.items():
        text = GOOD_PROBLEM.replace("NAME", f"hostile-{label}").replace(key, hostile, 1)
        assert hostile in text
        errors = validate([_file(tmp_path, text, f"{label}.toml")]).errors
        assert len(errors) == 1 and "the key" in errors[0] and "does not read" in errors[0], errors
    assert not marker.exists()
    function = "[functions]\nsneaky = { args = [\"u\"], definition = 'exec(\"1\")' }\n"
    errors = validate([_file(tmp_path, function, "f.toml")]).errors
    assert len(errors) == 1 and "function 'sneaky'" in errors[0] and "does not read" in errors[0], errors


def test_the_lecture_problem_files_validate_and_take_every_key_from_a_derivation():
    report = validate([LECTURE_PROBLEMS])
    assert report.errors == [] and report.targets == 17
    for path in LECTURE_PROBLEMS.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        assert "\nkey = " not in text and text.count("key_from = ") == text.count("[[target]]")


def test_the_targets_module_holds_no_table_of_targets():
    source = (Path(__file__).resolve().parents[3] / "derive" / "homework" / "targets.py").read_text()
    assert "Mistake(" not in source.split("class Mistake", 1)[1] and "sigmoid" not in source


def test_problem_errors_print_file_and_line():
    err = ProblemError("bad thing", "a/b.toml", 7)
    assert str(err) == "a/b.toml:7: bad thing" and isinstance(err, ValueError)


def test_a_missing_file_is_an_error(tmp_path, capsys):
    status, err, _ = _validate_cli(capsys, tmp_path / "none.toml")
    assert status == 1 and err == [f"{tmp_path / 'none.toml'}: no such file or directory"]
