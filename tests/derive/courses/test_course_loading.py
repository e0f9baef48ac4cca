"""Loading courses: folders, $DERIVE_COURSE, --course on every command; errors stay local and name the file."""

from __future__ import annotations


import pytest

import derive
from derive.cli import main
from derive.courses import load_course, unload_course
from derive.homework.targets import get_target, target_names
from derive.homework.verdict import Verdict, check

from .conftest import EXAMPLE, GOOD_PROBLEM, write

GOOD_DERIVATION = '''
import sympy as sp
from derive import Derivation, Real, chain

m, y = sp.symbols("m y", real=True)
GRADIENT = m - y
DERIVATION = Derivation(
    name="NAME", title="t", summary="s",
    statement=(sp.Eq(sp.Derivative((m - y) ** 2 / 2, m), GRADIENT, evaluate=False),),
    assumptions=(Real(m, y),),
    steps=chain(sp.Derivative((m - y) ** 2 / 2, m), (GRADIENT, "chain rule")),
)
'''


def test_a_course_adds_its_derivations_and_targets_and_unloading_takes_them_away(example):
    assert {"linreg-gradient", "linreg-hessian", "swish-unit"} <= set(derive.REGISTRY)
    assert isinstance(derive.REGISTRY["linreg-gradient"], derive.Derivation)
    assert example.errors == []
    assert target_names()[:17] == target_names()[:17] and target_names()[17:] == example.targets
    assert check("linreg-gradient", "r x").verdict is Verdict.CORRECT
    unload_course(example)
    assert "linreg-gradient" not in derive.REGISTRY and len(target_names()) == 17
    assert check("linreg-gradient", "r x").verdict is Verdict.INVALID


def test_a_derivation_file_that_raises_disables_only_itself(tmp_path, capsys):
    root = write(tmp_path / "c", {
        "derivations/a_good.py": GOOD_DERIVATION.replace("NAME", "fine-one"),
        "derivations/b_broken.py": "raise RuntimeError('half-written file')\n",
        "problems/p.toml": GOOD_PROBLEM.replace("NAME", "fine-target"),
    })
    course = load_course(root)
    assert course.derivations == ["fine-one"] and course.targets == ["fine-target"]
    assert len(course.errors) == 1
    assert course.errors[0].endswith("b_broken.py: RuntimeError: half-written file")
    unload_course(course)
    status = main(["--course", str(root), "list"])
    out, err = capsys.readouterr()
    assert status == 1 and "fine-one" in out and "bce-gradient" in out
    assert [line for line in err.splitlines()] == [f"derive: {course.errors[0]}"]


def test_a_broken_problem_file_disables_only_its_own_targets(tmp_path, capsys):
    root = write(tmp_path / "c", {
        "problems/a.toml": GOOD_PROBLEM.replace("NAME", "kept-target"),
        "problems/b.toml": "[[target]\nname = 1\n",
        "problems/c.toml": GOOD_PROBLEM.replace("NAME", "bad-assume").replace('y = "real"', 'y = "fuzzy"'),
    })
    course = load_course(root)
    assert course.targets == ["kept-target"]
    assert len(course.errors) == 2
    assert "b.toml:1: TOML syntax error" in course.errors[0]
    assert "c.toml:12: target 'bad-assume': unknown assumption 'fuzzy'" in course.errors[1]
    assert check("kept-target", "r x").verdict is Verdict.CORRECT
    unload_course(course)
    assert main(["--course", str(root), "check", "kept-target", "r x"]) == 1   # the errors make it exit 1 ...
    out, err = capsys.readouterr()
    assert out.startswith("CORRECT")                                          # ... and the rest still works
    assert len(err.splitlines()) == 2 and all(line.startswith("derive: ") for line in err.splitlines())


def test_a_target_whose_checks_fail_is_unavailable_on_use_with_file_and_line(tmp_path):
    text = GOOD_PROBLEM.replace("NAME", "lying-test").replace('answer = "r x"', 'answer = "r theta"')
    course = load_course(write(tmp_path / "c", {"problems/p.toml": text}))
    assert course.targets == ["lying-test"]
    with pytest.raises(ValueError, match=r"p.toml:19: target 'lying-test': test 'r theta' expects correct"):
        get_target("lying-test")
    assert check("lying-test", "r x").verdict is Verdict.UNDECIDED


def test_names_that_clash_with_the_lecture_name_both_places(tmp_path):
    root = write(tmp_path / "c", {
        "derivations/clash.py": GOOD_DERIVATION.replace("NAME", "bce-gradient"),
        "problems/p.toml": GOOD_PROBLEM.replace("NAME", "bce-hessian"),
    })
    course = load_course(root)
    assert course.derivations == [] and course.targets == []
    derivation_error, target_error = course.errors
    assert "clash.py" in derivation_error and "derive/derivations/bce_gradient.py" in derivation_error
    assert "p.toml:1" in target_error and "derive/homework/lecture/1-logistic.toml" in target_error
    assert derive.REGISTRY["bce-gradient"].title.startswith("The gradient of the binary")


def test_a_missing_course_directory_is_one_line_and_exit_1(tmp_path, capsys):
    status = main(["--course", str(tmp_path / "nowhere"), "list"])
    _, err = capsys.readouterr()
    assert status == 1 and err.strip() == f"derive list: no such course directory: {tmp_path / 'nowhere'}"
    with pytest.raises(ValueError, match="not a course"):
        load_course(tmp_path)


def test_the_environment_variable_and_the_command_option_load_a_course(monkeypatch, capsys):
    monkeypatch.setenv("DERIVE_COURSE", str(EXAMPLE))
    assert main(["check", "linreg-gradient", "r x"]) == 0
    assert "CORRECT" in capsys.readouterr().out
    monkeypatch.delenv("DERIVE_COURSE")
    for course in list(derive.courses.loaded_courses()):
        unload_course(course)
    assert main(["check", "--course", str(EXAMPLE), "linreg-gradient", "(y - theta^T x - theta_0) x"]) == 1
    out = capsys.readouterr().out
    assert "INCORRECT" in out and "negative gradient" in out


def test_every_command_works_on_course_material(tmp_path, capsys):
    course = ["--course", str(EXAMPLE)]
    assert main(course + ["show", "linreg-gradient", "--no-verify"]) == 0
    assert main(course + ["verify", "linreg-gradient", "-j", "1"]) == 0
    assert main(course + ["problem", "linreg-gradient"]) == 0
    assert main(course + ["problem", "linreg-gradient", "--seed", "2", "--json"]) == 0
    assert main(course + ["check", "linreg-hessian", "x x^T"]) == 0
    steps = tmp_path / "steps.txt"
    steps.write_text("theta^T x x + theta_0 x - y x\nr x\n")
    assert main(course + ["check-steps", "linreg-gradient", str(steps)]) == 0
    out = capsys.readouterr().out
    assert "linreg-gradient" in out and "Every step follows" in out
    assert main(course + ["report", "linreg-gradient", "--tex-only", "-o", str(tmp_path / "rep")]) == 0
    assert (tmp_path / "rep" / "linreg-gradient.tex").is_file()
