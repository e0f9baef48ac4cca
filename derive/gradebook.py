"""The gradebook: every checked answer and every graded row, in one SQLite file.

``derive serve`` records each check here and reads the class page from it; ``derive grade --db``
records each graded row, keyed by ``(batch_id, row_index)`` so that an interrupted batch can
resume where it stopped.

* The file is in WAL mode, so the class page reads while a batch writes.
* Every write is a transaction (``BEGIN IMMEDIATE`` … ``COMMIT``); ``transaction()`` groups
  several writes into one.  A busy database is waited for up to ``timeout`` seconds.
* The schema has a version, stored in ``schema_version``.  A new file is created at the current
  version; an older one is upgraded only by an explicit ``migrate()`` (or ``migrate=True``); a
  newer one is refused, since this code cannot know what it holds.

The default file is ``$XDG_DATA_HOME/derive-toolkit/gradebook.sqlite3``
(``~/.local/share/derive-toolkit/gradebook.sqlite3`` when ``XDG_DATA_HOME`` is unset).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

__all__ = ["Gradebook", "Attempt", "TargetStats", "default_path", "content_id", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1

#: The statements that bring the schema from version ``i`` to ``i + 1`` are ``_MIGRATIONS[i]``.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE attempts (
            id          INTEGER PRIMARY KEY,
            student     TEXT NOT NULL DEFAULT '',
            target      TEXT NOT NULL,
            answer      TEXT NOT NULL,
            verdict     TEXT NOT NULL,
            score       REAL NOT NULL,
            feedback    TEXT NOT NULL,
            mistake     TEXT,
            result_json TEXT NOT NULL,
            source      TEXT NOT NULL,
            batch_id    TEXT,
            row_index   INTEGER,
            created_at  TEXT NOT NULL
        )""",
        "CREATE INDEX attempts_target ON attempts (target, verdict)",
        "CREATE INDEX attempts_mistake ON attempts (target, mistake) WHERE mistake IS NOT NULL",
        # NULLs are distinct in a UNIQUE index: only rows of a batch are keyed.
        "CREATE UNIQUE INDEX attempts_batch_row ON attempts (batch_id, row_index)",
    ),
)

_COLUMNS = ("id", "student", "target", "answer", "verdict", "score", "feedback", "mistake",
            "result_json", "source", "batch_id", "row_index", "created_at")


def default_path() -> Path:
    """``$XDG_DATA_HOME/derive-toolkit/gradebook.sqlite3``, with XDG's default ``~/.local/share``."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "derive-toolkit" / "gradebook.sqlite3"


def content_id(data: bytes) -> str:
    """A batch id for an input file: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True)
class Attempt:
    """One stored row; ``result`` is the object ``derive check --json`` prints."""

    id: int
    student: str
    target: str
    answer: str
    verdict: str
    score: float
    feedback: str
    mistake: str | None
    result: dict[str, Any]
    source: str
    batch_id: str | None
    row_index: int | None
    created_at: str


@dataclass(frozen=True)
class TargetStats:
    """Attempts at one target: how many, how many of each verdict, the share correct."""

    target: str
    attempts: int
    verdicts: dict[str, int]

    @property
    def correct(self) -> int:
        return self.verdicts.get("correct", 0)

    @property
    def share_correct(self) -> float:
        """correct / attempts (0 when there are none)."""
        return self.correct / self.attempts if self.attempts else 0.0


def _fields(result: Any) -> tuple[dict[str, Any], str | None]:
    """The ``as_dict`` form of a CheckResult (or such a dict itself) and its mistake name."""
    if hasattr(result, "as_dict"):
        return result.as_dict(), getattr(result, "mistake", None)
    if isinstance(result, Mapping):
        return dict(result), result.get("mistake")
    raise TypeError(f"a gradebook records a CheckResult or its as_dict(), got {type(result).__name__}")


_INSERT = (f"INSERT OR REPLACE INTO attempts ({', '.join(_COLUMNS[1:])}) "
           f"VALUES ({', '.join('?' * (len(_COLUMNS) - 1))})")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _values(result: Any, student: str, source: str, batch_id: str | None, row_index: int | None,
            created: str) -> tuple:
    """The columns after ``id`` of one stored verdict."""
    data, mistake = _fields(result)
    missing = [k for k in ("target", "answer", "verdict", "score", "feedback") if k not in data]
    if missing:
        raise ValueError(f"a result to record lacks {', '.join(missing)}")
    return (str(student), str(data["target"]), str(data["answer"]), str(data["verdict"]),
            float(data["score"]), str(data["feedback"]), mistake,
            json.dumps(data, ensure_ascii=False), source, batch_id, row_index, created)


class Gradebook:
    """A gradebook file, opened for reading and writing; use as a context manager or ``close()``."""

    def __init__(self, path: str | Path | None = None, *, timeout: float = 5.0, migrate: bool = False):
        self.path = Path(path) if path is not None else default_path()
        if timeout < 0:
            raise ValueError(f"timeout must be >= 0 seconds, got {timeout}")
        self.timeout = timeout
        self._lock = threading.RLock()   # one connection, shared by a server's threads
        self._depth = 0
        self._conn = self._connect()
        try:
            self._check_version(migrate)
        except BaseException:
            self._conn.close()
            raise

    # --- opening -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.path.exists() and not self.path.is_file():
            raise ValueError(f"gradebook {self.path} is not a file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                   check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise OSError(f"cannot open gradebook {self.path}: {exc}") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a commit is not an fsync
        except sqlite3.Error as exc:
            conn.close()
            raise self._error(exc) from None
        return conn

    def _error(self, exc: sqlite3.Error) -> Exception:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return OSError(f"gradebook {self.path} is locked by another process "
                           f"(waited {self.timeout:g} s)")
        if isinstance(exc, sqlite3.DatabaseError) and "not a database" in text:
            return ValueError(f"{self.path} is not a SQLite gradebook")
        return OSError(f"gradebook {self.path}: {text}")

    def _check_version(self, migrate: bool) -> None:
        version = self.version()
        if version > SCHEMA_VERSION:
            raise ValueError(f"gradebook {self.path} has schema version {version}, newer than this "
                             f"derive-toolkit understands ({SCHEMA_VERSION}); upgrade derive-toolkit")
        if version == 0 and not self._has_tables():
            self.migrate()            # a new, empty file: creating it is not migrating it
        elif version < SCHEMA_VERSION:
            if not migrate:
                raise ValueError(f"gradebook {self.path} has schema version {version}, older than "
                                 f"{SCHEMA_VERSION}; migrate it explicitly (derive serve --migrate, or "
                                 "Gradebook(path, migrate=True))")
            self.migrate()

    def _has_tables(self) -> bool:
        return self._query("SELECT count(*) FROM sqlite_master WHERE type = 'table'")[0][0] > 0

    def version(self) -> int:
        """The schema version stored in the file (0 when it has none yet)."""
        rows = self._query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
        if not rows:
            return 0
        row = self._query("SELECT max(version) FROM schema_version")[0]
        return int(row[0] or 0)

    def migrate(self) -> list[int]:
        """Bring the schema up to ``SCHEMA_VERSION``, one transaction per step; the versions reached."""
        done = []
        while True:
            # The version is read inside the transaction: two processes opening one new file
            # must not both apply the same step.
            with self.transaction():
                self._conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                version = self.version()
                if version >= SCHEMA_VERSION:
                    break
                for statement in _MIGRATIONS[version]:
                    self._conn.execute(statement)
                self._conn.execute("DELETE FROM schema_version")
                self._conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version + 1,))
            done.append(version + 1)
        return done

    # --- transactions --------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction around the block; nested blocks join the outer one."""
        with self._lock:
            outer = self._depth == 0
            try:
                if outer:
                    self._conn.execute("BEGIN IMMEDIATE")
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                if outer:
                    self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback(outer)
                raise self._error(exc) from None
            except BaseException:
                self._rollback(outer)
                raise

    def _rollback(self, outer: bool) -> None:
        if outer and self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    # --- writing -------------------------------------------------------------------------------

    def record(self, result: Any, *, student: str = "", source: str = "check",
               batch_id: str | None = None, row_index: int | None = None) -> int:
        """Store one verdict (a CheckResult or its ``as_dict()``); returns the row id.

        A row of a batch (``batch_id`` and ``row_index`` given) replaces an earlier verdict on
        the same row, so grading a batch again does not count it twice.
        """
        if (batch_id is None) != (row_index is None):
            raise ValueError("give both batch_id and row_index, or neither")
        values = _values(result, student, source, batch_id, row_index, _now())
        with self.transaction():
            return int(self._conn.execute(_INSERT, values).lastrowid)

    def record_batch(self, batch_id: str, rows: Iterable[tuple[int, str, Any]], *, source: str = "grade") -> None:
        """Store the rows ``(row_index, student, result)`` of one batch in one transaction, each
        replacing an earlier verdict on the same row (see ``record``)."""
        created = _now()
        values = [_values(result, student, source, batch_id, i, created) for i, student, result in rows]
        with self.transaction():
            self._conn.executemany(_INSERT, values)

    # --- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        """The number of stored attempts."""
        return int(self._query("SELECT count(*) FROM attempts")[0][0])

    def batch_rows(self, batch_id: str) -> dict[int, dict[str, Any]]:
        """The stored results of one batch, by row index (for resuming it)."""
        rows = self._query("SELECT row_index, student, result_json FROM attempts WHERE batch_id = ? "
                           "ORDER BY row_index", (batch_id,))
        return {int(i): {"student": s, **json.loads(r)} for i, s, r in rows}

    def batch_seed(self, batch_id: str) -> int | None:
        """The points seed stored with the rows of one batch (the first row that has one), or None."""
        rows = self._query("SELECT json_extract(result_json, '$.points_seed') FROM attempts "
                           "WHERE batch_id = ? AND json_valid(result_json) "
                           "AND json_extract(result_json, '$.points_seed') IS NOT NULL "
                           "ORDER BY row_index LIMIT 1", (batch_id,))
        return int(rows[0][0]) if rows else None

    def target_stats(self) -> list[TargetStats]:
        """Per target (by name): attempts, the count of each verdict, the share correct."""
        rows = self._query("SELECT target, verdict, count(*) FROM attempts GROUP BY target, verdict "
                           "ORDER BY target")
        by_target: dict[str, dict[str, int]] = {}
        for target, verdict, n in rows:
            by_target.setdefault(target, {})[verdict] = int(n)
        return [TargetStats(t, sum(v.values()), v) for t, v in by_target.items()]

    def top_mistakes(self, target: str | None = None, limit: int = 3) -> list[tuple[str, str, int]]:
        """The most common named mistakes as ``(target, mistake, count)``; per target when one is given."""
        where, params = ("AND target = ?", (target,)) if target is not None else ("", ())
        return [(t, m, int(n)) for t, m, n in self._query(
            f"SELECT target, mistake, count(*) AS n FROM attempts WHERE mistake IS NOT NULL {where} "
            "GROUP BY target, mistake ORDER BY n DESC, target, mistake LIMIT ?", (*params, int(limit)))]

    def recent(self, limit: int = 20) -> list[Attempt]:
        """The latest attempts, newest first."""
        rows = self._query(f"SELECT {', '.join(_COLUMNS)} FROM attempts ORDER BY id DESC LIMIT ?", (int(limit),))
        return [Attempt(*row[:8], json.loads(row[8]), *row[9:]) for row in rows]

    # --- closing -------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Gradebook({str(self.path)!r})"
