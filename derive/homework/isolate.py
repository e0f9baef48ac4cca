"""Hard isolation: check answers in a worker process that is killed if it overruns.

The in-process time limit (SIGALRM, see ``derive.timelimit``) stops pure-Python work such as
a SymPy proof.  It cannot stop a single long call into C, nor survive a crash of the
interpreter.  ``IsolatedChecker`` runs ``check`` in a forked worker (which inherits the warm
answer keys) and waits at most the time limit plus a grace period; a worker that does not
answer by then is killed and replaced, and that answer is ``undecided``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from multiprocessing.connection import Connection

from .seed import run_seed
from .verdict import TIME_LIMIT, CheckResult, Verdict, check

__all__ = ["IsolatedChecker", "GRACE_SECONDS"]

GRACE_SECONDS = 2.0


def _serve(conn: Connection, seconds: float, parent: int) -> None:
    from ..processes import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles a Ctrl-C and stops us
    die_with_parent(parent)
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        target, answer, cache = request
        conn.send(check(target, answer, seconds=seconds, cache=cache))


class IsolatedChecker:
    """``checker(target, answer)`` → CheckResult, computed in a worker process with a hard limit.

    The worker is made with ``os.fork`` itself rather than ``multiprocessing.Process``, so that
    it can also be started from a daemonic process, such as a dask worker."""

    def __init__(self, seconds: float = TIME_LIMIT, grace: float = GRACE_SECONDS):
        self.seconds = seconds
        self.grace = grace
        self._pid: int | None = None
        self._conn: Connection | None = None
        self.restarts = 0

    def _start(self) -> None:
        run_seed()   # drawn before the fork: the worker checks at this run's points
        parent, child = mp.Pipe()
        me = os.getpid()
        pid = os.fork()
        if pid == 0:   # the worker: serve until the pipe closes, never return into the caller's code
            try:
                parent.close()
                _serve(child, self.seconds, me)
            finally:
                os._exit(0)
        child.close()
        self._pid, self._conn = pid, parent

    def _alive(self) -> bool:
        if self._pid is None:
            return False
        try:
            return os.waitpid(self._pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False

    def _stop(self) -> None:
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        if self._conn is not None:
            self._conn.close()
        self._pid = self._conn = None

    def __call__(self, target: str, answer: str, *, cache: bool = True) -> CheckResult:
        if not self._alive():
            self._stop()
            self._start()
        start = time.perf_counter()
        try:
            self._conn.send((target, answer, cache))
            if self._conn.poll(self.seconds + self.grace):
                return self._conn.recv()
            reason = f"it ran past the {self.seconds:g} s limit and its worker process was stopped"
        except (EOFError, OSError, BrokenPipeError) as exc:
            reason = f"its worker process ended unexpectedly ({type(exc).__name__})"
        self._stop()
        self.restarts += 1
        return CheckResult(target, answer, Verdict.UNDECIDED, 0.0,
                           f"Undecided: {reason}. Flagged for a human to look at.",
                           seconds=time.perf_counter() - start, method="hard limit")

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        self._stop()

    def __enter__(self) -> "IsolatedChecker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
