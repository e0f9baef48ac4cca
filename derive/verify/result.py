"""What verifying one claim returns: a verdict, how it was reached, and the sizes it covers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping, Sequence

__all__ = ["Verdict", "Scope", "StepResult", "Sizes"]

#: One choice of concrete sizes, e.g. (("K", 3), ("d", 2)), sorted by name.
Sizes = tuple[tuple[str, int], ...]


class Verdict(str, enum.Enum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNDECIDED = "undecided"

    def __str__(self) -> str:
        return self.value


def sizes_of(choice: Mapping) -> Sizes:
    """A size choice {d: 3, K: 2} as a hashable, printable tuple (("K", 2), ("d", 3))."""
    return tuple(sorted((str(k), int(v)) for k, v in choice.items()))


def _list(choices: Sequence[Sizes]) -> str:
    """d = 1..4 for consecutive sizes of one dimension; (K, d) = (2, 3), (3, 2) otherwise."""
    names = [n for n, _ in choices[0]]
    if len(names) == 1:
        values = sorted({c[0][1] for c in choices})
        if len(values) > 2 and values == list(range(values[0], values[-1] + 1)):
            return f"{names[0]} = {values[0]}..{values[-1]}"
        return f"{names[0]} = " + ", ".join(map(str, values))
    tuples = ", ".join("(" + ", ".join(str(v) for _, v in c) + ")" for c in choices)
    return "(" + ", ".join(names) + ") = " + tuples


@dataclass(frozen=True)
class Scope:
    """The sizes a verdict covers.

    ``symbolic``: proved for symbolic dimensions (or the claim has none), so for every size;
    ``proved_at``: explicit sizes at which a symbolic method proved it;
    ``numeric_at``: sizes at which it only agreed numerically (never a proof on its own);
    ``refuted_at``: the sizes of the counterexample, when there is one.
    """

    symbolic: bool = False
    dimensions: tuple[str, ...] = ()
    proved_at: tuple[Sizes, ...] = ()
    numeric_at: tuple[Sizes, ...] = ()
    refuted_at: Sizes | None = None

    def phrase(self) -> str:
        """A short phrase, e.g. "proved at d = 1..4; numerically consistent at d = 6, 7"."""
        if self.refuted_at is not None:
            where = _list([self.refuted_at]) if self.refuted_at else "as stated (no dimensions)"
            proved = f"; proved at {_list(self.proved_at)} only" if self.proved_at else ""
            return f"refuted at {where}{proved}"
        if self.symbolic:
            dims = ", ".join(self.dimensions)
            return f"proved for symbolic {dims}" if dims else "no dimensions: proved as stated"
        parts = []
        if self.proved_at:
            parts.append("proved at " + _list(self.proved_at))
        if self.numeric_at:
            parts.append("numerically consistent at " + _list(self.numeric_at))
        return "; ".join(parts) or "no size checked"

    def __str__(self) -> str:
        return self.phrase()

    def as_dict(self) -> dict:
        def sizes(c: Sizes) -> dict:
            return dict(c)
        return {"symbolic": self.symbolic, "dimensions": list(self.dimensions),
                "proved_at": [sizes(c) for c in self.proved_at], "numeric_at": [sizes(c) for c in self.numeric_at],
                "refuted_at": None if self.refuted_at is None else sizes(self.refuted_at), "text": self.phrase()}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Scope":
        def sizes(c: Mapping) -> Sizes:
            return tuple(sorted((str(k), int(v)) for k, v in c.items()))
        refuted = data.get("refuted_at")
        return cls(bool(data["symbolic"]), tuple(data["dimensions"]), tuple(sizes(c) for c in data["proved_at"]),
                   tuple(sizes(c) for c in data["numeric_at"]), None if refuted is None else sizes(refuted))


@dataclass
class StepResult:
    """The outcome of verifying one claim.

    ``method`` says how it was proved (or why not), ``residual`` is the size of the largest
    difference seen numerically, ``counterexample`` maps symbol names to values where the
    claim fails, ``seconds`` is the wall time spent, ``scope`` the sizes the verdict covers,
    and ``cached`` whether it was read from the proof cache.
    """

    verdict: Verdict
    method: str
    residual: float | None = None
    counterexample: dict[str, str] | None = None
    seconds: float = 0.0
    points: int = 0
    notes: list[str] = field(default_factory=list)
    scope: Scope = field(default_factory=Scope)
    cached: bool = False

    @property
    def proved(self) -> bool:
        return self.verdict is Verdict.PROVED

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict.value, "method": self.method, "residual": self.residual,
            "counterexample": self.counterexample, "seconds": round(self.seconds, 4), "points": self.points,
            "scope": self.scope.as_dict(), "cached": self.cached,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "StepResult":
        """The inverse of ``as_dict`` (notes aside); raises KeyError/ValueError/TypeError if malformed."""
        counter = data["counterexample"]
        if counter is not None and not all(isinstance(v, str) for v in counter.values()):
            raise ValueError(f"a counterexample maps names to strings, got {counter!r}")
        residual = data["residual"]
        return cls(Verdict(data["verdict"]), str(data["method"]), None if residual is None else float(residual),
                   None if counter is None else dict(counter), float(data["seconds"]), int(data["points"]),
                   list(data.get("notes", [])), Scope.from_dict(data["scope"]))
