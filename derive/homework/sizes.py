"""The sizes at which answers are checked: the main and second sizes, and larger secret ones.

An answer is correct only if it agrees at several distinct sizes of each dimension: the main
sizes (d = 3, K = 4, m = 5: the proofs' sizes), the second (d = 2, K = 3, m = 4), and two
sets drawn from the run's secret seed, one with every size above every main size (d in 6..7,
K and m in 6..9) and one with d in 4..7 and K, m in 4..9.  In each set d, K and m differ, so a
transpose cannot hide.  d stays at 7 or below because the evaluator writes a d×d determinant
out in full.
"""

from __future__ import annotations

import random

from .targets import PRIMARY_SIZES, SECONDARY_SIZES

__all__ = ["PRIMARY_SIZES", "SECONDARY_SIZES", "LARGER_RANGES", "larger_sizes"]

#: The ranges the larger sets are drawn from (the first lies above every main size).
LARGER_RANGES = ({"d": range(6, 8), "K": range(6, 10), "m": range(6, 10)},
                 {"d": range(4, 8), "K": range(4, 10), "m": range(4, 10)})


def larger_sizes(rng: random.Random) -> list[dict[str, int]]:
    """Two sets of sizes for d, K and m, each drawn from its ranges with d, K and m distinct."""
    out = []
    for ranges in LARGER_RANGES:
        while True:
            sizes = {name: rng.choice(list(r)) for name, r in sorted(ranges.items())}
            if len(set(sizes.values())) == len(sizes):
                out.append(sizes)
                break
    return out
