"""Grading at scale: worker processes, a dask cluster, resuming from the gradebook, Ctrl-C."""

from __future__ import annotations

import csv
import json
import random
import signal
import sqlite3
from pathlib import Path

import pytest

from derive.cli import main
from derive.gradebook import Gradebook
from derive.homework.grade import grade, normalised, read_submissions
from derive.homework.resume import ResumeStore

from .interrupt import INTERRUPT_SECONDS, interrupt, start, wait_for_lines

ANSWERS = [("bce-dz", "p - y"), ("bce-dz", "p  -  y"), ("bce-dz", "y - p"), ("sigmoid-derivative", "p(1-p)"),
           ("sigmoid-derivative", "sigma(z)^2"), ("bce-gradient", "(p - y) x"), ("bce-gradient", "("),
           ("no-such-target", "x")]


def class_file(path: Path, students: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(("student", "target", "answer"))
        for s in range(students):
            for target in ("bce-dz", "sigmoid-derivative", "bce-gradient"):
                answer = rng.choice([a for t, a in ANSWERS if t == target])
                w.writerow((f"s{s:03d}", target, answer))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tree(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file()}


def test_identical_pairs_are_checked_once(tmp_path):
    subs = list(read_submissions(class_file(tmp_path / "c.csv", 20)))
    batch = grade(subs)
    distinct = {(s.target, normalised(s.answer)) for s in subs}
    assert batch.checked == len(distinct) < len(subs)
    assert batch.rows[0].result.answer == subs[0].answer    # each row keeps its own text
    assert grade(subs, cache=False).checked == len(subs)


def test_workers_give_the_same_rows_in_input_order(tmp_path):
    subs = list(read_submissions(class_file(tmp_path / "c.csv", 30)))
    one = grade(subs)
    two = grade(subs, workers=2)
    assert [g.submission.row for g in two.rows] == [s.row for s in subs]
    assert [g.as_dict() | {"seconds": 0} for g in two.rows] == [g.as_dict() | {"seconds": 0} for g in one.rows]
    with pytest.raises(ValueError, match="at least 1"):
        grade(subs, workers=0)


def test_the_time_limit_holds_in_a_worker(tmp_path, monkeypatch):
    from derive.homework import fanout

    def slow(target, answer, *, cache=True, seconds=5.0):
        from derive.timelimit import time_limit
        with time_limit(0.3):
            while True:
                pass

    # a check that would never end is stopped by the SIGALRM limit inside the worker process
    monkeypatch.setattr(fanout, "check", slow)
    results = list(fanout.run_processes([("bce-dz", "p - y"), ("bce-dz", "y - p")], 2, True, False))
    assert len(results) == 2 and all(r.verdict.value == "undecided" for _, r in results)


def test_the_driver_does_its_own_work_while_the_workers_check(monkeypatch):
    from derive.homework import fanout, verdict

    def slow(target, answer, *, cache=True, seconds=5.0):
        import time
        time.sleep(0.2)    # a check in a worker that takes a while, so that the driver waits
        return verdict.check(target, answer, cache=cache)

    monkeypatch.setattr(fanout, "check", slow)
    tasks = [("bce-dz", "p - y"), ("bce-dz", "y - p"), ("bce-dz", "p"), ("bce-dz", "y")]
    work = list(range(5))

    def idle() -> bool:     # one piece of the driver's work per call; True while some is left
        work.pop()
        return bool(work)

    results = dict(fanout.run_processes(tasks, 2, True, False, idle=idle))
    assert work == [] and sorted(results) == [0, 1, 2, 3]
    assert [results[i].verdict.value for i in range(4)] == [verdict.check(t, a).verdict.value for t, a in tasks]


def test_a_resumed_run_with_workers_hands_on_every_row_once_in_order(tmp_path, monkeypatch):
    path = class_file(tmp_path / "c.csv", 30)
    subs = list(read_submissions(path))
    whole = grade(subs)
    with ResumeStore(tmp_path / "g.db", path.read_bytes()) as store:
        store.record([(i, s, g.result) for i, (s, g) in enumerate(zip(subs, whole.rows)) if i < 50 or i % 3 == 0])
    monkeypatch.setattr("derive.homework.grade.SLICE", 4)    # the stored rows go on in many slices
    seen = []
    with ResumeStore(tmp_path / "g.db", path.read_bytes()) as store:
        batch = grade(subs, store=store, workers=2, on_result=lambda g: seen.append(g.submission.row))
    assert seen == [s.row for s in subs] and batch.resumed == 50 + len(range(51, len(subs), 3))
    assert [g.as_dict() | {"seconds": 0} for g in batch.rows] == [g.as_dict() | {"seconds": 0} for g in whole.rows]


def test_workers_store_their_verdicts_a_burst_at_a_time(tmp_path, monkeypatch):
    path = class_file(tmp_path / "c.csv", 40)
    subs = list(read_submissions(path))
    stored, shown = [], []
    record = ResumeStore.record

    def counted(self, rows):
        rows = list(rows)
        stored.append([i for i, _, _ in rows])
        record(self, rows)

    monkeypatch.setattr(ResumeStore, "record", counted)

    def show(g):   # a row is handed on only once it is in the gradebook
        assert any(g.submission.row - 1 in part for part in stored)
        shown.append(g.submission.row)

    with ResumeStore(tmp_path / "g.db", path.read_bytes()) as store:
        grade(subs, store=store, workers=2, cache=False, on_result=show)
    # one transaction per chunk of 16 answers or so, not one per answer
    assert len(stored) <= len(subs) // 8 and sorted(i for part in stored for i in part) == list(range(len(subs)))
    assert shown == [s.row for s in subs]
    with Gradebook(tmp_path / "g.db") as book:
        assert book.count() == len(subs)


def test_in_this_process_every_ready_row_goes_on_before_the_next_check(monkeypatch):
    from derive.homework import verdict
    from derive.homework.submissions import Submission

    subs = [Submission(i + 1, f"s{i}", "bce-dz", "p - y") for i in range(100)]
    subs.append(Submission(101, "last", "bce-dz", "y - p"))
    seen, at_check = [], []
    monkeypatch.setattr("derive.homework.grade.check",
                        lambda t, a, **kw: at_check.append(len(seen)) or verdict.check(t, a, **kw))
    grade(subs, on_result=seen.append)
    assert at_check == [0, 100] and len(seen) == 101


def test_resume_rechecks_no_finished_row(tmp_path, monkeypatch):
    path = class_file(tmp_path / "c.csv", 10)
    subs = list(read_submissions(path))
    with ResumeStore(tmp_path / "g.db", path.read_bytes()) as store:
        store.record([(i, s, r.result) for i, (s, r) in enumerate(zip(subs[:12], grade(subs[:12]).rows))])
    checked = []
    from derive.homework import verdict
    monkeypatch.setattr("derive.homework.grade.check",
                        lambda t, a, **kw: checked.append(a) or verdict.check(t, a, **kw))
    with ResumeStore(tmp_path / "g.db", path.read_bytes()) as store:
        batch = grade(subs, store=store, cache=False)
    assert batch.resumed == 12 and len(checked) == len(subs) - 12
    with Gradebook(tmp_path / "g.db") as book:
        assert book.count() == len(subs)


def test_resume_after_sigkill_at_random_points_writes_the_same_files(tmp_path, capsys):
    path = class_file(tmp_path / "c.csv", 40, seed=1)
    n_rows = 120
    seed = ("--points-seed", "12345")   # the points of a run are secret; the comparison needs one set
    assert run(capsys, "grade", str(path), "--out", str(tmp_path / "full"), *seed)[0] == 0
    rng = random.Random(7)
    for attempt, workers in enumerate(("1", "2")):
        db, out = tmp_path / f"g{attempt}.db", tmp_path / f"o{attempt}"
        stored_before = 0
        for _ in range(2):
            proc = start("grade", str(path), "--out", str(out), "--db", str(db), "--workers", workers, *seed,
                         cwd=tmp_path)
            wait_for_lines(proc, rng.randint(2, n_rows // 2))
            interrupt(proc, signal.SIGKILL)
            with sqlite3.connect(db) as conn:
                stored = conn.execute("SELECT count(*) FROM attempts").fetchone()[0]
            assert stored >= stored_before
            stored_before = stored
        # a rerun takes the seed of the rows stored; with none stored it is given again
        again = () if stored_before else seed
        code, out_text, _ = run(capsys, "grade", str(path), "--out", str(out), "--db", str(db), "--workers", workers,
                                *again)
        assert code == 0
        if stored_before:
            assert f"{stored_before} rows resumed from the gradebook" in out_text
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT row_index, count(*) FROM attempts GROUP BY row_index").fetchall()
        assert len(rows) == n_rows and all(n == 1 for _, n in rows)
        assert tree(out) == tree(tmp_path / "full")


def test_a_locked_gradebook_is_one_line(tmp_path, capsys):
    path = class_file(tmp_path / "c.csv", 2)
    db = tmp_path / "g.db"
    Gradebook(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        from derive.homework import resume
        original = resume.Gradebook
        resume.Gradebook = lambda p: original(p, timeout=0.2)
        try:
            code, _, err = run(capsys, "grade", str(path), "--db", str(db))
        finally:
            resume.Gradebook = original
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1 and "locked" in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_gradebook_with_a_newer_schema_is_one_line(tmp_path, capsys):
    path = class_file(tmp_path / "c.csv", 2)
    db = tmp_path / "g.db"
    Gradebook(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    code, _, err = run(capsys, "grade", str(path), "--db", str(db))
    assert code == 1 and "newer" in err and err.count("\n") == 1


def test_a_scheduler_that_does_not_answer_is_one_line(tmp_path, capsys):
    pytest.importorskip("distributed")
    path = class_file(tmp_path / "c.csv", 2)
    code, _, err = run(capsys, "grade", str(path), "--scheduler", "tcp://127.0.0.1:9")
    assert code == 1 and "does not answer" in err and err.count("\n") == 1


def test_grading_on_a_local_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    subs = list(read_submissions(class_file(tmp_path / "c.csv", 6)))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        batch = grade(subs, scheduler=cluster.scheduler_address)
    assert [g.as_dict() | {"seconds": 0} for g in batch.rows] == [g.as_dict() | {"seconds": 0} for g in grade(subs).rows]


# the points: just after the table's header (grading starts), and part-way through
@pytest.mark.parametrize("extra, lines", [((), 1), ((), 5), (("--workers", "2"), 1), (("--workers", "2"), 8),
                                          (("--isolate",), 4)])
def test_sigint_ends_grade_quickly_with_no_worker_left(tmp_path, extra, lines):
    # 6,000 rows: seconds of work, so the run cannot end by itself before the signal arrives
    path = class_file(tmp_path / "c.csv", 2000)
    proc = start("grade", str(path), "--no-cache", "--out", str(tmp_path / "gs"), *extra, cwd=tmp_path)
    assert len(wait_for_lines(proc, lines)) == lines
    seconds, left, err = interrupt(proc, signal.SIGINT)
    assert seconds < INTERRUPT_SECONDS and left == []
    assert "Traceback" not in err
    # it says so, and the output is marked partial
    assert proc.returncode == 130 and "interrupted after" in err
    assert "INCOMPLETE" in {p.name for p in (tmp_path / "gs").iterdir()}


def test_progress_is_silent_in_a_pipe(tmp_path):
    path = class_file(tmp_path / "c.csv", 3)
    proc = start("grade", str(path), "--workers", "2", cwd=tmp_path)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0 and err == "" and "rows/s" not in out and "\r" not in out


def test_progress_on_a_terminal_shows_rows_per_second_and_the_time_left(tmp_path):
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    from .interrupt import ROOT

    path = class_file(tmp_path / "c.csv", 150)   # long enough to pass the bar's 0.5 s delay
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "derive", "grade", str(path), "--no-cache"], stdin=slave,
                            stdout=slave, stderr=slave, env=env, cwd=tmp_path)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=300) == 0
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "row/s" in text and "/450 [" in text and "<" in text      # rate, total, time left
    assert "450 answers:" in text
