"""Steps and derivations: a derivation is a chain of small, justified, checkable claims.

A ``Step`` claims one relation (``Eq(previous, next)``, or a sign such as ``Gt(e, 0)``)
and says why in words.  A ``Derivation`` strings steps into chains: each step starts where
the one before it ended, unless it is marked as the start of a new chain, and each chain
composes (by transitivity) into one relation of the theorem in ``statement``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import sympy as sp
from sympy.core.relational import Relational

from .assumptions import Assumption
from . import cache
from .verify import StepResult, Verdict, cached_result, verify_claim

__all__ = ["Step", "Derivation", "chain", "compose", "at_sizes"]


@dataclass(frozen=True)
class Step:
    """One claim with its justification, e.g. ``Step(Eq(a, b), "chain rule")``.

    ``assumptions`` are added to the derivation's own; ``methods`` restricts or reorders
    the proof methods; ``new_chain`` marks a step that starts a fresh chain.
    """

    claim: Relational
    justification: str
    assumptions: tuple[Assumption, ...] = ()
    methods: tuple[str, ...] | None = None
    new_chain: bool = False
    #: Explicit sizes to check the claim at, e.g. ({K: 2, d: 2, m: 3},), instead of the
    #: dimensions' own sizes: for claims too costly to differentiate at every size.
    sizes: tuple[dict, ...] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.claim, Relational):
            raise TypeError(f"a step's claim must be a SymPy relation, got {self.claim!r}")
        if not isinstance(self.justification, str) or not self.justification.strip():
            raise ValueError(f"every step needs a justification in words, got {self.justification!r}")

    @property
    def lhs(self) -> sp.Basic:
        return self.claim.lhs

    @property
    def rhs(self) -> sp.Basic:
        return self.claim.rhs


def _relation(rel: type, lhs: sp.Basic, rhs: sp.Basic) -> Relational:
    return rel(lhs, rhs, evaluate=False)


def chain(start: sp.Basic, *links: tuple, assumptions: Sequence[Assumption] = ()) -> list[Step]:
    """Steps from ``start`` through each ``(next, justification[, relation])`` link.

    The relation defaults to ``Eq``; use ``sp.Gt``/``sp.Ge``/... for a sign step.  The first
    step starts a new chain.
    """
    steps, current = [], start
    for i, link in enumerate(links):
        if not 2 <= len(link) <= 3:
            raise ValueError(f"a link is (next, justification[, relation]), got {link!r}")
        nxt, why, rel = (*link, sp.Eq) if len(link) == 2 else link
        rel = {sp.Eq: sp.Equality, sp.Gt: sp.StrictGreaterThan, sp.Ge: sp.GreaterThan,
               sp.Lt: sp.StrictLessThan, sp.Le: sp.LessThan}.get(rel, rel)
        steps.append(Step(_relation(rel, current, nxt), why, tuple(assumptions), new_chain=(i == 0)))
        current = nxt
    return steps


def at_sizes(sizes: Sequence[dict], steps: Sequence[Step]) -> list[Step]:
    """The steps, each to be checked at the explicit ``sizes`` instead of the default ones."""
    return [dataclasses.replace(step, sizes=tuple(sizes)) for step in steps]


_STRENGTH = {sp.Equality: 0, sp.GreaterThan: 1, sp.StrictGreaterThan: 2, sp.LessThan: -1, sp.StrictLessThan: -2}


def compose(first: type, second: type) -> type | None:
    """The relation that a ∘ b composes to by transitivity (None when it does not compose)."""
    a, b = _STRENGTH[first], _STRENGTH[second]
    if a == 0:
        return second
    if b == 0:
        return first
    if (a > 0) != (b > 0):
        return None
    return first if abs(a) >= abs(b) else second


@dataclass
class Derivation:
    """A named theorem and the chain of steps that proves it.

    ``statement`` is a tuple of relations (the theorem); every chain of ``steps`` must
    compose into one of them, and every one of them must be concluded by a chain.
    """

    name: str
    title: str
    statement: tuple[Relational, ...]
    steps: list[Step]
    assumptions: tuple[Assumption, ...] = ()
    summary: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if isinstance(self.statement, Relational):
            self.statement = (self.statement,)
        self.statement = tuple(self.statement)
        if not self.steps:
            raise ValueError(f"derivation {self.name!r} has no steps")

    def chains(self) -> list[list[int]]:
        """The indices of the steps of each chain, in order."""
        out: list[list[int]] = []
        for i, step in enumerate(self.steps):
            if step.new_chain or not out:
                out.append([])
            out[-1].append(i)
        return out

    def chain_problems(self) -> dict[int, str]:
        """Step index → why the chain is broken there (empty when the chains are intact)."""
        problems: dict[int, str] = {}
        concluded = []
        for indices in self.chains():
            rel = type(self.steps[indices[0]].claim)
            for prev, cur in zip(indices, indices[1:]):
                if self.steps[cur].lhs != self.steps[prev].rhs:
                    problems[cur] = f"step {cur + 1} does not start where step {prev + 1} ended"
                rel = compose(rel, type(self.steps[cur].claim)) if rel else None
            last = indices[-1]
            if rel is None:
                problems.setdefault(last, "the chain mixes > and < and concludes nothing")
                continue
            conclusion = _relation(rel, self.steps[indices[0]].lhs, self.steps[last].rhs)
            if conclusion not in self.statement:
                problems.setdefault(last, f"the chain concludes {sp.sstr(conclusion)}, which is not in the statement")
            concluded.append(conclusion)
        missing = [s for s in self.statement if s not in concluded]
        if missing:
            problems.setdefault(len(self.steps) - 1, "no chain concludes " + "; ".join(sp.sstr(m) for m in missing))
        return problems

    def step_seed(self, index: int, seed: int = 0) -> int:
        """The seed of step ``index``: from its claim, not its position, so that inserting a
        step changes no other step's seed (nor its key in the proof cache)."""
        return seed + int(cache.digest(self.steps[index].claim)[:6], 16)

    def _arguments(self, index: int, seed: int) -> tuple[tuple, dict]:
        step = self.steps[index]
        return ((step.claim, self.assumptions + step.assumptions),
                {"methods": step.methods, "seed": self.step_seed(index, seed), "sizes": step.sizes})

    def _finish(self, index: int, result: StepResult, problems: dict[int, str]) -> StepResult:
        if index not in problems:
            return result
        return StepResult(Verdict.REFUTED, f"chain integrity: {problems[index]}", result.residual,
                          result.counterexample, result.seconds, result.points,
                          notes=[f"the claim itself: {result.verdict} ({result.method})"], scope=result.scope,
                          cached=result.cached)

    def verify(self, seed: int = 0, only: Iterable[int] | None = None) -> list[StepResult]:
        """Verify every step (or the steps with the indices in ``only``), and mark steps that
        break the chain as refuted."""
        problems = self.chain_problems()
        indices = range(len(self.steps)) if only is None else sorted(set(only))
        results = []
        for i in indices:
            args, kwargs = self._arguments(i, seed)
            results.append(self._finish(i, verify_claim(*args, **kwargs), problems))
        return results

    def cached(self, seed: int = 0) -> list[StepResult | None]:
        """Each step's result from the proof cache, or None where it must be computed."""
        problems = self.chain_problems()
        out = []
        for i in range(len(self.steps)):
            args, kwargs = self._arguments(i, seed)
            found = cached_result(*args, **kwargs)
            out.append(None if found is None else self._finish(i, found, problems))
        return out

    @property
    def all_assumptions(self) -> tuple[Assumption, ...]:
        seen = dict.fromkeys(self.assumptions)
        for step in self.steps:
            seen.update(dict.fromkeys(step.assumptions))
        return tuple(seen)
