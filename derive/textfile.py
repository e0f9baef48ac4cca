"""Reading a user's text file with bounds: a cap on its size and on the length of a line.

``read_text(path, max_bytes=..., max_line=...)`` reads at most ``max_bytes + 1`` bytes, so a
file such as ``/dev/zero`` or a growing pipe is refused after a bounded read instead of filling
the memory.  The bytes are decoded as UTF-8 (a leading byte-order mark is dropped); a file in
another encoding is refused with the line and byte of the first bad byte, unless the caller
names the encoding.  Names typed in Latin-1 must not be silently replaced by U+FFFD: two
different names would then become the same one.
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

__all__ = ["read_text", "decode", "TooLarge", "MAX_BYTES", "MAX_LINE"]

MAX_BYTES = 64 * 1024 * 1024   # 64 MiB: a class of 100,000 answers of 600 characters
MAX_LINE = 1024 * 1024         # 1 MiB on one line


class TooLarge(ValueError):
    """A file or a line over its cap."""


def _read_capped(path: str | Path, max_bytes: int) -> bytes:
    """At most ``max_bytes`` bytes of ``path`` ("-" is standard input); TooLarge beyond."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        p = Path(path)
        if p.is_dir():
            raise OSError(f"{p}: is a directory, not a file")
        try:
            with p.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except FileNotFoundError:
            raise OSError(f"no such file: {p}") from None
    if len(data) > max_bytes:
        raise TooLarge(f"{path}: larger than the limit of {max_bytes:,} bytes; refusing to read it")
    return data


def _check_lines(data: bytes, name: str, max_line: int) -> None:
    start = 0
    line = 1
    while start <= len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > max_line:
            raise TooLarge(f"{name}: line {line} is longer than the limit of {max_line:,} bytes")
        start = end + 1
        line += 1


def decode(data: bytes, name: str, encoding: str | None = None, hint: str = "") -> str:
    """``data`` as text: strict UTF-8 by default (ValueError naming the line and byte)."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}") from None
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            return _refuse(data, name, exc, encoding, "")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _refuse(data, name, exc, "UTF-8", hint)


def _refuse(data: bytes, name: str, exc: UnicodeDecodeError, encoding: str, hint: str) -> str:
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    raise ValueError(f"{name}: line {line}, byte {column} (0x{data[exc.start]:02x}): not a {encoding} text file"
                     + (f" ({hint})" if hint else ""))


def read_text(path: str | Path, *, encoding: str | None = None, max_bytes: int = MAX_BYTES,
              max_line: int = MAX_LINE, hint: str = "") -> str:
    """The text of ``path`` within the caps; ValueError (TooLarge) or OSError otherwise.
    ``hint`` is added to the refusal of a file that is not UTF-8 (how to name its encoding)."""
    data = _read_capped(path, max_bytes)
    name = "standard input" if str(path) == "-" else str(path)
    _check_lines(data, name, max_line)
    return decode(data, name, encoding, hint)
