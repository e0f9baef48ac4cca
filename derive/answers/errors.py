"""The one error a bad answer raises: ``ParseError``, a ValueError that says what and where.

``kind`` sorts the failure for the checker and the tests:

* ``syntax``          the text is not a well-formed expression (``position`` marks the spot);
* ``unknown-symbol``  a name the target does not declare (``known`` lists those it does);
* ``unknown-function``a call of a function the answer language does not offer (``known`` lists those it does);
* ``too-long``        more than ``MAX_CHARS`` characters;
* ``too-big``         a number, exponent or nesting depth beyond the language's bounds;
* ``unsupported``     well-formed but outside the language (a LaTeX command such as ``\\input``,
                      a function applied to a value of the wrong shape, division by zero);
* ``shape``           operands whose shapes do not fit, e.g. adding a d-vector to a K-vector
                      (``shapes`` names both).
"""

from __future__ import annotations

from typing import Sequence

__all__ = ["ParseError", "KINDS"]

#: Every value ``ParseError.kind`` can take.
KINDS = frozenset({"syntax", "unknown-symbol", "unknown-function", "too-long", "too-big", "unsupported", "shape"})


class ParseError(ValueError):
    """An answer that cannot be read: one line saying why, and where when that is known.

    ``position`` is a 0-based column in the text as typed; ``pointer()`` draws it as a caret
    under the text.  ``str(err)`` is always a single line.
    """

    def __init__(self, message: str, *, kind: str, position: int | None = None,
                 known: Sequence[str] = (), text: str | None = None,
                 shapes: tuple[object, object] | None = None):
        if kind not in KINDS:
            raise ValueError(f"unknown ParseError kind {kind!r}; expected one of {sorted(KINDS)}")
        self.message = " ".join(message.split())  # one line, whatever the parts contained
        self.kind = kind
        self.position = position
        self.known = list(known)
        self.text = text
        self.shapes = shapes
        super().__init__(self._line())

    def _line(self) -> str:
        where = f" at column {self.position + 1}" if self.position is not None else ""
        line = f"{self.message}{where}"
        if self.known:
            line += f"; known: {', '.join(self.known)}"
        return line

    def with_text(self, text: str) -> "ParseError":
        """The same error, remembering the text it refers to (for ``pointer``)."""
        self.text = text
        return self

    def pointer(self) -> str:
        """Two lines: the answer, and a caret under ``position`` (just the answer if unknown)."""
        text = (self.text or "").replace("\n", " ").replace("\t", " ")
        if self.position is None:
            return text
        return f"{text}\n{' ' * min(self.position, len(text))}^"

    def __reduce__(self) -> tuple:
        # Keyword-only __init__: rebuild from the attributes so the error survives pickling
        # (the checker runs answers in worker processes).
        return (_rebuild, (self.message, self.kind, self.position, tuple(self.known), self.text, self.shapes))


def _rebuild(message: str, kind: str, position: int | None, known: tuple[str, ...], text: str | None,
             shapes: tuple | None) -> ParseError:
    return ParseError(message, kind=kind, position=position, known=known, text=text, shapes=shapes)
