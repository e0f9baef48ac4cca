"""Worker processes for the server: each check and each preview runs in one, under a hard limit.

The same mechanism as ``derive.homework.isolate`` (a forked worker that inherits the warm
answer keys, a pipe, a wait of at most the limit, a kill on overrun), generalised to the
server's two tasks and to a pool: a request takes an idle worker, and a worker that overruns
is killed and replaced, so one hostile answer holds at most one worker for at most ``hard``
seconds and never stalls the server.

The answer itself is checked under ``seconds`` (the in-process limit of ``check``, 5 s as in
the CLI), so that a slow answer normally comes back as ``undecided`` by that limit, with the
CLI's own feedback; a worker silent for ``grace`` seconds longer is killed, as a last resort.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import threading
import time
from multiprocessing.connection import Connection
from typing import Any, Callable

from ..homework.verdict import TIME_LIMIT, CheckResult, Verdict, check
from .preview import preview

__all__ = ["WorkerPool", "TASKS", "Overrun", "GRACE_SECONDS"]

GRACE_SECONDS = 1.0   # how long past the limit a silent worker is waited for before it is killed


def _check(target: str, answer: str, seconds: float) -> CheckResult:
    return check(target, answer, seconds=seconds)


def _preview(target: str, answer: str, seconds: float) -> dict[str, Any]:
    return preview(target, answer)


#: What a worker can be asked to do: name -> function(target, answer, seconds).
TASKS: dict[str, Callable[[str, str, float], Any]] = {"check": _check, "preview": _preview}


def _serve(conn: Connection, soft: float) -> None:
    # The server's own signal handlers were inherited through fork: a worker leaves Ctrl-C to the
    # server (which then stops it) and dies on SIGTERM; when the server is gone, recv sees EOF.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        task, target, answer = request
        try:
            conn.send(("ok", TASKS[task](target, answer, soft)))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, the worker lives on
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, ctx: Any, soft: float):
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, soft), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent

    def stop(self) -> None:
        self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class Overrun(RuntimeError):
    """A worker did not answer within the hard limit (it has been killed and replaced)."""


class WorkerPool:
    """``size`` worker processes; ``run(task, target, answer)`` blocks until one answers or overruns."""

    def __init__(self, size: int = 2, *, seconds: float = TIME_LIMIT, grace: float = GRACE_SECONDS):
        if size < 1:
            raise ValueError(f"a worker pool needs at least one worker, got {size}")
        if seconds <= 0 or grace < 0:
            raise ValueError(f"the limits must be positive, got seconds={seconds}, grace={grace}")
        self.size = size
        self.soft = seconds
        self.hard = seconds + grace
        self._ctx = mp.get_context("fork")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self.restarts = 0
        self._closed = False
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.soft)
        with self._lock:
            self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
            self.restarts += 1

    def run(self, task: str, target: str, answer: str) -> Any:
        """The task's result; ``Overrun`` if the worker had to be killed, RuntimeError if it failed."""
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        worker = self._idle.get()
        try:
            worker.conn.send((task, target, answer))
            if worker.conn.poll(self.hard):
                status, value = worker.conn.recv()
                self._idle.put(worker)
                worker = None
                if status == "error":
                    raise RuntimeError(value)
                return value
            reason = f"it ran past the {self.soft:g} s limit and its worker process was stopped"
        except (EOFError, OSError) as exc:
            reason = f"its worker process ended unexpectedly ({type(exc).__name__})"
        finally:
            if worker is not None:
                self._retire(worker)
                self._idle.put(self._spawn())
        raise Overrun(reason)

    def check(self, target: str, answer: str) -> CheckResult:
        """``check(target, answer)`` in a worker; an overrun is an ``undecided`` verdict, as in the CLI."""
        start = time.perf_counter()
        try:
            return self.run("check", target, answer)
        except (Overrun, RuntimeError) as exc:
            return CheckResult(target, answer, Verdict.UNDECIDED, 0.0,
                               f"Undecided: {exc}. Flagged for a human to look at.",
                               seconds=time.perf_counter() - start, method="hard limit")

    def preview(self, target: str, answer: str) -> dict[str, Any]:
        """``preview(target, answer)`` in a worker; an overrun is reported as the preview's error."""
        try:
            return self.run("preview", target, answer)
        except Overrun as exc:
            return {"ok": False, "interpreted_as": None, "latex": None, "mathml": None,
                    "error": f"The preview stopped: {exc}."}

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            worker.stop()

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
