"""Loading a course: a folder of ``derivations/*.py`` and ``problems/*.toml``, or an installed plug-in.

Loading does, in this order:

1. read every problem file with ``tomllib`` (a broken file disables only its own targets);
2. define the functions of their ``[functions]`` tables (so derivations and keys can use them);
3. import every derivation module and register its ``DERIVATION`` (a module that raises
   disables only itself);
4. read every target's definition (names declared, assumptions known, shapes that fit: key,
   symbols, bindings) and register it.  Its mistakes and the checks that need the checker (no
   mistake equals the key, embedded tests) wait for the target's first use, where a failure
   disables that target; ``derive problem validate`` runs them all at once.

Every error is one line naming the file (and line) and is collected in ``Course.errors``; a
name that clashes with one already loaded is an error naming both places.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from .. import registry
from ..homework import targets as T
from ..homework.problem_build import build_target
from ..homework.problem_check import check_target
from ..homework.problem_file import ProblemError, ProblemFile, read_problem_file
from ..homework.problem_source import problem_files
from .functions import define_function, forget_function

__all__ = ["Course", "load_course", "unload_course", "loaded_courses", "ENTRY_POINT_GROUP", "load_installed"]

#: The entry-point group through which an installed distribution provides a course.
ENTRY_POINT_GROUP = "derive.courses"


@dataclass
class Course:
    """A loaded course: what it added, and the one-line errors met on the way."""

    name: str
    root: Path
    derivations: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: (problem file, table index) of every target that was registered, for validation
    built: list[tuple[ProblemFile, int]] = field(default_factory=list, repr=False)

    @property
    def origin(self) -> str:
        return f"course {self.name} ({self.root})"


_LOADED: dict[Path, Course] = {}


def loaded_courses() -> list[Course]:
    return list(_LOADED.values())


def _short(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_course(path: str | Path, name: str | None = None) -> Course:
    """Load the course in folder ``path`` (once: loading it again returns the loaded course).

    Raises ValueError only when ``path`` is not a course folder; every other problem is one line in
    ``Course.errors``, and the rest of the course still loads.
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise ValueError(f"no such course directory: {path}")
    if not (root / "problems").is_dir() and not (root / "derivations").is_dir():
        raise ValueError(f"{path} is not a course: it has neither derivations/ nor problems/")
    key = root.resolve()
    if key in _LOADED:
        return _LOADED[key]
    course = Course(name or root.resolve().name, root)
    _LOADED[key] = course
    files = _read_problems(course)
    _define_functions(course, files)
    for module_path in sorted((root / "derivations").glob("*.py")):
        if not module_path.name.startswith("_"):
            _import_derivation(course, module_path)
    for pf in files:
        _add_targets(course, pf)
    return course


def _read_problems(course: Course) -> list[ProblemFile]:
    files = []
    for path in problem_files(course.root / "problems"):
        try:
            pf = read_problem_file(path)
        except ProblemError as exc:
            exc.path = _short(path)
            course.errors.append(f"{exc.path}:{exc.line}: {exc.message}")
            continue
        pf.path = _short(path)
        files.append(pf)
    return files


def _define_functions(course: Course, files: list[ProblemFile]) -> None:
    for pf in files:
        for fname, spec in pf.functions.items():
            where = f"{pf.path}:{pf.line_of(None, 'functions', fname)}"
            try:
                define_function(fname, spec.get("args", []), spec.get("definition"), where)
            except (ValueError, NotImplementedError) as exc:
                course.errors.append(str(exc))
                continue
            course.functions.append(fname)


def _import_derivation(course: Course, path: Path) -> None:
    where = _short(path)
    module_name = f"derive_course_{abs(hash(str(course.root.resolve()))):x}_{path.stem}"
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ImportError("not a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        derivation = getattr(module, "DERIVATION", None)
        if derivation is None:
            raise AttributeError("the module defines no DERIVATION")
    except Exception as exc:  # noqa: BLE001 - any failure in a course's file disables that file only
        sys.modules.pop(module_name, None)
        message = " ".join(str(exc).split()) or "(no message)"
        course.errors.append(f"{where}: {type(exc).__name__}: {message}")
        return
    try:
        registry.add(derivation, module, where, label=path.stem, origin=course.origin)
    except (TypeError, ValueError) as exc:  # a clash names both places itself
        course.errors.append(str(exc))
        return
    course.derivations.append(derivation.name)


def _checked(pf: ProblemFile, index: int):
    """The target's build for the registry, on first use: read in full (mistakes too) and checked;
    a failure disables it."""
    def build() -> T.Target:
        target = build_target(pf, index, registry.constant)
        errors = check_target(pf, index, target)
        if errors:
            raise T.TargetUnavailable(str(errors[0]))
        return target
    return build


def _add_targets(course: Course, pf: ProblemFile) -> None:
    for i, table in enumerate(pf.targets):
        try:
            # The target's definition is read now (its errors are loading errors); its mistakes and
            # the checks that need the checker wait for its first use (or 'derive problem validate').
            outline = build_target(pf, i, registry.constant, parse_mistakes=False)
            T.add_targets([(outline.name, outline.where, _checked(pf, i))], course.origin)
        except ValueError as exc:
            course.errors.append(str(exc))
            continue
        course.targets.append(outline.name)
        course.built.append((pf, i))


def unload_course(course: Course) -> None:
    """Take a course's derivations, targets and functions out again (for tests, and for reloading)."""
    registry.remove(course.origin)
    _forget_cached(T.remove_targets(course.origin))
    for fname in course.functions:
        forget_function(fname)
    _LOADED.pop(course.root.resolve(), None)


def _forget_cached(names: list[str]) -> None:
    """Drop the verdicts and checkers remembered by target name, so a later target of the same name
    starts afresh."""
    from ..homework import equivalence, verdict

    verdict.clear_cache()
    for name in names:
        getattr(equivalence, "_CHECKERS", {}).pop(name, None)


def _course_path(obj: object) -> Path:
    """What an entry point names, as a folder: a path, a callable returning one, or a package."""
    if callable(obj) and not isinstance(obj, ModuleType):
        obj = obj()
    if isinstance(obj, ModuleType):
        if getattr(obj, "__file__", None) is None:
            raise ValueError(f"package {obj.__name__} has no folder")
        return Path(obj.__file__).parent
    if isinstance(obj, (str, Path)):
        return Path(obj)
    raise TypeError(f"a derive.courses entry point must name a folder, a package or a callable, got {obj!r}")


def load_installed() -> list[Course]:
    """Load every course an installed distribution provides through the ``derive.courses`` entry points.

    An entry point that cannot be loaded becomes a one-line error in a placeholder Course.
    """
    from importlib.metadata import entry_points

    out = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            out.append(load_course(_course_path(ep.load()), name=ep.name))
        except Exception as exc:  # noqa: BLE001 - a broken plug-in must not stop the others
            out.append(Course(ep.name, Path("."), errors=[f"entry point {ep.name} = {ep.value}: "
                                                          f"{type(exc).__name__}: {exc}"]))
    return out
