"""Checking many answers: in this process, in N worker processes, or on a dask cluster.

Each runner takes a list of tasks ``(target, answer)`` and yields ``(index, CheckResult)`` as
the checks finish, in any order; the caller puts them back in input order.  Tasks go out in
chunks, so that one round trip carries many answers.

The 5 s limit per answer holds everywhere: in this process and in the pool's workers ``check``
runs in the main thread, where the SIGALRM limit works; on a dask worker, whose tasks run in
threads, each chunk is checked in a forked ``IsolatedChecker`` that is killed if it overruns.
Workers ignore SIGINT: a Ctrl-C reaches the parent, which stops them all.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Callable, Iterator, Sequence

from .seed import run_seed, use_seed
from .verdict import CheckResult, Verdict, check

__all__ = ["Task", "safe_check", "check_chunk", "run_serial", "run_processes", "run_dask", "CHUNK"]

Task = tuple[str, str]
CHUNK = 16            # answers per round trip to a worker
_LOCAL = threading.local()   # one IsolatedChecker per thread of a worker process, made on first use


def _quiet_worker(parent: int) -> None:
    # A Ctrl-C on a terminal signals the whole process group: the parent handles it.  A parent
    # killed outright (SIGKILL) cannot stop its workers, so each ends with its parent.
    from ..processes import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def check_chunk(tasks: Sequence[Task], cache: bool = True, isolate: bool = False,
                seed: int | None = None) -> list[CheckResult]:
    """Check each (target, answer); isolated (hard limit) when asked or when not in the main thread.
    ``seed`` is the run's points seed, for a worker that did not inherit it (a dask worker)."""
    if seed is not None and seed != run_seed():
        use_seed(seed)
    if isolate or threading.current_thread() is not threading.main_thread():
        if getattr(_LOCAL, "pid", None) != os.getpid():   # not inherited across a fork
            from .isolate import IsolatedChecker
            _LOCAL.checker, _LOCAL.pid = IsolatedChecker(), os.getpid()
        return [safe_check(_LOCAL.checker, t, a, cache) for t, a in tasks]
    return [safe_check(check, t, a, cache) for t, a in tasks]


def safe_check(checker: Callable[..., CheckResult], target: str, answer: str, cache: bool) -> CheckResult:
    """``checker(target, answer)``, with a failure of the checker itself made an undecided verdict."""
    try:
        return checker(target, answer, cache=cache)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - one row must never stop the batch
        return CheckResult(target, answer, Verdict.UNDECIDED, 0.0,
                           f"Undecided: the checker failed on this answer ({type(exc).__name__}: {exc}). "
                           "Flagged for a human to look at.", method="checker error")


def _chunks(n: int) -> list[range]:
    return [range(i, min(i + CHUNK, n)) for i in range(0, n, CHUNK)]


def run_serial(tasks: Sequence[Task], checker: Callable[..., CheckResult], cache: bool) -> Iterator[tuple[int, CheckResult]]:
    for i, (target, answer) in enumerate(tasks):
        yield i, checker(target, answer, cache=cache)


def _first_per_target(tasks: Sequence[Task]) -> list[int]:
    seen: dict[str, int] = {}
    for i, (target, _) in enumerate(tasks):
        seen.setdefault(target.split("@")[0], i)
    return sorted(seen.values())


def run_processes(tasks: Sequence[Task], workers: int, cache: bool, isolate: bool,
                  idle: Callable[[], bool] | None = None) -> Iterator[tuple[int, CheckResult]]:
    """``workers`` forked processes; at most 4 chunks in flight per worker, so that a Ctrl-C
    has little queued work to cancel.  The first answer to each target is checked here first,
    so that every worker inherits that target's answer key and checker ready-made.  While no
    chunk is back, ``idle()`` is called, again while it returns True: a short piece of the
    caller's own work, done while the workers check."""
    run_seed()   # drawn here, before the fork, so that every worker checks at the same points
    primed = _first_per_target(tasks) if not isolate else []
    for i in primed:
        yield i, safe_check(check, *tasks[i], cache)
    rest = sorted(set(range(len(tasks))) - set(primed))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"), initializer=_quiet_worker,
                               initargs=(os.getpid(),))
    pending: dict[Future, list[int]] = {}
    chunks = iter([rest[i:i + CHUNK] for i in range(0, len(rest), CHUNK)])
    finished = False
    try:
        while True:
            while len(pending) < 4 * workers:
                part = next(chunks, None)
                if part is None:
                    break
                pending[pool.submit(check_chunk, [tasks[i] for i in part], cache, isolate)] = part
            if not pending:
                break
            for future in _finished(pending, idle):
                part = pending.pop(future)
                yield from zip(part, future.result())
        finished = True
    finally:
        _stop(pool, finished)


def _finished(pending: dict[Future, list[int]], idle: Callable[[], bool] | None) -> set[Future]:
    while idle is not None:
        done = {f for f in pending if f.done()}
        if done:
            return done
        if not idle():
            break
    return wait(pending, return_when=FIRST_COMPLETED)[0]


def _stop(pool: ProcessPoolExecutor, finished: bool) -> None:
    if finished:
        pool.shutdown(wait=True)
        return
    # Interrupted (Ctrl-C, an error, the consumer gone): no worker may outlive us.
    processes = list((pool._processes or {}).values())
    for p in processes:
        if p.is_alive():
            p.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        p.join(timeout=2)


def run_dask(tasks: Sequence[Task], address: str, cache: bool, timeout: float = 10.0) -> Iterator[tuple[int, CheckResult]]:
    """The same chunks as tasks on the dask cluster at ``address`` (``tcp://host:8786``)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ValueError("--scheduler needs dask's distributed package: pip install 'derive-toolkit[dask]'") from None
    try:
        client = Client(address, timeout=f"{timeout:g}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise OSError(f"the dask scheduler at {address} does not answer ({type(exc).__name__}: {exc})") from None
    try:
        parts = _chunks(len(tasks))
        futures = client.map(check_chunk, [[tasks[i] for i in part] for part in parts],
                             cache=cache, seed=run_seed(), pure=False)
        where = {f.key: part for f, part in zip(futures, parts)}
        for future in as_completed(futures, loop=client.loop):
            yield from zip(where[future.key], future.result())
    finally:
        client.close()
