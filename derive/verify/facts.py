"""What the prover may substitute because of an assumption, beyond SymPy's own assumptions.

* ``Interval(p, low, high)`` (``Probability`` is (0, 1)): p = low + (high − low)/(1 + u) with
  u > 0, a bijection of (0, ∞) onto (low, high); then p − low and high − p are visibly
  positive, so log(p) and log(1 − p) split and cancel as they should.
* ``Simplex(q)``: the last entry is 1 − Σ of the others, and the others are positive.

An identity proved after the substitution holds for every admissible value, since every
admissible value is reached.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import sympy as sp

from ..assumptions import Assumption, Interval, Simplex

__all__ = ["substitutions"]


def _scalars(a: Assumption, entries: Mapping, sizes: Mapping) -> list[sp.Symbol]:
    out = []
    for s in a.at(sizes):
        value = entries.get(s, s)
        out.extend(list(value) if getattr(value, "is_Matrix", False) else [value])
    return [s for s in out if isinstance(s, sp.Symbol)]


def substitutions(assumptions: Sequence[Assumption], entries: Mapping, sizes: Mapping) -> dict:
    """Symbol → expression substitutions that build the assumptions' constraints in."""
    subs: dict = {}
    for a in assumptions:
        scalars = [s for s in _scalars(a, entries, sizes) if s not in subs]
        if isinstance(a, Interval):
            for s in scalars:
                u = sp.Dummy(f"{s.name}_u", positive=True)
                subs[s] = sp.nsimplify(a.low) + sp.nsimplify(a.high - a.low) / (1 + u)
        elif isinstance(a, Simplex) and len(scalars) > 1:
            rest = {s: sp.Dummy(s.name, positive=True) for s in scalars[:-1]}
            subs.update(rest)
            subs[scalars[-1]] = 1 - sp.Add(*rest.values())
    return subs
