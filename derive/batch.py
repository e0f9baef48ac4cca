"""Verify many derivations at once: results from the proof cache first, the rest spread over
the machine's cores, with a progress bar on a terminal and a clean stop on Ctrl-C."""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
from typing import Callable, Iterable

import sympy as sp

from .assumptions import size_choices
from .registry import REGISTRY
from .step import Derivation, Step
from .verify import StepResult
from .verify.prepare import dimension_symbols

__all__ = ["verify_many", "default_jobs", "step_runs", "step_cost", "RUN"]


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _ignore_interrupts() -> None:
    # Ctrl-C at a terminal reaches the whole process group: the parent alone handles it (and
    # terminates the workers), so no worker prints a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: Steps per task: neighbouring steps share a side, which a worker makes explicit once for both.
RUN = 4


def _verify_steps(task: tuple[str, list[int]]) -> tuple[str, list[int], list[StepResult]]:
    name, indices = task
    return name, indices, REGISTRY[name].verify(only=indices)


def step_cost(step: Step) -> int:
    """A rough cost of verifying a step: its claim's size (in nodes) times the entries of the
    explicit instances it is checked at (a claim in d×K matrices at d = 4, K = 3 counts 12×)."""
    size = sum(1 for _ in sp.preorder_traversal(step.claim))  # its nodes: count_ops costs 20× more
    return sum(size * math.prod(sizes.values()) for sizes in size_choices(dimension_symbols(step.claim)))


def step_runs(tasks: list[tuple[str, int]]) -> list[tuple[str, list[int]]]:
    """The steps in runs of up to ``RUN`` neighbours of one derivation."""
    runs: list[tuple[str, list[int]]] = []
    for name, index in tasks:
        if runs and runs[-1][0] == name and len(runs[-1][1]) < RUN and runs[-1][1][-1] == index - 1:
            runs[-1][1].append(index)
        else:
            runs.append((name, [index]))
    return runs


def _progress(total: int, done: int) -> Callable[[int], None]:
    """A function advancing a tqdm bar on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty() or total == 0:
        return lambda n: None
    from tqdm import tqdm

    bar = tqdm(total=total, initial=done, desc="verify", unit="step", leave=False, file=sys.stderr)

    def advance(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()
    return advance


def verify_many(derivations: Iterable[Derivation], jobs: int | None = None) -> list[list[StepResult]]:
    """``[d.verify() for d in derivations]``: cached steps are read here, the others computed by
    ``jobs`` worker processes.

    Only registered derivations go to workers (they are found there by name); any other
    derivation, and everything when ``jobs`` is 1, is verified in this process.  A Ctrl-C
    terminates the workers before KeyboardInterrupt reaches the caller.
    """
    derivations = list(derivations)
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    results = {d.name: d.cached() for d in derivations}
    missing = [(d, i) for d in derivations for i, r in enumerate(results[d.name]) if r is None]
    total = sum(len(d.steps) for d in derivations)
    advance = _progress(total, total - len(missing))
    remote = [(d.name, i) for d, i in missing if REGISTRY.get(d.name) is d]
    local = [(d, i) for d, i in missing if REGISTRY.get(d.name) is not d]
    if jobs == 1 or len(remote) < 2:
        local, remote = missing, []
    for d, i in local:
        (results[d.name][i],) = d.verify(only=[i])
        advance(1)
    if remote:
        _in_workers(remote, jobs, results, advance)
    return [results[d.name] for d in derivations]


def _in_workers(tasks: list[tuple[str, int]], jobs: int, results: dict, advance: Callable[[int], None]) -> None:
    """One task per run of a few neighbouring steps, longest first: many small tasks keep every
    worker busy to the end."""
    # Ctrl-C is held back while the pool starts (a pool half built could not be terminated)
    # and delivered at the unblock, where the handler below terminates the workers.
    pool = None
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = multiprocessing.get_context("fork").Pool(min(jobs, len(tasks)), initializer=_ignore_interrupts)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        runs = sorted(step_runs(tasks), key=lambda run: -sum(step_cost(REGISTRY[run[0]].steps[k]) for k in run[1]))
        for name, indices, found in pool.imap_unordered(_verify_steps, runs):
            for index, result in zip(indices, found):
                results[name][index] = result
            advance(len(indices))
        pool.close()
    except BaseException:
        if pool is not None:
            pool.terminate()  # Ctrl-C (or any failure): no worker is left running
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        if pool is not None:
            pool.join()
