"""Student text made safe to show: escaped for a terminal, neutralised for a spreadsheet.

A student chooses their name and their answer, so both may hold terminal control sequences
(ESC [2J clears the screen, a carriage return rewrites a row) or a spreadsheet formula
(``=HYPERLINK(...)``, ``+1+1``, ``@SUM(...)``).  ``printable`` escapes every control and
format character as ``\\xNN``/``\\uNNNN``; ``csv_cell`` prefixes a cell that a spreadsheet
would read as a formula with ``'``.
"""

from __future__ import annotations

import unicodedata

__all__ = ["printable", "csv_cell", "json_text", "FORMULA_STARTS"]

#: A cell starting with one of these is a formula (or becomes one) in common spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


_UNSAFE = ("Cc", "Cf", "Cs", "Zl", "Zp")


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control (Cc), format (Cf, e.g. bidi overrides), surrogate and unassigned
    line/paragraph separators escaped; newlines kept only with ``keep_newlines``."""
    # str.isprintable is False for every character of those categories (and for a few more
    # that need no escape, which the loop below then keeps): a cheap test for the usual text
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif unicodedata.category(ch) in _UNSAFE:
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out)


def json_text(obj: object, **kw) -> str:
    """``json.dumps(obj, ensure_ascii=False)`` with every character ``printable`` would escape
    written as a JSON ``\\uNNNN`` escape: the same data, safe on a terminal."""
    import json

    text = json.dumps(obj, ensure_ascii=False, **kw)
    # below U+0020, json.dumps already escapes inside strings; outside them are only the
    # newlines of ``indent``
    return "".join(f"\\u{ord(ch):04x}" if 0x20 <= ord(ch) < 0x10000 and unicodedata.category(ch) in _UNSAFE
                   else ch for ch in text)


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: strings starting with = + - @ tab or CR get a
    leading ``'``; numbers are left alone (a negative number is data, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
