"""``python -m derive.serve.demo``: start ``derive serve`` for a few seconds, check one answer, print the URL.

``make demo`` runs this.  The server listens on loopback at a free port with a throwaway
gradebook; the answer goes through the JSON API exactly as the student page sends it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["main"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _wait(url: str, proc: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise OSError(f"derive serve stopped: {proc.stderr.read().strip()}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise OSError(f"derive serve did not answer at {url} within {seconds:g} s")


def main() -> int:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([sys.executable, "-m", "derive", "serve", "--port", str(port),
                                 "--db", str(Path(tmp) / "gradebook.sqlite3")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            _wait(base + "/api/targets", proc)
            answer = {"target": "bce-gradient", "answer": "(y - p) x", "student": "demo"}
            print(f"POST {base}/api/check {json.dumps(answer)}")
            result = _post(base + "/api/check", answer)
            print(f"  -> {result['verdict']} (score {result['score']:g}): {result['feedback'][:100]}...")
            preview = _post(base + "/api/preview", {"target": "bce-gradient", "answer": "(p - y) x"})
            print(f"POST {base}/api/preview -> read as {preview['interpreted_as']}: {preview['mathml'][:60]}...")
        except (OSError, KeyError, ValueError) as exc:
            print(f"demo: {exc}", file=sys.stderr)
            return 1
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print("Run 'derive serve' and open http://127.0.0.1:8000/ (students) or http://127.0.0.1:8000/class (instructors).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
