"""The homework targets: for each question, its answer key, symbols, bindings and known mistakes.

The targets are data: ``[[target]]`` tables of TOML problem files (the lecture's are in
``derive/homework/lecture/*.toml``; a course adds its own, see ``derive.courses``).  Every
answer key of the lecture is a constant of a derivation module (``key_from =
"DERIVATION-NAME:CONSTANT"``), never typed again.  Each target also declares

* its **symbols** (what an answer may use, with their shapes):
  d-vectors are columns (d×1), K is the number of classes and m the number of hidden units;
* its **bindings**, such as p ≡ σ(z) and z ≡ θᵀx + θ₀: an answer may use either side, and
  every point the checker evaluates at satisfies them;
* its **assumptions** (y ∈ {0, 1}, one-hot y, Σ symmetric positive-definite, priors in (0, 1));
* its **known mistakes**: wrong answers students give, each with feedback and partial credit.

Targets are built on first use, so a derivation that cannot be found, or a broken table, only
disables its own target, with a message saying where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import sympy as sp

from ..assumptions import Assumption
from ..numbers import to_sympy
from ..evaluate import shape_of

__all__ = ["Target", "Binding", "Mistake", "SymbolDecl", "EmbeddedTest", "get_target", "target_names",
           "all_targets", "add_targets", "remove_targets", "target_origin", "LECTURE_PROBLEMS",
           "PRIMARY_SIZES", "SECONDARY_SIZES", "UnknownTarget", "TargetUnavailable"]

#: The sizes of the main check: distinct, so that a transpose can never pass.
PRIMARY_SIZES = {"d": 3, "K": 4, "m": 5}
#: A second set of distinct sizes, so an answer cannot be right at one size only.
SECONDARY_SIZES = {"d": 2, "K": 3, "m": 4}
#: The lecture's problem files, read in name order (which is the lecture's order).
LECTURE_PROBLEMS = Path(__file__).with_name("lecture")


class UnknownTarget(ValueError):
    """A target name that the table does not have; the message lists the known ones."""


class TargetUnavailable(ValueError):
    """A known target whose answer key cannot be loaded (its derivation is missing, or its table is broken)."""


@dataclass(frozen=True)
class SymbolDecl:
    """A symbol an answer may use: its canonical ``name`` (``theta_0``), the SymPy object and
    a few words saying what it is."""

    name: str
    obj: sp.Basic
    meaning: str

    @property
    def shape(self) -> tuple | None:
        return shape_of(self.obj)


@dataclass(frozen=True)
class Binding:
    """``symbol ≡ definition``: every point satisfies it, and an answer may use either side."""

    symbol: sp.Basic
    definition: sp.Basic

    def __str__(self) -> str:
        return f"{sp.sstr(self.symbol)} ≡ {sp.sstr(self.definition)}"


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: ``expr`` is what the student wrote, ``feedback`` names the mistake
    and ``credit`` is the partial credit (a fraction of the full score)."""

    name: str
    expr: sp.Basic
    feedback: str
    credit: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.credit < 1.0:
            raise ValueError(f"mistake {self.name!r}: credit must be in [0, 1), got {self.credit}")


@dataclass(frozen=True)
class EmbeddedTest:
    """A test a problem file embeds: ``answer`` must get the verdict ``expect`` ("correct",
    "incorrect", "invalid", or the name of one of the target's mistakes)."""

    answer: str
    expect: str
    line: int = 0


@dataclass(frozen=True)
class Target:
    """One question with its answer key.

    ``modulo`` lists symbols such that an answer differing from the key by a term free of
    all of them is also accepted (θ_{0,k} is defined only up to a term independent of k).
    ``hidden`` are bound symbols an answer may not use (the precision P = Σ⁻¹ of the proofs).
    ``tests`` are the problem file's embedded tests, ``variants`` its (symbol, low, high) ranges
    for numeric variants, and ``where`` the FILE:LINE the target was read from.
    ``aliases`` are further spellings of declared symbols, as (spelling, symbol name) pairs:
    ("x_j", "x") for a gradient written by its j-th entry, ("eta", "epsilon") for a learning rate.
    """

    name: str
    question: str
    key: sp.Basic
    source: str
    symbols: tuple[SymbolDecl, ...]
    bindings: tuple[Binding, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    modulo: tuple[sp.Basic, ...] = ()
    hidden: tuple[sp.Basic, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    tests: tuple["EmbeddedTest", ...] = ()
    variants: tuple[tuple[str, float, float], ...] = ()
    where: str = ""
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def shape(self) -> tuple | None:
        return shape_of(self.key)

    @property
    def bound(self) -> tuple[sp.Basic, ...]:
        return tuple(b.symbol for b in self.bindings)

    def all_symbols(self) -> tuple[sp.Basic, ...]:
        """Every symbol a point gives a value to: declared, hidden and bound."""
        out = dict.fromkeys([s.obj for s in self.symbols] + list(self.hidden) + list(self.bound))
        return tuple(out)

    def dimensions(self) -> set[sp.Symbol]:
        found: set[sp.Symbol] = set()
        for s in self.all_symbols():
            if isinstance(s, sp.MatrixSymbol):
                for n in s.shape:
                    found |= to_sympy(n).free_symbols
        return found


# --- the table of targets -----------------------------------------------------------------------

@dataclass
class _Entry:
    """Where a target comes from and how to build it (built on first use, then kept)."""

    where: str
    origin: str
    build: Callable[[], Target]


_ENTRIES: dict[str, _Entry] = {}
_CACHE: dict[str, Target] = {}
_LECTURE_LOADED = False


def _lecture_entries() -> None:
    global _LECTURE_LOADED
    if _LECTURE_LOADED:
        return
    _LECTURE_LOADED = True
    from .problem_source import lecture_entries
    lecture = list(lecture_entries(LECTURE_PROBLEMS))
    course = dict(_ENTRIES)
    _ENTRIES.clear()
    for name, where, build in lecture:
        _ENTRIES[name] = _Entry(where, "lecture", build)
    for name, entry in course.items():  # courses loaded before the first look keep their place after
        if name in _ENTRIES:
            raise ValueError(f"target {name!r} of {entry.where} clashes with the lecture's {_ENTRIES[name].where}")
        _ENTRIES[name] = entry


def add_targets(entries: Iterable[tuple[str, str, Callable[[], Target]]], origin: str) -> None:
    """Add targets (name, FILE:LINE, build) from ``origin``; a ValueError naming both places on a clash.

    Nothing is added when any name clashes.
    """
    _lecture_entries()
    entries = list(entries)
    seen: dict[str, str] = {}
    for name, where, _ in entries:
        other = _ENTRIES[name].where if name in _ENTRIES else seen.get(name)
        if other is not None:
            raise ValueError(f"target {name!r} of {where} clashes with the target of the same name in {other}")
        seen[name] = where
    for name, where, build in entries:
        _ENTRIES[name] = _Entry(where, origin, build)


def remove_targets(origin: str) -> list[str]:
    """Forget every target that ``origin`` added; returns their names."""
    gone = [n for n, e in _ENTRIES.items() if e.origin == origin]
    for n in gone:
        del _ENTRIES[n]
        _CACHE.pop(n, None)
    return gone


def target_origin(name: str) -> str:
    """"lecture", or the course a target comes from."""
    _lecture_entries()
    return _ENTRIES[name].origin


def target_names() -> list[str]:
    """Every target name: the lecture's in the order the lecture meets them, then the courses'."""
    _lecture_entries()
    return list(_ENTRIES)


def get_target(name: str) -> Target:
    """The target called ``name``; ``UnknownTarget`` (a ValueError) listing the known names otherwise.

    A target whose key cannot be found, or whose table is broken, raises ``TargetUnavailable``
    saying where.
    """
    _lecture_entries()
    if name not in _ENTRIES:
        raise UnknownTarget(f"unknown target {name!r}; known: {', '.join(_ENTRIES)}")
    if name not in _CACHE:
        try:
            _CACHE[name] = _ENTRIES[name].build()
        except TargetUnavailable:
            raise
        except ValueError as exc:
            raise TargetUnavailable(str(exc)) from None
    return _CACHE[name]


def all_targets() -> list[Target]:
    return [get_target(n) for n in target_names()]
