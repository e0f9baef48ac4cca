"""An installed distribution provides a course through the ``derive.courses`` entry point."""

from __future__ import annotations

import shutil

import derive
from derive.cli import main
from derive.courses import ENTRY_POINT_GROUP, load_installed

from .conftest import EXAMPLE


def _install(site, monkeypatch) -> None:
    """A tiny distribution on sys.path: a package holding the example course, and its dist-info."""
    package = site / "course_of_mine"
    shutil.copytree(EXAMPLE, package / "material", ignore=shutil.ignore_patterns("__pycache__"))
    (package / "__init__.py").write_text(
        "from pathlib import Path\n\ndef course_folder():\n    return Path(__file__).parent / 'material'\n")
    info = site / "course_of_mine-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: course-of-mine\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nmine = course_of_mine:course_folder\n")
    monkeypatch.syspath_prepend(str(site))


def test_an_installed_course_is_found_through_its_entry_point(tmp_path, monkeypatch):
    _install(tmp_path, monkeypatch)
    courses = [c for c in load_installed() if c.name == "mine"]
    assert len(courses) == 1 and courses[0].errors == []
    assert "linreg-hessian" in courses[0].derivations and "swish-grad-w" in courses[0].targets
    assert "linreg-hessian" in derive.REGISTRY


def test_the_command_line_loads_installed_courses(tmp_path, monkeypatch, capsys):
    _install(tmp_path, monkeypatch)
    assert main(["check", "swish-grad-w", "(v swish(w x + b) + c - y) v x"]) == 1
    out = capsys.readouterr().out
    assert "INCORRECT" in out and "swish′(a) is missing" in out


def test_a_broken_entry_point_is_one_error_and_the_rest_loads(tmp_path, monkeypatch):
    info = tmp_path / "broken_course-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-course\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nbroken = no_such_module:thing\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    broken = [c for c in load_installed() if c.name == "broken"]
    assert len(broken) == 1 and "ModuleNotFoundError" in broken[0].errors[0]


def test_the_command_line_looks_for_the_same_entry_points():
    # It checks for installed courses before importing the course machinery.
    from derive.cli import COURSE_GROUP

    assert COURSE_GROUP == ENTRY_POINT_GROUP
