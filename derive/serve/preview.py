"""The preview of an answer: how it was read, as text, LaTeX and MathML, or why it cannot be read.

``preview(target, text)`` is the one preview function of every surface (web page, API,
notebook).  The MathML is generated from the LaTeX that the answer language prints for the
parsed expression, never copied from the text typed: a student's ``<img ...>`` cannot reach
the page through it.
"""

from __future__ import annotations

from typing import Any

from ..answers import MAX_CHARS
from ..display import to_mathml
from ..homework.reading import ParseError, read
from ..homework.targets import Target, get_target

__all__ = ["preview", "to_mathml", "target_of", "PREVIEW_FIELDS"]

PREVIEW_FIELDS = ("ok", "interpreted_as", "latex", "mathml", "error")


def target_of(name: str) -> Target:
    """The target of ``name`` or of ``name@SEED``; UnknownTarget/ValueError for anything else."""
    base, sep, seed = name.partition("@")
    if sep:
        from ..homework.problems import split_name
        split_name(name)  # a ValueError naming a malformed seed
    return get_target(base)


def _numbers(text: str) -> tuple[str, str] | None:
    """A variant's numeric answer ("0.25", "[1, 2]") as (plain, LaTeX), or None if it is not one."""
    from ..homework.points import format_value
    from ..homework.problems import parse_numbers
    try:
        value = parse_numbers(text.strip())
    except ValueError:
        return None
    plain = format_value(value)
    return plain, plain.replace("[", r"\left[").replace("]", r"\right]")


def preview(target_name: str, text: str) -> dict[str, Any]:
    """``{ok, interpreted_as, latex, mathml, error}`` for ``text`` read as an answer to the target.

    ``error`` is the parser's message with the answer and a caret under the place it stopped.
    An unknown target raises (UnknownTarget, a ValueError): that is the caller's mistake, not
    the answer's.
    """
    target = target_of(target_name)
    out: dict[str, Any] = dict.fromkeys(PREVIEW_FIELDS)
    out["ok"] = False
    if not text.strip():
        out["error"] = "Type an answer."
        return out
    if len(text) > MAX_CHARS:
        out["error"] = f"The answer is {len(text)} characters long; the limit is {MAX_CHARS}."
        return out
    try:
        parsed = read(text, target)
        plain, latex = parsed.plain, parsed.latex
    except ParseError as exc:
        numbers = _numbers(text) if "@" in target_name else None
        if numbers is None:
            exc.with_text(text)
            where = f"\n{exc.pointer()}" if exc.position is not None else ""
            out["error"] = f"{exc}{where}"
            return out
        plain, latex = numbers
    out.update(ok=True, interpreted_as=plain, latex=latex, mathml=to_mathml(latex))
    return out
