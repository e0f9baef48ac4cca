"""The sizes at which answers are checked: the main and second sizes, and larger secret ones.

An answer is correct only if it agrees at several distinct sizes of each dimension: the main
sizes (d = 3, K = 4, m = 5: the proofs' sizes), the second (d = 2, K = 3, m = 4), and two
sets drawn from the run's secret seed, one with every size in 6..9 (above every main size) and
one in 4..9.  In each set d, K and m differ, so a transpose cannot hide.
"""

from __future__ import annotations

import random

from .targets import PRIMARY_SIZES, SECONDARY_SIZES

__all__ = ["PRIMARY_SIZES", "SECONDARY_SIZES", "LARGER_RANGES", "larger_sizes"]

#: The ranges the larger sets are drawn from (the first lies above every main size).
LARGER_RANGES = (range(6, 10), range(4, 10))


def larger_sizes(rng: random.Random) -> list[dict[str, int]]:
    """Two sets of sizes for d, K and m, each drawn without repetition from its range."""
    names = sorted(PRIMARY_SIZES)
    return [dict(zip(names, rng.sample(list(r), len(names)))) for r in LARGER_RANGES]
