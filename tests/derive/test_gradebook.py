"""The SQLite gradebook: schema versions, WAL, transactions, locking, and the class-page queries."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from derive.gradebook import SCHEMA_VERSION, Gradebook, content_id, default_path
from derive.homework.verdict import CheckResult, Verdict


def result(target: str, answer: str, verdict: str, mistake: str | None = None, score: float = 0.0) -> CheckResult:
    return CheckResult(target, answer, Verdict(verdict), score, f"{verdict} feedback", mistake=mistake)


@pytest.fixture
def book(tmp_path):
    with Gradebook(tmp_path / "g.sqlite3") as gb:
        yield gb


def test_default_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "derive-toolkit" / "gradebook.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".local" / "share" / "derive-toolkit" / "gradebook.sqlite3"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")   # XDG: a relative value is ignored
    assert default_path().is_relative_to(tmp_path / "home")


def test_new_file_is_wal_at_current_version(tmp_path):
    path = tmp_path / "sub" / "g.sqlite3"
    with Gradebook(path) as gb:
        assert gb.version() == SCHEMA_VERSION
        assert gb.count() == 0
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    conn.close()


def test_record_round_trips_the_check_json(book):
    r = result("bce-gradient", "(y - p) x", "incorrect", mistake="sign", score=0.5)
    row = book.record(r, student="ana")
    [a] = book.recent()
    assert a.id == row and a.student == "ana" and a.verdict == "incorrect" and a.mistake == "sign"
    assert a.score == 0.5 and a.source == "check" and a.batch_id is None
    assert a.result == r.as_dict()
    book.record(r.as_dict(), student="bo")            # the dict form records too
    assert book.count() == 2


def test_record_refuses_incomplete_input(book):
    with pytest.raises(ValueError, match="lacks"):
        book.record({"target": "t"})
    with pytest.raises(TypeError, match="CheckResult"):
        book.record("correct")
    with pytest.raises(ValueError, match="both batch_id and row_index"):
        book.record(result("t", "a", "correct"), batch_id="b")
    assert book.count() == 0


def test_batch_rows_replace_and_resume(book):
    bid = content_id(b"student,target,answer\n")
    book.record(result("t", "a", "incorrect"), student="s1", source="grade", batch_id=bid, row_index=1)
    book.record(result("t", "a2", "correct", score=1.0), student="s2", source="grade", batch_id=bid, row_index=2)
    book.record(result("t", "a", "correct", score=1.0), student="s1", source="grade", batch_id=bid, row_index=1)
    rows = book.batch_rows(bid)
    assert sorted(rows) == [1, 2] and book.count() == 2
    assert rows[1]["verdict"] == "correct" and rows[1]["student"] == "s1"
    assert book.batch_rows("other") == {}


def test_record_batch_stores_all_or_nothing(book):
    """One statement for many rows: each replaces its row, and one bad row stores none."""
    bid = content_id(b"x")
    book.record(result("t", "old", "incorrect"), student="s0", source="grade", batch_id=bid, row_index=0)
    book.record_batch(bid, [(0, "s0", result("t", "a", "correct", score=1.0).as_dict()),
                            (1, "s1", result("t", "b", "incorrect", mistake="sign"))])
    rows = book.batch_rows(bid)
    assert book.count() == 2 and rows[0]["answer"] == "a" and rows[1]["verdict"] == "incorrect"
    assert sorted((a.student, a.source, a.mistake or "") for a in book.recent()) == [
        ("s0", "grade", ""), ("s1", "grade", "sign")]
    with pytest.raises(ValueError, match="lacks"):
        book.record_batch(bid, [(2, "s2", result("t", "c", "correct")), (3, "s3", {"target": "t"})])
    assert sorted(book.batch_rows(bid)) == [0, 1]


def test_batch_seed_is_the_first_stored_seed(book):
    bid = content_id(b"y")
    assert book.batch_seed(bid) is None
    unseeded, seeded = result("t", "a", "correct"), CheckResult("t", "b", Verdict.CORRECT, 1.0, "ok", seed=77)
    book.record_batch(bid, [(0, "s0", unseeded), (1, "s1", seeded)])
    book.record_batch("other", [(0, "s0", CheckResult("t", "b", Verdict.CORRECT, 1.0, "ok", seed=5))])
    assert book.batch_seed(bid) == 77 and book.batch_seed("other") == 5


def test_transaction_rolls_back_as_a_whole(book):
    with pytest.raises(RuntimeError):
        with book.transaction():
            book.record(result("t", "a", "correct"))
            book.record(result("t", "b", "correct"))
            raise RuntimeError("stop")
    assert book.count() == 0
    with book.transaction():
        book.record(result("t", "a", "correct"))
        book.record(result("t", "b", "correct"))
    assert book.count() == 2


def test_class_page_queries(book):
    rows = [("t1", "correct", None), ("t1", "incorrect", "sign"), ("t1", "incorrect", "sign"),
            ("t1", "incorrect", "transpose"), ("t2", "invalid", None), ("t2", "incorrect", "factor")]
    for target, verdict, mistake in rows:
        book.record(result(target, "x", verdict, mistake, 1.0 if verdict == "correct" else 0.0))
    stats = {s.target: s for s in book.target_stats()}
    assert stats["t1"].attempts == 4 and stats["t1"].correct == 1 and stats["t1"].share_correct == 0.25
    assert stats["t2"].verdicts == {"invalid": 1, "incorrect": 1} and stats["t2"].share_correct == 0.0
    assert book.top_mistakes() == [("t1", "sign", 2), ("t1", "transpose", 1), ("t2", "factor", 1)]
    assert book.top_mistakes("t2") == [("t2", "factor", 1)]
    assert book.top_mistakes(limit=1) == [("t1", "sign", 2)]
    recent = book.recent(limit=2)
    assert [a.mistake for a in recent] == ["factor", None]   # newest first


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "g.sqlite3"
    Gradebook(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(ValueError, match=f"schema version {SCHEMA_VERSION + 1}, newer"):
        Gradebook(path)


def test_older_schema_needs_explicit_migration(tmp_path):
    path = tmp_path / "g.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (0)")
    conn.commit()
    conn.close()
    with pytest.raises(ValueError, match="older than .*migrate"):
        Gradebook(path)
    with Gradebook(path, migrate=True) as gb:
        assert gb.version() == SCHEMA_VERSION
        assert gb.migrate() == []        # already current: nothing to do
        gb.record(result("t", "a", "correct"))
        assert gb.count() == 1


def test_not_a_database(tmp_path):
    path = tmp_path / "g.sqlite3"
    path.write_bytes(b"this is not sqlite at all, just some bytes " * 10)
    with pytest.raises(ValueError, match="not a SQLite gradebook"):
        Gradebook(path)
    with pytest.raises(ValueError, match="not a file"):
        Gradebook(tmp_path)


def test_locked_database_raises_oserror(tmp_path):
    path = tmp_path / "g.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE other (x)")
    try:
        with pytest.raises(OSError, match="locked by another process"):
            Gradebook(path, timeout=0.05)
    finally:
        holder.execute("COMMIT")
        holder.close()


def test_write_waits_for_a_busy_writer_then_fails_clearly(tmp_path):
    path = tmp_path / "g.sqlite3"
    Gradebook(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Gradebook(path, timeout=0.05) as gb:
            assert gb.count() == 0                 # WAL: reading goes on during a write
            with pytest.raises(OSError, match="locked"):
                gb.record(result("t", "a", "correct"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "g.sqlite3"
    Gradebook(path).close()
    books = [Gradebook(path) for _ in range(3)]     # separate connections, as separate processes would

    def write(gb: Gradebook, k: int) -> None:
        for i in range(20):
            gb.record(result("t", f"{k}-{i}", "correct"))

    threads = [threading.Thread(target=write, args=(gb, k)) for k, gb in enumerate(books)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert books[0].count() == 60
    for gb in books:
        gb.close()
