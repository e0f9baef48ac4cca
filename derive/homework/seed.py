"""The run's secret seed: every random check point is drawn from it.

It is drawn from ``os.urandom`` the first time a checker needs it, so nobody can know the
points in advance; each verdict records it (``CheckResult.seed``), and ``use_seed(n)`` (the
CLI's ``--points-seed N``) makes the same points again, so a verdict can be reproduced.
"""

from __future__ import annotations

import hashlib
import os

__all__ = ["run_seed", "use_seed", "derived_seed", "SEED_BITS"]

SEED_BITS = 64
_seed: int | None = None


def run_seed() -> int:
    """This run's seed: drawn once from ``os.urandom``, unless ``use_seed`` fixed it."""
    global _seed
    if _seed is None:
        _seed = int.from_bytes(os.urandom(SEED_BITS // 8), "big")
    return _seed


def use_seed(seed: int | None) -> None:
    """Fix the seed (to reproduce a verdict), or with None draw a fresh secret one next time."""
    global _seed
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 1 << SEED_BITS):
        raise ValueError(f"a points seed is an integer in [0, 2^{SEED_BITS}), got {seed!r}")
    _seed = seed


def derived_seed(seed: int, *parts: object) -> int:
    """A seed for one purpose (a target's points, an answer's exact points) from ``seed`` (the
    run's, as a rule): SHA-256 of the seed and ``parts``, so the purposes never share points."""
    text = "\x1f".join([str(seed), *map(str, parts)])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:8], "big")
