"""``derive problem validate FILE|DIR``: every check of a problem file, each error as ``FILE:LINE: message``.

A path may be

* a course folder (``derivations/`` and/or ``problems/``): the course is loaded (its derivation
  files imported, its functions defined) and every target is checked;
* a problem file inside a course's ``problems/``: the same, for that file's targets only;
* any other problem file, or a folder of them: read on their own; ``key_from`` then names a
  derivation of the lecture or of a course loaded with ``--course``.

The checks: the TOML parses, every name used is declared, every assumption is known, shapes fit,
no mistake equals the key or another mistake, and every embedded test gets its verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import registry
from ..homework.problem_build import build_target
from ..homework.problem_check import check_target
from ..homework.problem_file import ProblemError, read_problem_file
from ..homework.problem_source import problem_files
from .functions import define_function, forget_function
from .load import load_course, _short

__all__ = ["Report", "validate"]


@dataclass
class Report:
    """What validation found: the errors (one line each) and how much was checked."""

    errors: list[str] = field(default_factory=list)
    targets: int = 0
    files: int = 0

    def summary(self) -> str:
        status = "OK" if not self.errors else f"{len(self.errors)} error{'s' * (len(self.errors) != 1)}"
        return f"{self.targets} target(s) in {self.files} problem file(s): {status}"


def _is_course(folder: Path) -> bool:
    return folder.is_dir() and ((folder / "problems").is_dir() or (folder / "derivations").is_dir())


def validate(paths: list[str | Path]) -> Report:
    """Validate every path; never raises for a bad file (its errors are in the report)."""
    report = Report()
    for raw in paths:
        path = Path(raw)
        if _is_course(path):
            _validate_course(report, path, None)
        elif path.is_file() and path.parent.name == "problems" and _is_course(path.parent.parent):
            _validate_course(report, path.parent.parent, path)
        elif path.is_dir():
            for file in problem_files(path):
                _validate_file(report, file)
        elif path.is_file():
            _validate_file(report, path)
        else:
            report.errors.append(f"{raw}: no such file or directory")
    return report


def _validate_course(report: Report, root: Path, only: Path | None) -> None:
    course = load_course(root)
    wanted = None if only is None else _short(only)
    report.files += 1 if only is not None else len(problem_files(root / "problems"))
    report.errors += [e for e in course.errors if wanted is None or e.startswith(wanted + ":")
                      or not e.split(":", 1)[0].endswith(".toml")]
    for pf, index in course.built:
        if wanted is None or pf.path == wanted:
            report.targets += 1
            _check_one(report, pf, index)


def _check_one(report: Report, pf, index: int) -> None:
    try:
        target = build_target(pf, index, registry.constant)
    except ValueError as exc:
        report.errors.append(str(exc))
        return
    report.errors += [str(e) for e in check_target(pf, index, target)]


def _validate_file(report: Report, path: Path) -> None:
    report.files += 1
    try:
        pf = read_problem_file(path)
    except ProblemError as exc:
        report.errors.append(str(exc))
        return
    defined = []
    try:
        for fname, spec in pf.functions.items():
            where = f"{pf.path}:{pf.line_of(None, 'functions', fname)}"
            try:
                define_function(fname, spec.get("args", []), spec.get("definition"), where)
                defined.append(fname)
            except (ValueError, NotImplementedError) as exc:
                report.errors.append(str(exc))
        for index in range(len(pf.targets)):
            report.targets += 1
            _check_one(report, pf, index)
    finally:
        for fname in defined:  # a file read on its own leaves nothing behind
            forget_function(fname)
