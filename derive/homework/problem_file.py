"""Reading a problem file: TOML text → plain tables, and the line each field sits on.

A problem file is data.  ``tomllib`` reads it, so no code in it ever runs and no file is ever
included; the expressions in it are strings that only the answer grammar reads (see
``problem_build``).  This module knows the *format*:

* ``[[target]]`` tables, each with ``name`` and ``question``, and ``key`` (an expression) or
  ``key_from = "DERIVATION-NAME:CONSTANT"`` (a constant of the module that defines that
  derivation); optionally ``shape`` (the answer's: "scalar", "d" or "K,d"; the key must have
  it), ``key_one_class``, ``modulo``, ``notes``;
* ``[target.symbols]``: ``NAME = { shape = "d" | "K,d", meaning = "...", bind = "EXPR",
  hidden = true }`` (no shape: a scalar; ``bind``: a binding, NAME ≡ EXPR);
* ``[target.assume]``: ``NAME = "KIND"`` or ``NAME = ["KIND", ...]``, KIND one of
  ``ASSUMPTION_KINDS``;
* ``[[target.mistake]]``: ``name``, ``answer``, ``feedback``, ``credit`` (in [0, 1));
* ``[[target.test]]``: ``answer`` and ``expect`` ("correct", "incorrect", "invalid" or the
  name of a mistake);
* ``[target.variants]``: ``NAME = { low = L, high = H }``;
* ``[functions]`` (at the top level): ``NAME = { args = ["u"], definition = "EXPR" }``.

Every error is a ``ProblemError`` (a ValueError) that knows its file and line, and prints as
``FILE:LINE: message``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ProblemError", "ProblemFile", "read_problem_file", "parse_problem_text", "ASSUMPTION_KINDS",
           "TARGET_FIELDS", "EXPECTATIONS"]

#: The assumption names a problem file may use.
ASSUMPTION_KINDS = ("real", "positive", "nonzero", "binary", "probability", "onehot", "simplex", "spd")
#: The verdicts an embedded test may expect (or else the name of one of the target's mistakes).
EXPECTATIONS = ("correct", "incorrect", "invalid")

TARGET_FIELDS = {"name", "question", "key", "key_from", "key_one_class", "shape", "symbols", "assume", "mistake",
                 "test", "variants", "modulo", "notes", "aliases"}
_SYMBOL_FIELDS = {"shape", "meaning", "bind", "hidden"}
_MISTAKE_FIELDS = {"name", "answer", "feedback", "credit"}
_TEST_FIELDS = {"answer", "expect"}
_FUNCTION_FIELDS = {"args", "definition", "meaning"}
_TOP_LEVEL = {"target", "functions", "course"}
#: A problem file larger than this is refused before it is parsed.
MAX_BYTES = 1_000_000


class ProblemError(ValueError):
    """An error in a problem file, printed as ``FILE:LINE: message``."""

    def __init__(self, message: str, path: str | Path = "<problem>", line: int = 1) -> None:
        self.message, self.path, self.line = message, str(path), line
        super().__init__(f"{self.path}:{self.line}: {message}")


@dataclass
class ProblemFile:
    """One problem file, read: its targets and functions as plain tables, and where each sits."""

    path: str
    text: str
    targets: list[dict[str, Any]]
    functions: dict[str, dict[str, Any]]
    _starts: list[int] = field(default_factory=list)

    def line_of(self, index: int | None = None, *path: str | int) -> int:
        """The line of target ``index`` (None: the file's top level), or of a field inside it.

        ``path`` names the field: ``("key",)``, ``("symbols", "x")``, ``("mistake", 2, "answer")``.
        The search is textual (tomllib keeps no positions): the field's first line after the
        start of the table it lives in, falling back to that table's own line.
        """
        lines = self.text.splitlines()
        start = 0 if index is None else self._starts[index] if index < len(self._starts) else 0
        end = len(lines) if index is None or index + 1 >= len(self._starts) else self._starts[index + 1]
        pos, k = start, 0
        while k < len(path):
            part = path[k]
            if k + 1 < len(path) and isinstance(path[k + 1], int):
                found, k = _nth_array(lines, pos, end, str(part), int(path[k + 1])), k + 2
            else:
                found, k = _find_key(lines, pos, end, str(part)), k + 1
            if found is not None:
                pos = found
        return pos + 1

    def error(self, message: str, index: int | None = None, *path: str | int) -> ProblemError:
        return ProblemError(message, self.path, self.line_of(index, *path))


_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*target\s*\]\]\s*(#.*)?$")


def _nth_array(lines: list[str], start: int, end: int, key: str, n: int) -> int | None:
    """The line of the n-th (from 0) ``[[target.KEY]]`` header between start and end."""
    header = re.compile(rf"^\s*\[\[\s*target\.{re.escape(key)}\s*\]\]")
    seen = -1
    for i in range(start, end):
        if header.match(lines[i]):
            seen += 1
            if seen == n:
                return i
    return None


def _find_key(lines: list[str], start: int, end: int, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\[+\s*target\.)?{re.escape(key)}\s*(=|\]|\.)|[{{,]\s*{re.escape(key)}\s*=")
    for i in range(start, end):
        if pattern.search(lines[i]):
            return i
    return None


def read_problem_file(path: str | Path) -> ProblemFile:
    """Read and check the layout of one problem file; ``ProblemError`` on the first error."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ProblemError(f"the file has {size} bytes; a problem file may have at most {MAX_BYTES}", p, 1)
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemError(f"not UTF-8 text ({exc.reason})", p, 1) from None
    except OSError as exc:
        raise ProblemError(f"cannot read the file ({exc.strerror or exc})", p, 1) from None
    return parse_problem_text(text, str(p))


def parse_problem_text(text: str, path: str = "<problem>") -> ProblemFile:
    """Parse TOML ``text`` as a problem file named ``path`` (for messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ProblemError(f"TOML syntax error: {message}", path, int(match.group(1)) if match else 1) from None
    starts = [i for i, line in enumerate(text.splitlines()) if _ARRAY_HEADER.match(line)]
    pf = ProblemFile(path, text, [], {}, starts)
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        raise pf.error(f"unknown top-level key {unknown[0]!r}; a problem file holds [[target]] and [functions]",
                       None, unknown[0])
    targets = data.get("target", [])
    if not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
        raise pf.error("'target' must be an array of tables, written [[target]]", None, "target")
    functions = data.get("functions", {})
    if not isinstance(functions, dict):
        raise pf.error("[functions] must be a table: NAME = { args = [...], definition = \"...\" }", None, "functions")
    for name, spec in functions.items():
        _check_table(pf, spec, _FUNCTION_FIELDS, f"function {name!r}", None, "functions", name)
    for i, target in enumerate(targets):
        _check_target_layout(pf, i, target)
    pf.targets, pf.functions = targets, functions
    return pf


def _check_table(pf: ProblemFile, value: Any, allowed: set[str], what: str, index: int | None,
                 *path: str | int) -> None:
    if not isinstance(value, dict):
        raise pf.error(f"{what} must be a table ({{ ... }})", index, *path)
    extra = sorted(set(value) - allowed)
    if extra:
        raise pf.error(f"{what}: unknown field {extra[0]!r}; known: {', '.join(sorted(allowed))}", index, *path)


def _check_target_layout(pf: ProblemFile, i: int, t: dict[str, Any]) -> None:
    name = t.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]{0,63}", name):
        raise pf.error(f"a target needs a name of letters, digits, '-', '_' or '.', got {name!r}", i, "name")
    what = f"target {name!r}"
    _check_table(pf, t, TARGET_FIELDS, what, i)
    if not isinstance(t.get("question"), str) or not t["question"].strip():
        raise pf.error(f"{what} needs a question (a string)", i, "question")
    if ("key" in t) == ("key_from" in t):
        raise pf.error(f"{what} needs exactly one of key = \"EXPR\" and key_from = \"DERIVATION:CONSTANT\"", i, "name")
    for text_field in ("key", "key_from"):
        if text_field in t and not isinstance(t[text_field], str):
            raise pf.error(f"{what}: {text_field} must be a string", i, text_field)
    symbols = t.get("symbols", {})
    _check_table(pf, symbols, set(symbols) if isinstance(symbols, dict) else set(), f"{what}: [target.symbols]",
                 i, "symbols")
    for sym, spec in symbols.items():
        _check_table(pf, spec, _SYMBOL_FIELDS, f"{what}: symbol {sym!r}", i, "symbols", sym)
    assume = t.get("assume", {})
    if not isinstance(assume, dict):
        raise pf.error(f"{what}: [target.assume] must be a table NAME = \"KIND\"", i, "assume")
    for key, table_name, fields in (("mistake", "[[target.mistake]]", _MISTAKE_FIELDS),
                                    ("test", "[[target.test]]", _TEST_FIELDS)):
        rows = t.get(key, [])
        if not isinstance(rows, list):
            raise pf.error(f"{what}: {key} must be an array of tables, written {table_name}", i, key)
        for j, row in enumerate(rows):
            _check_table(pf, row, fields, f"{what}: {key} {j + 1}", i, key, j)
    variants = t.get("variants", {})
    if not isinstance(variants, dict):
        raise pf.error(f"{what}: [target.variants] must be a table NAME = {{ low = L, high = H }}", i, "variants")
    aliases = t.get("aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
        raise pf.error(f"{what}: aliases must be a table SPELLING = \"SYMBOL\" (e.g. x_j = \"x\")", i, "aliases")
    for field_name in ("modulo", "notes"):
        value = t.get(field_name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise pf.error(f"{what}: {field_name} must be a list of strings", i, field_name)
