"""The verifier can fail: corrupt each expression of each derivation and expect a refutation.

Each intermediate expression of a chain is corrupted in place (a sign flipped, a factor
dropped, a constant changed, an index swapped, a matrix transposed), consistently in the
step that ends there, the step that starts there, and the theorem where it appears, so
the chain stays connected and only the mathematics is wrong.  Every corruption that really
changes the value must leave at least one step refuted.
"""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derive import REGISTRY, Verdict
from derive.step import Derivation

from .mutations import MUTATIONS, changes_value


def positions(d: Derivation):
    """(expression, indices of the steps that end there, of those that start there)."""
    for chain in d.chains():
        yield d.steps[chain[0]].lhs, [], [chain[0]]
        for prev, cur in zip(chain, chain[1:]):
            yield d.steps[prev].rhs, [prev], [cur]
        yield d.steps[chain[-1]].rhs, [chain[-1]], []


def mutate(d: Derivation, ends: list[int], starts: list[int], old: sp.Basic, new: sp.Basic) -> Derivation:
    steps = list(d.steps)
    for i in ends:
        steps[i] = dataclasses.replace(steps[i], claim=type(steps[i].claim)(steps[i].lhs, new, evaluate=False))
    for i in starts:
        steps[i] = dataclasses.replace(steps[i], claim=type(steps[i].claim)(new, steps[i].rhs, evaluate=False))
    chain_start = not ends
    chain_end = not starts
    statement = []
    for rel in d.statement:
        lhs, rhs = rel.lhs, rel.rhs
        if chain_start and lhs == old:
            lhs = new
        if chain_end and rhs == old:
            rhs = new
        statement.append(type(rel)(lhs, rhs, evaluate=False))
    return dataclasses.replace(d, steps=steps, statement=tuple(statement))


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_corruption_is_refuted(name: str) -> None:
    d = REGISTRY[name]
    assumptions = d.all_assumptions
    slipped, applied = [], set()
    for k, (expr, ends, starts) in enumerate(positions(d)):
        for label, operator in MUTATIONS.items():
            try:
                corrupted = operator(expr)
            except (TypeError, ValueError, sp.ShapeError, AttributeError):
                continue
            if corrupted is None or not changes_value(expr, corrupted, assumptions, seed=k):
                continue
            applied.add(label)
            bad = mutate(d, ends, starts, expr, corrupted)
            results = bad.verify(only=ends + starts)
            if not any(r.verdict is Verdict.REFUTED for r in results):
                slipped.append(f"{label} at {sp.sstr(expr)[:60]!r} -> {sp.sstr(corrupted)[:60]!r}: "
                               + "; ".join(f"{r.verdict} ({r.method})" for r in results))
    assert not slipped, f"{len(slipped)} corruption(s) slipped through:\n" + "\n".join(slipped)
    assert len(applied) >= 2, f"only {sorted(applied)} applied to {name}: the test would be too weak"


def test_every_kind_of_corruption_is_exercised() -> None:
    applied = set()
    for d in REGISTRY.values():
        for k, (expr, _, _) in enumerate(positions(d)):
            for label, operator in MUTATIONS.items():
                try:
                    corrupted = operator(expr)
                except (TypeError, ValueError, sp.ShapeError, AttributeError):
                    continue
                if corrupted is not None and changes_value(expr, corrupted, d.all_assumptions, seed=k):
                    applied.add(label)
    missing = set(MUTATIONS) - applied
    assert not missing, f"never applied: {sorted(missing)}"
