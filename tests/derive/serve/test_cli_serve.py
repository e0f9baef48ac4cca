"""``derive serve``: its options, its warning off loopback, and a real server answering over HTTP."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from derive.cli import main
from derive.cli import serve as serve_cli
from derive.gradebook import Gradebook

from .conftest import STALL, LiveServer, ThreadServer


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in ("--course", "--host", "--port", "--db", "--token"):
        assert option in out


@pytest.mark.parametrize("argv, words", [
    (["serve", "--port", "0"], "--port must be between 1 and 65535"),
    (["serve", "--workers", "0"], "--workers must be at least 1"),
    (["serve", "--course", "/no/such/dir"], "no such course directory"),
])
def test_bad_options_are_one_line(argv, words, capsys):
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1


def test_unusable_gradebook_is_one_line_before_serving(monkeypatch, capsys, tmp_path):
    import sqlite3
    monkeypatch.setattr("uvicorn.run", lambda *a, **kw: pytest.fail("must not start"))
    db = tmp_path / "g.sqlite3"
    Gradebook(db).close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    assert main(["serve", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "schema version 99, newer" in err and len(err.strip().splitlines()) == 1
    conn = sqlite3.connect(db)
    conn.execute("UPDATE schema_version SET version = 0")
    conn.commit()
    conn.close()
    assert main(["serve", "--db", str(db)]) == 1
    assert "derive serve --migrate" in capsys.readouterr().err


def test_warns_off_loopback_and_not_on_it(monkeypatch, capsys, tmp_path):
    seen = {}
    monkeypatch.setattr("uvicorn.run", lambda app, host, port, **kw: seen.update(host=host, port=port))
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123", "--db", str(tmp_path / "g.sqlite3")]) == 0
    captured = capsys.readouterr()
    assert seen == {"host": "0.0.0.0", "port": 8123}
    assert "warning" in captured.err and "--token" in captured.err
    assert "http://0.0.0.0:8123/" in captured.out
    assert main(["serve", "--db", str(tmp_path / "g.sqlite3")]) == 0
    assert seen["host"] == "127.0.0.1" and "warning" not in capsys.readouterr().err
    for host, loop in (("127.0.0.1", True), ("::1", True), ("localhost", True), ("10.0.0.1", False),
                       ("example.org", False)):
        assert serve_cli._is_loopback(host) is loop


def test_live_server_checks_and_records(tmp_path):
    db = tmp_path / "g.sqlite3"
    server = LiveServer(db)
    try:
        r = httpx.post(server.url + "/api/check", json={"target": "bce-dz", "answer": "p - y"}, timeout=30)
        assert r.status_code == 200 and r.json()["verdict"] == "correct"
        assert httpx.get(server.url + "/", timeout=10).status_code == 200
    finally:
        server.stop()
    with Gradebook(db) as gb:
        assert gb.count() == 1 and gb.recent(1)[0].target == "bce-dz"


def test_quick_checks_are_served_while_a_stalled_one_is_killed(tmp_path):
    db = tmp_path / "g.sqlite3"
    server = ThreadServer(db, seconds=1.0)
    finished: list[str] = []

    def stalled() -> None:
        r = httpx.post(server.url + "/api/check", json={"target": "bce-dz", "answer": STALL}, timeout=60)
        finished.append(r.json()["verdict"])
        finished.append(r.json()["feedback"])

    try:
        thread = threading.Thread(target=stalled)
        thread.start()
        time.sleep(0.3)                       # let the stalled answer take its worker
        for answer in ("y - p", "p - y", "(p - y"):
            r = httpx.post(server.url + "/api/check", json={"target": "bce-dz", "answer": answer}, timeout=30)
            assert r.status_code == 200
            finished.append(r.json()["verdict"])
        thread.join()
        r = httpx.post(server.url + "/api/check", json={"target": "bce-dz", "answer": "p - y"}, timeout=30)
        assert r.json()["verdict"] == "correct"          # the killed worker was replaced
    finally:
        server.stop()
    # The quick answers were served while the stalled one held its worker: they finished first.
    assert finished[:4] == ["incorrect", "correct", "invalid", "undecided"]
    assert "1 s limit and its worker process was stopped" in finished[4]
    with Gradebook(db) as gb:
        assert gb.count() == 5


def test_make_demo_step_checks_one_answer(capsys):
    from derive.serve import demo
    assert demo.main() == 0
    out = capsys.readouterr().out
    assert "-> incorrect (score 0.5)" in out and "http://127.0.0.1:8000/" in out and "<math" in out
