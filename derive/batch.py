"""Verify many derivations at once, spread over the machine's cores."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable

from .registry import REGISTRY
from .step import Derivation
from .verify import StepResult

__all__ = ["verify_many", "default_jobs"]


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _verify_registered(name: str) -> list[StepResult]:
    return REGISTRY[name].verify()


def verify_many(derivations: Iterable[Derivation], jobs: int | None = None) -> list[list[StepResult]]:
    """``[d.verify() for d in derivations]``, computed by ``jobs`` worker processes.

    Only registered derivations go to workers (they are found there by name); any other
    derivation, and everything when ``jobs`` is 1, is verified in this process.
    """
    derivations = list(derivations)
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    remote = [d for d in derivations if REGISTRY.get(d.name) is d]
    if jobs == 1 or len(remote) < 2:
        return [d.verify() for d in derivations]
    # Longest first (by step count) so that the workers finish together.
    order = sorted(remote, key=lambda d: -len(d.steps))
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(jobs, len(remote)), mp_context=ctx) as pool:
        futures = {d.name: pool.submit(_verify_registered, d.name) for d in order}
        return [futures[d.name].result() if d.name in futures else d.verify() for d in derivations]
