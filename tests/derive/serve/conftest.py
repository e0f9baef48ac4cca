"""A served app for the tests: an in-process client, or a real server on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import httpx
import pytest

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
