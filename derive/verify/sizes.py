"""Which sizes a claim in symbolic dimensions is checked at, beyond the sizes it is proved at.

A proof at d = 1..4 says nothing about d = 5: a claim can hold for small sizes only (the
Cayley–Hamilton identity of a 4×4 matrix, say).  So a claim proved at explicit sizes is also
evaluated numerically with each dimension, in turn, at ``N_LARGER`` sizes above the largest
it was proved at, drawn at random up to ``MAX_SIZE``, the other dimensions at their smallest
proved sizes (which keeps the check cheap: raising every dimension at once makes a claim in
d×K matrices far larger than any proved instance).  The draw is seeded by the claim and the
seed: a run is reproducible, yet nobody picks those sizes to suit the claim.
"""

from __future__ import annotations

import random
from typing import Mapping, Sequence

import sympy as sp

__all__ = ["N_LARGER", "MAX_SIZE", "larger_sizes"]

N_LARGER = 2   # larger sizes of each dimension that must agree before a proof at explicit sizes counts
MAX_SIZE = 8   # the largest size drawn, unless the proved sizes already reach it


def larger_sizes(choices: Sequence[Mapping], digest: str, seed: int) -> list[tuple[dict, dict]]:
    """Pairs (size choice, cheaper fallback): for each dimension, ``N_LARGER`` random sizes above
    every size of it in ``choices``; the fallback has the smallest such size instead."""
    dims = sorted({d for c in choices for d in c}, key=sp.default_sort_key)
    if not dims:
        return []
    rng = random.Random(f"{digest}:{seed}")  # a str seed is hashed with SHA-512: stable across processes
    base = {d: min(c[d] for c in choices if d in c) for d in dims}
    out = []
    for d in dims:
        highest = max(c[d] for c in choices if d in c)
        candidates = list(range(highest + 1, max(MAX_SIZE, highest + N_LARGER) + 1))
        for k, size in enumerate(sorted(rng.sample(candidates, N_LARGER))):
            out.append(({**base, d: size}, {**base, d: highest + 1 + k}))
    return out
