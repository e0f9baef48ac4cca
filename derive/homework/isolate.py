"""Hard isolation: check answers in a worker process that is killed if it overruns.

The in-process time limit (SIGALRM, see ``derive.timelimit``) stops pure-Python work such as
a SymPy proof.  It cannot stop a single long call into C, nor survive a crash of the
interpreter.  ``IsolatedChecker`` runs ``check`` in a forked worker (which inherits the warm
answer keys) and waits at most the time limit plus a grace period; a worker that does not
answer by then is killed and replaced, and that answer is ``undecided``.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import time
from multiprocessing.connection import Connection

from .verdict import TIME_LIMIT, CheckResult, Verdict, check

__all__ = ["IsolatedChecker", "GRACE_SECONDS"]

GRACE_SECONDS = 2.0


def _serve(conn: Connection, seconds: float) -> None:
    from ..processes import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles a Ctrl-C and stops us
    die_with_parent()
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
    """``checker(target, answer)`` → CheckResult, computed in a worker process with a hard limit."""

    def __init__(self, seconds: float = TIME_LIMIT, grace: float = GRACE_SECONDS):
        self.seconds = seconds
        self.grace = grace
        self._ctx = mp.get_context("fork")
        self._proc: mp.Process | None = None
        self._conn: Connection | None = None
        self.restarts = 0

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=_serve, args=(child, self.seconds), daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent

    def _stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def __call__(self, target: str, answer: str, *, cache: bool = True) -> CheckResult:
        if self._proc is None or not self._proc.is_alive():
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
