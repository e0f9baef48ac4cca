r"""The LaTeX lexer: ``\frac{1}{1+e^{-z}}``, ``\boldsymbol{\theta}^\top \mathbf{x}``, ``\|v\|``.

It produces the same tokens as the plain lexer, so both notations share one grammar and one
builder.  LaTeX's own rules apply where they differ from plain text:

* a macro argument is one character or one ``{group}``: ``\frac12`` is 1/2 and ``x^23`` is x²·3
  (``x^-1`` is read as ``x^{-1}``, the one exception);
* ``\cdot``, ``\times`` and juxtaposition of matrices are matrix products, ``\odot`` and
  ``\circ`` elementwise ones;
* ``\mathbf{x}``, ``\boldsymbol{\theta}``, ``\bm{x}``, ``\vec{x}``, ``\mathrm{…}``,
  ``\operatorname{…}`` and ``\text{…}`` only change how a name looks;
* ``{a \over b}`` divides what precedes ``\over`` in its group by what follows; ``||θ||`` is the
  norm as in plain text; ``\hat{y}`` is the name yhat; ``\sum_j`` (see calls.py) sums over an index;
* numbers have no exponent part (write ``10^{-12}``);
* any command not listed here, ``\input`` and ``\def`` included, is refused as unsupported:
  nothing is ever expanded or executed.
"""

from __future__ import annotations

import re

from .errors import ParseError
from .latex_commands import ABS, NORM, SPACES, Commands
from .names import FUNCTIONS, GREEK_NAMES, Names
from .plain import LETTER, SUBSCRIPT_CHARS, superscript_tokens, unicode_token
from .tokens import (MAX_NESTING, PRIMES, Brackets, Tok, closes_abs, make_number, name_tokens, prime_token,
                     sum_token)

__all__ = ["lex_latex", "strip_math_delimiters"]

_RAW = re.compile(
    rf"(?P<ws>\s+|~)|(?P<cmd>\\[A-Za-z]+)|(?P<esc>\\.)|(?P<digit>[0-9])"
    rf"|(?P<letter>[{LETTER}])|(?P<sub>[{SUBSCRIPT_CHARS}])|(?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(?P<char>.)",
    re.S,
)

_FRACS = {"frac", "dfrac", "tfrac", "cfrac"}
_HATS = {"hat", "widehat"}
_WRAPPERS = {"mathbf", "boldsymbol", "bm", "vec", "mathrm", "mathit", "mathsf", "mathnormal", "operatorname",
             "text", "textrm", "textit", "textbf", "mathbfit", "pmb", "boldsymbol", "symbf", "mathup"}
_SPACING = {"quad", "qquad", "displaystyle", "textstyle", "nonumber", "enspace", "thinspace", "medspace", "thickspace"}
_SIZES = {"big", "Big", "bigg", "Bigg"}
_OPEN_SIZES = {"left", "bigl", "Bigl", "biggl", "Biggl"}
_CLOSE_SIZES = {"right", "bigr", "Bigr", "biggr", "Biggr"}
_OPERATORS = {"cdot": "STAR", "times": "STAR", "ast": "STAR", "odot": "HADAMARD", "circ": "HADAMARD", "div": "SLASH"}
_TRANSPOSE = {"top", "intercal", "T"}

_DELIMITERS = [("$$", "$$"), ("$", "$"), (r"\(", r"\)"), (r"\[", r"\]")]


def strip_math_delimiters(text: str) -> tuple[str, int]:
    """``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]`` removed; also the offset of what is left."""
    stripped = text.strip()
    offset = len(text) - len(text.lstrip())
    for left, right in _DELIMITERS:
        if len(stripped) >= len(left) + len(right) and stripped.startswith(left) and stripped.endswith(right):
            return stripped[len(left):len(stripped) - len(right)], offset + len(left)
    return text, 0


class _Raw:
    __slots__ = ("kind", "text", "pos")

    def __init__(self, kind: str, text: str, pos: int):
        self.kind, self.text, self.pos = kind, text, pos

    def is_char(self, ch: str) -> bool:
        return self.kind == "char" and self.text == ch

    def is_cmd(self, *names: str) -> bool:
        return self.kind == "cmd" and self.text[1:] in names


class _Lexer(Commands):
    """Walks the raw LaTeX tokens and emits grammar tokens, expanding arguments in place."""

    def __init__(self, text: str, offset: int, names: Names):
        self.raw = [_Raw(m.lastgroup, m.group(), m.start() + offset) for m in _RAW.finditer(text)]
        self.names = names
        self.has_over = any(r.kind == "cmd" and r.text == "\\over" for r in self.raw)
        self.out: list[Tok] = []
        self.brackets = Brackets()
        self._check_braces()

    # --- structure ---------------------------------------------------------------------------

    def _check_braces(self) -> None:
        # Bounds the recursion below: every argument lives inside braces counted here.
        depth, opened = 0, []
        for r in self.raw:
            if r.is_char("{"):
                opened.append(r.pos)
                depth += 1
                if depth > MAX_NESTING:
                    raise ParseError(f"braces nested more than {MAX_NESTING} deep", kind="too-big", position=r.pos)
            elif r.is_char("}"):
                if not opened:
                    raise ParseError("'}' closes nothing", kind="syntax", position=r.pos)
                opened.pop()
                depth -= 1
        if opened:
            raise ParseError("the '{' here is never closed", kind="syntax", position=opened[-1])

    def _skip_ws(self, i: int, hi: int) -> int:
        while i < hi and self.raw[i].kind == "ws":
            i += 1
        return i

    def _arg(self, i: int, hi: int, what: str) -> tuple[int, int, int]:
        """The argument starting at raw index i: (first, end, next) raw indices of its content."""
        i = self._skip_ws(i, hi)
        if i >= hi or self.raw[i].is_char("}"):
            pos = self.raw[i].pos if i < len(self.raw) else self._end_pos()
            raise ParseError(f"{what} is missing its argument", kind="syntax", position=pos)
        if self.raw[i].is_char("{"):
            depth = 0
            for k in range(i, hi):
                if self.raw[k].is_char("{"):
                    depth += 1
                elif self.raw[k].is_char("}"):
                    depth -= 1
                    if depth == 0:
                        return i + 1, k, k + 1
        return i, i + 1, i + 1

    def _end_pos(self) -> int:
        return self.raw[-1].pos + len(self.raw[-1].text) if self.raw else 0

    def _emit(self, type_: str, text: str, pos: int, obj: object = None) -> None:
        self.out.append(Tok.make(type_, text, pos, obj))

    def _group(self, lo: int, hi: int, pos: int) -> None:
        """Emit an argument as a parenthesised group."""
        self._emit("_LPAR", "{", pos)
        level = len(self.brackets.stack)
        self.convert(lo, hi)
        if len(self.brackets.stack) != level:
            kind, at = self.brackets.stack[-1]
            raise ParseError(f"the {kind!r} here is not closed inside its group", kind="syntax", position=at)
        self._emit("_RPAR", "}", pos)

    # --- the walk ------------------------------------------------------------------------------

    def convert(self, lo: int, hi: int) -> None:
        over = self._over(lo, hi) if self.has_over else None
        if over is not None:
            # TeX's  a \over b  divides everything before it in its group by everything after.
            pos = self.raw[over].pos
            self._emit("_LPAR", "(", pos)
            self._group(lo, over, pos)
            self._emit("SLASH", r"\over", pos)
            self._group(over + 1, hi, pos)
            self._emit("_RPAR", ")", pos)
            return
        i = lo
        while i < hi:
            i = self._norm_subscript(self._step(i, hi), hi)

    def _over(self, lo: int, hi: int) -> int | None:
        r"""The raw index of an \over outside every brace group in [lo, hi), or None."""
        depth, found = 0, None
        for k in range(lo, hi):
            r = self.raw[k]
            if r.is_char("{"):
                depth += 1
            elif r.is_char("}"):
                depth -= 1
            elif depth == 0 and r.is_cmd("over"):
                if found is not None:
                    raise ParseError(r"two \over in one group: add braces", kind="syntax", position=r.pos)
                found = k
        return found

    def _step(self, i: int, hi: int) -> int:
        r = self.raw[i]
        if r.kind == "ws":
            return i + 1
        if r.kind == "letter":
            return self._letters(i, hi)
        if r.kind == "digit" or (r.is_char(".") and i + 1 < hi and self.raw[i + 1].kind == "digit"):
            return self._number(i, hi)
        if r.kind == "cmd":
            return self._command(i, hi)
        if r.kind == "esc":
            return self._escape(i, hi)
        if r.kind == "sup":
            self.out.extend(superscript_tokens(r.text, r.pos))
            return i + 1
        if r.kind == "sub":
            raise ParseError("a subscript must follow a name", kind="syntax", position=r.pos)
        return self._char(i, hi)

    def _number(self, i: int, hi: int) -> int:
        j, seen_dot = i, False
        while j < hi and (self.raw[j].kind == "digit" or (self.raw[j].is_char(".") and not seen_dot
                                                            and j + 1 < hi and self.raw[j + 1].kind == "digit")):
            seen_dot = seen_dot or self.raw[j].text == "."
            j += 1
        self.out.append(make_number("".join(r.text for r in self.raw[i:j]), self.raw[i].pos))
        return j

    def _letters(self, i: int, hi: int) -> int:
        j = i
        while j < hi and self.raw[j].kind == "letter" and self.raw[j].pos == self.raw[i].pos + (j - i):
            j += 1
        run = "".join(r.text for r in self.raw[i:j])
        # W2 or theta0 typed inside LaTeX: keep the digits only if that spells a declared name.
        k = j
        while k < hi and self.raw[k].kind == "digit" and self.raw[k].pos == self.raw[i].pos + (k - i):
            k += 1
        if k > j and self.names.lookup(run + "".join(r.text for r in self.raw[j:k])) is not None:
            run += "".join(r.text for r in self.raw[j:k])
            j = k
        return self._name(run, self.raw[i].pos, j, hi)

    def _name(self, base: str, pos: int, i: int, hi: int) -> int:
        """Emit a name with any subscript that follows at raw index i; returns the next index."""
        while i < hi and self.raw[i].kind == "sub":
            base += self.raw[i].text
            i += 1
        if i < hi and self.raw[i].is_char("_"):
            lo, end, i = self._arg(i + 1, hi, "the subscript '_'")
            sub = self._text(lo, end)
            if not sub:
                raise ParseError("a subscript may hold only letters, digits and commas", kind="unsupported",
                                 position=self.raw[lo].pos if lo < len(self.raw) else pos)
            base = f"{base}_{sub}"
        self.out.extend(name_tokens(base, pos, self.names, called=self._called(i, hi)))
        return i

    def _called(self, i: int, hi: int) -> bool:
        i = self._skip_ws(i, hi)
        if i < hi and self.raw[i].is_cmd("left"):
            i = self._skip_ws(i + 1, hi)
        return i < hi and self.raw[i].is_char("(")

    def _text(self, lo: int, hi: int) -> str | None:
        """The plain text of a name written in LaTeX (``\\theta``, ``x``, ``\\mathbf{W}_2``), or None."""
        parts, i = [], lo
        while i < hi:
            r = self.raw[i]
            if r.kind in ("letter", "digit", "sub") or r.is_char(","):
                parts.append(r.text)
            elif r.kind == "cmd" and r.text[1:] in GREEK_NAMES:
                parts.append(r.text[1:])
            elif r.kind == "cmd" and r.text[1:] in _WRAPPERS:
                a, b, nxt = self._arg(i + 1, hi, r.text)
                inner = self._text(a, b)
                if inner is None:
                    return None
                parts.append(inner)
                i = nxt
                continue
            elif r.is_char("_"):
                a, b, nxt = self._arg(i + 1, hi, "the subscript '_'")
                inner = self._text(a, b)
                if not inner:
                    return None
                parts.append("_" + inner)
                i = nxt
                continue
            elif r.kind != "ws" and not (r.kind == "esc" and r.text[1:] in SPACES):
                return None
            i += 1
        return "".join(parts)

    def _command(self, i: int, hi: int) -> int:
        r = self.raw[i]
        name = r.text[1:]
        if name in GREEK_NAMES:
            return self._name(name, r.pos, i + 1, hi)
        if name == "sum":
            return self._sum(i, hi)
        if name in FUNCTIONS and name != "sqrt":
            self.out.extend(name_tokens(name, r.pos, self.names, called=self._called(i + 1, hi)))
            return i + 1
        if name in _WRAPPERS:
            lo, end, nxt = self._arg(i + 1, hi, r.text)
            text = self._text(lo, end)
            if not text or text[0].isdigit():
                raise ParseError(f"{r.text}{{…}} must hold a name here (a scalar broadcasts, so write 1 "
                                 f"rather than a vector of ones)", kind="unsupported", position=r.pos)
            return self._name(text, r.pos, nxt, hi)
        if name in _HATS:
            # \hat{y} is the name yhat (a target that binds p lets it mean p); \hat{y}_i keeps its index.
            lo, end, nxt = self._arg(i + 1, hi, r.text)
            text = self._text(lo, end)
            if not text or not text[0].isalpha():
                raise ParseError(f"{r.text}{{…}} must hold a name", kind="unsupported", position=r.pos)
            base, sep, sub = text.partition("_")
            return self._name(f"{base}hat{sep}{sub}", r.pos, nxt, hi)
        if name in _FRACS:
            self._emit("FRAC", r.text, r.pos)
            i += 1
            for _numerator_then_denominator in range(2):
                lo, end, i = self._arg(i, hi, r.text)
                self._group(lo, end, self.raw[lo].pos if lo < end else r.pos)
            return i
        if name == "sqrt":
            return self._sqrt(i, hi)
        if name in _OPERATORS:
            self._emit(_OPERATORS[name], r.text, r.pos)
            return i + 1
        if name in _SPACING:
            return i + 1
        if name in _OPEN_SIZES or name in _CLOSE_SIZES or name in _SIZES:
            side = "open" if name in _OPEN_SIZES else "close" if name in _CLOSE_SIZES else None
            return self._delimiter(i + 1, hi, side, r)
        if name in ABS or name in NORM:
            kind = "|" if name in ABS else "‖"
            self._bar(kind, (ABS if kind == "|" else NORM)[name], r.pos)
            return i + 1
        if name in _TRANSPOSE:
            raise ParseError(f"{r.text} must follow ^, as in x^{r.text}", kind="syntax", position=r.pos)
        raise ParseError(f"the LaTeX command {r.text} is not supported", kind="unsupported", position=r.pos)

    def _superscript(self, i: int, hi: int) -> int:
        r = self.raw[i]
        lo, end, nxt = self._arg(i + 1, hi, "the superscript '^'")
        content = [k for k in range(lo, end) if self.raw[k].kind != "ws"]
        first = self.raw[content[0]] if content else None
        if first is not None and len(content) == 1 and first.kind == "cmd" and first.text[1:] in _TRANSPOSE:
            self._emit("TRANSPOSE", "^" + first.text, r.pos)
            return nxt
        if self._text(lo, end) == "T":
            self._emit("TRANSPOSE", "^T", r.pos)
            return nxt
        if first is not None and len(content) == 1 and (first.is_cmd("prime") or first.is_char("'")):
            # f^\prime is f′, the derivative; after a value it reads as a transpose, as ' does.
            tok = prime_token("'", r.pos, self.out[-1] if self.out else None)
            if tok is not None:
                self.out.append(tok)
            return nxt
        if end == lo + 1 and first is not None and (first.is_char("-") or first.is_char("+")):
            # x^-1: LaTeX would take only the sign; read it as x^{-1}, as everyone means it.
            k = self._skip_ws(end, hi)
            if k < hi and self.raw[k].kind in ("digit", "letter"):
                kind = self.raw[k].kind
                end = k + 1
                while end < hi and kind == "digit" and self.raw[end].kind == "digit":
                    end += 1
                nxt = end
        if first is not None and first.is_cmd("circ"):
            self._emit("EPOW", "^\\circ", r.pos)
            self._group(content[0] + 1, end, r.pos)
            return nxt
        self._emit("POW", "^", r.pos)
        self._group(lo, end, r.pos)
        return nxt

    def _char(self, i: int, hi: int) -> int:
        r = self.raw[i]
        ch = r.text
        if ch == "^":
            return self._superscript(i, hi)
        if ch == "{":
            # A brace group is converted on its own, so that an \over inside divides only it.
            _, end, nxt = self._arg(i, hi, "'{'")
            self._group(i + 1, end, r.pos)
            return nxt
        if ch in "([":
            self.brackets.open(ch, r.pos)
            self._emit("_LPAR", ch, r.pos)
        elif ch in ")]}":
            self.brackets.close(ch, r.pos)
            self._emit("_RPAR", ch, r.pos)
        elif ch == "|":
            if (i + 1 < hi and self.raw[i + 1].is_char("|") and self.raw[i + 1].pos == r.pos + 1
                    and not closes_abs(self.brackets, self.out[-1] if self.out else None)):
                self._bar("‖", None, r.pos)  # ||θ|| is the norm, as in plain text
                return i + 2
            self._bar("|", None, r.pos)
        elif ch == "_":
            raise ParseError("a subscript '_' must follow a name", kind="syntax", position=r.pos)
        elif ch in PRIMES:
            tok = prime_token(ch, r.pos, self.out[-1] if self.out else None)
            if tok is not None:
                self.out.append(tok)
        elif ch == "&":
            raise ParseError("alignment '&' is not supported; type one expression", kind="unsupported", position=r.pos)
        else:
            single = unicode_token(ch, r.pos, self.names)
            if single is None:
                raise ParseError(f"unexpected character {ch!r}", kind="syntax", position=r.pos)
            self.out.extend(single)
        return i + 1


def lex_latex(text: str, names: Names) -> list[Tok]:
    """The tokens of a LaTeX answer (positions are 0-based columns of ``text``)."""
    inner, offset = strip_math_delimiters(text)
    lexer = _Lexer(inner, offset, names)
    lexer.convert(0, len(lexer.raw))
    lexer.brackets.finish()
    return lexer.out
