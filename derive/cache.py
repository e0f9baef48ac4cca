"""A content-addressed cache of verification results, shared by every process that verifies.

The key of a result is the SHA-256 of everything that decides it:

* the claim's structure (``srepr``, with dummy symbols numbered in order of appearance, so
  the text is the same in every process; Python's ``hash`` is randomised per process);
* the assumptions (kind, symbols and wording), the proof methods, the seed and the sizes;
* the verifier's version: the package version and a hash of the verifier's own source,
  plus the source of every module that defines an operator in the claim.  Editing the
  prover or an operator's ``doit`` therefore never reuses an old result.

Entries live in ``$XDG_CACHE_HOME/derive-toolkit`` (default ``~/.cache/derive-toolkit``), one
JSON file each, written to a temporary file and renamed into place, so concurrent runs never
see a half-written entry.  An entry that cannot be read is ignored with one warning and
recomputed.  ``DERIVE_NO_CACHE=1`` (or ``--no-cache``) switches the cache off.  Only proofs
and refutations are stored: an "undecided" may come from a time limit on a busy machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import sympy as sp

__all__ = ["enabled", "cache_dir", "structure", "digest", "result_key", "load", "store", "verifier_version"]

_DERIVE = Path(__file__).resolve().parent
#: The verifier's own source: a change to any of these makes every old entry unreachable.
_VERIFIER_SOURCES = ("verify", "evaluate", "vocabulary", "assumptions.py", "functions.py", "ops.py", "expectation.py",
                     "numbers.py", "timelimit.py", "cache.py")
_warned = False


def enabled() -> bool:
    """False when DERIVE_NO_CACHE is set to anything but '' or '0'."""
    return os.environ.get("DERIVE_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/derive-toolkit, or ~/.cache/derive-toolkit."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "derive-toolkit"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def verifier_version() -> str:
    """The package version and a digest of the verifier's source files."""
    from . import __version__

    h = hashlib.sha256(__version__.encode())
    for name in _VERIFIER_SOURCES:
        target = _DERIVE / name
        for path in sorted(target.glob("*.py")) if target.is_dir() else [target]:
            h.update(path.name.encode() + b"\0" + _file_digest(path).encode())
    return f"{__version__}-{h.hexdigest()[:16]}"


@lru_cache(maxsize=None)
def _module_digest(module: str) -> str:
    """A digest of the source file of ``module`` ('' for SymPy's own and built-in modules)."""
    if module.startswith("sympy") or module not in sys.modules:
        return ""
    path = getattr(sys.modules[module], "__file__", None)
    return _file_digest(Path(path)) if path and path.endswith(".py") else ""


def structure(expr: sp.Basic) -> str:
    """The expression tree as text: each node's class and its arguments in SymPy's canonical
    order (not the printers' term ordering, which is slow), each leaf as ``srepr`` writes
    it, and dummies numbered by first appearance.  The same in every process."""
    dummies: dict[sp.Dummy, int] = {}
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, sp.Dummy):
            out.append(f"Dummy({node.name!r},{dummies.setdefault(node, len(dummies))},{sorted(node.assumptions0.items())})")
        elif not isinstance(node, sp.Basic):
            out.append(repr(node))
        elif not node.args:
            out.append(sp.srepr(node))
        else:
            out.append(type(node).__name__ + "(")
            for arg in node.args:
                walk(arg)
                out.append(",")
            out.append(")")
    walk(expr)
    return "".join(out)


_DIGESTS: dict[sp.Basic, str] = {}


def digest(expr: sp.Basic) -> str:
    """A SHA-256 of the claim's structure and of the source of the operators it uses."""
    if expr in _DIGESTS:
        return _DIGESTS[expr]
    h = hashlib.sha256(structure(expr).encode())
    modules = sorted({type(node).__module__ for node in sp.preorder_traversal(expr)})
    for module in modules:
        h.update(b"\0" + module.encode() + b"=" + _module_digest(module).encode())
    if len(_DIGESTS) > 4096:
        _DIGESTS.clear()
    _DIGESTS[expr] = h.hexdigest()
    return _DIGESTS[expr]


def result_key(claim_digest: str, assumptions: Iterable, methods: Sequence[str], seed: int,
               choices: Sequence[Mapping]) -> str:
    """The cache key of one verification."""
    parts = {
        "claim": claim_digest,
        "assumptions": [[type(a).__name__, structure(sp.Tuple(*a.symbols)), a.describe()] for a in assumptions],
        "methods": list(methods), "seed": seed,
        "sizes": [sorted((str(k), int(v)) for k, v in c.items()) for c in choices],
        "verifier": verifier_version(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _path(key: str) -> Path:
    return cache_dir() / "proofs" / verifier_version() / key[:2] / f"{key}.json"


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        print(f"derive: warning: {message} (recomputing; further cache warnings are not shown)", file=sys.stderr)


def load(key: str):
    """The cached ``StepResult`` under ``key``, or None (missing, disabled or unreadable)."""
    from .verify.result import StepResult

    if not enabled():
        return None
    path = _path(key)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        _warn_once(f"cannot read proof cache entry {path}: {exc}")
        return None
    try:
        data = json.loads(text)
        if data.get("key") != key or data.get("verifier") != verifier_version():
            raise ValueError("entry does not match its key or the verifier's version")
        result = StepResult.from_dict(data["result"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        _warn_once(f"ignoring corrupt proof cache entry {path}: {exc}")
        return None
    result.cached = True
    return result


def store(key: str, result) -> None:
    """Write ``result`` under ``key`` atomically (temp file + rename); failures only warn."""
    if not enabled():
        return
    path = _path(key)
    data = {"key": key, "verifier": verifier_version(), "result": {**result.as_dict(), "notes": result.notes}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        _warn_once(f"cannot write the proof cache under {cache_dir()}: {exc}")
