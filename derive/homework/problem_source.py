"""Problem files as sources of targets: each ``[[target]]`` table becomes a lazily built target.

``entries_of(pf, resolve)`` yields ``(name, FILE:LINE, build)`` for every table of a read
problem file; ``lecture_entries(DIR)`` does it for the lecture's own files, whose keys come from
the lecture's derivations through ``derive.registry.constant``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from ..registry import constant
from .problem_build import build_target
from .problem_file import ProblemFile, read_problem_file
from .targets import Target

__all__ = ["entries_of", "lecture_entries", "problem_files"]


def problem_files(directory: Path) -> list[Path]:
    """The ``*.toml`` files of a directory, in name order."""
    return sorted(p for p in Path(directory).glob("*.toml") if p.is_file())


def entries_of(pf: ProblemFile, resolve=constant) -> Iterator[tuple[str, str, Callable[[], Target]]]:
    for i, table in enumerate(pf.targets):
        yield table["name"], f"{pf.path}:{pf.line_of(i)}", (lambda i=i: build_target(pf, i, resolve))


def lecture_entries(directory: Path) -> Iterator[tuple[str, str, Callable[[], Target]]]:
    """The lecture's targets.  Its files ship with the package: an error in one is ours, so it is raised."""
    for path in problem_files(directory):
        pf = read_problem_file(path)
        pf.path = f"derive/homework/lecture/{path.name}"
        yield from entries_of(pf)
