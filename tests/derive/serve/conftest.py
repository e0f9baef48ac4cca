"""A served app for the tests: an in-process client, or a real server on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import threading

import httpx
import pytest

from derive.serve import pool as pool_module
from derive.serve.app import ServeConfig, create_app

ROOT = Path(__file__).resolve().parents[3]


def client_for(config: ServeConfig):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the test client's note about its HTTP library
        from starlette.testclient import TestClient
    return TestClient(create_app(config), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(client, gradebook path) for an app without a token, shared by a module's tests."""
    db = tmp_path_factory.mktemp("serve") / "gradebook.sqlite3"
    with client_for(ServeConfig(db=db, workers=2)) as client:
        yield client, db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``derive serve`` in a subprocess, on loopback and a free port."""

    def __init__(self, db: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen([sys.executable, "-m", "derive", "serve", "--port", str(self.port),
                                      "--db", str(db), *extra], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"derive serve exited: {self.proc.stderr.read()}")
            try:
                if httpx.get(self.url + "/api/targets", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("derive serve did not start within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


#: An answer that holds its worker past any limit, as a long call into C would (tests only).
STALL = "stall the worker"


def _stalling_check(target: str, answer: str, seconds: float):
    if answer == STALL:
        time.sleep(120)
    return _REAL_CHECK(target, answer, seconds)


_REAL_CHECK = pool_module.TASKS["check"]


class ThreadServer:
    """The app under uvicorn in a thread of this process, its workers forked from it, on a free
    port; its check task stalls on ``STALL``, so that the hard limit and the kill are exercised."""

    def __init__(self, db: Path, seconds: float = 2.0):
        import uvicorn
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        pool_module.TASKS["check"] = _stalling_check     # the workers fork after this
        app = create_app(ServeConfig(db=db, workers=2, seconds=seconds))
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                self.stop()
                raise RuntimeError("the app did not start within 60 s")
            time.sleep(0.1)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        pool_module.TASKS["check"] = _REAL_CHECK
