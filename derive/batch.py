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


def _verify_step(task: tuple[str, int]) -> StepResult:
    name, index = task
    (result,) = REGISTRY[name].verify(only=[index])
    return result


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
    # One task per step: a hundred small tasks keep every worker busy to the end, where one
    # task per derivation would leave a worker idle while another finishes a long one.
    tasks = [(d.name, i) for d in remote for i in range(len(d.steps))]
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        done = dict(zip(tasks, pool.map(_verify_step, tasks)))
    return [[done[(d.name, i)] for i in range(len(d.steps))] if (d.name, 0) in done else d.verify()
            for d in derivations]
