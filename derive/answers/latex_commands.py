"""LaTeX commands that take arguments or pair up: \\sqrt, \\sum, \\left…\\right, bars and escapes.

The ``Commands`` methods are part of the LaTeX lexer (latex.py), kept here so that each module
holds one idea; they emit the grammar's tokens as the lexer does.
"""

from __future__ import annotations

from .errors import ParseError
from .plain import bar_token
from .tokens import make_number, name_tokens, sum_token

__all__ = ["Commands", "ABS", "NORM", "SPACES"]

ABS = {"vert": None, "lvert": "open", "rvert": "close"}
NORM = {"Vert": None, "lVert": "open", "rVert": "close", "|": None}
SPACES = {",", ";", ":", "!", " ", ">"}


class Commands:
    """\\sqrt, \\sum, delimiters, bars, \\|…\\| and escapes for the LaTeX lexer."""

    def _sum(self, i: int, hi: int) -> int:
        """\\sum_j, \\sum_{j}, \\sum_{j=1}^{K}: a sum over an index of index notation."""
        r = self.raw[i]
        j = self._skip_ws(i + 1, hi)
        if not (j < hi and self.raw[j].is_char("_")):
            raise ParseError(r"\sum needs its index, as in \sum_j", kind="unsupported", position=r.pos)
        lo, end, j = self._arg(j + 1, hi, r"\sum's subscript")
        index, _, lower = self._plain(lo, end).partition("=")
        upper = None
        k = self._skip_ws(j, hi)
        if k < hi and self.raw[k].is_char("^"):
            a, b, j = self._arg(k + 1, hi, r"\sum's superscript")
            upper = self._plain(a, b)
        self.out.append(sum_token(index, r.pos, self.names, lower or None, upper))
        return j

    def _plain(self, lo: int, hi: int) -> str:
        """The characters of a short argument (a bound such as K-1), without spaces."""
        return "".join(self.raw[k].text for k in range(lo, hi) if self.raw[k].kind != "ws")

    def _sqrt(self, i: int, hi: int) -> int:
        r = self.raw[i]
        j = self._skip_ws(i + 1, hi)
        root = None
        if j < hi and self.raw[j].is_char("["):
            close = next((k for k in range(j + 1, hi) if self.raw[k].is_char("]")), None)
            if close is None:
                raise ParseError(r"the '[' of \sqrt[n] is never closed", kind="syntax", position=self.raw[j].pos)
            root, j = (j + 1, close), close + 1
        lo, end, nxt = self._arg(j, hi, r.text)
        if root is None:
            self.out.extend(name_tokens("sqrt", r.pos, self.names, called=True))
            self._group(lo, end, r.pos)
            return nxt
        # \sqrt[n]{x} is x^(1/n).
        self._emit("_LPAR", "(", r.pos)
        self._group(lo, end, r.pos)
        self._emit("POW", "^", r.pos)
        self._emit("_LPAR", "(", r.pos)
        self.out.append(make_number("1", r.pos))
        self._emit("SLASH", "/", r.pos)
        self._group(*root, r.pos)
        self._emit("_RPAR", ")", r.pos)
        self._emit("_RPAR", ")", r.pos)
        return nxt

    def _delimiter(self, i: int, hi: int, side: str | None, sizer: "_Raw") -> int:  # noqa: F821 - the lexer's raw token (latex.py)
        i = self._skip_ws(i, hi)
        if i >= hi:
            raise ParseError(f"{sizer.text} needs a delimiter", kind="syntax", position=sizer.pos)
        d = self.raw[i]
        if d.is_char(".") and side is not None:
            return i + 1
        if d.is_char("(") or d.is_char("[") or d.is_char(")") or d.is_char("]"):
            return self._char(i, hi)
        if d.kind == "esc" and d.text in ("\\{", "\\}"):
            return self._escape(i, hi)
        if d.is_char("|") or (d.kind == "cmd" and d.text[1:] in ABS):
            self._bar("|", side or (ABS.get(d.text[1:]) if d.kind == "cmd" else None), d.pos)
            return i + 1
        if (d.kind == "esc" and d.text == "\\|") or (d.kind == "cmd" and d.text[1:] in NORM):
            self._bar("‖", side or (NORM.get(d.text[1:]) if d.kind == "cmd" else None), d.pos)
            return i + 1
        raise ParseError(f"{sizer.text} needs a delimiter such as ( or |, got {d.text!r}", kind="syntax", position=d.pos)

    def _bar(self, kind: str, side: str | None, pos: int) -> None:
        name = "ABS" if kind == "|" else "NORM"
        if side == "open":
            self.brackets.open(kind, pos)
            self._emit(f"{name}_OPEN", kind, pos)
        elif side == "close":
            self.brackets.close(kind, pos)
            self._emit(f"{name}_CLOSE", kind, pos)
        else:
            self.out.append(bar_token(kind, pos, self.brackets, self.out[-1] if self.out else None))

    def _norm_subscript(self, i: int, hi: int) -> int:
        """Skip the 2 of ‖v‖_2 (the Euclidean norm, the only one the language has)."""
        if not (self.out and self.out[-1].type == "NORM_CLOSE" and i < hi and self.raw[i].is_char("_")):
            return i
        lo, end, nxt = self._arg(i + 1, hi, "the subscript '_'")
        if self._text(lo, end) != "2":
            raise ParseError("a norm may only be the 2-norm, ‖v‖_2", kind="unsupported", position=self.raw[i].pos)
        return nxt

    def _escape(self, i: int, hi: int) -> int:
        r = self.raw[i]
        ch = r.text[1:]
        if ch in SPACES:
            return i + 1
        if ch == "|":
            self._bar("‖", None, r.pos)
            return i + 1
        if ch in "{}":
            if ch == "{":
                self.brackets.open("{", r.pos)
                self._emit("_LPAR", ch, r.pos)
            else:
                self.brackets.close("}", r.pos)
                self._emit("_RPAR", ch, r.pos)
            return i + 1
        raise ParseError(f"the LaTeX control symbol {r.text} is not supported", kind="unsupported", position=r.pos)
