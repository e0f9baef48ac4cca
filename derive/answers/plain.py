"""The plain-text lexer: ``(p - y)*x``, ``theta.T @ x + theta_0``, ``sigma(z)(1-sigma(z))``.

It turns the text into the grammar's tokens (see grammar.lark), resolving each name on the
way: ``theta_0``, ``θ₀`` and ``theta0`` all become one NAME token; ``log`` a FUNC token; ``px``
two NAME tokens when p and x are declared.  Unicode operators are read as their ASCII forms:
``−`` is minus, ``·`` and ``×`` are ``*``, ``⊙`` and ``∘`` are elementwise products, ``ᵀ`` and
``^T`` transpose, ``²`` and ``⁻¹`` powers.  A prime ``'`` after a function name is its derivative
(``σ'(z)``), after a vector or matrix a transpose (``mu_1'``); ``sum_j(…)`` sums over an index.
"""

from __future__ import annotations

import re

from .errors import ParseError
from .names import Names
from .tokens import (OPERAND_END, PRIMES, Brackets, Tok, closes_abs, make_number, name_tokens, prime_token,
                     sum_token)

__all__ = ["lex_plain", "LETTER", "SUBSCRIPT_CHARS", "unicode_token"]

LETTER = "A-Za-z\u0391-\u03a9\u03b1-\u03c9\u03d1\u03d5\u03f5\u00b5\u0177"
SUBSCRIPT_CHARS = "\u2080-\u2089\u1d62\u2c7c\u2096"
_NAME_END = rf"(?![{LETTER}0-9_])"

_TOKEN = re.compile(
    rf"(?P<ws>\s+)"
    rf"|(?P<dotT>\.T{_NAME_END})"
    rf"|(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    rf"|(?P<name>[{LETTER}][{LETTER}0-9]*(?:_(?:\{{[^{{}}]*\}}|[0-9]+|[{LETTER}]+))?[{SUBSCRIPT_CHARS}]*)"
    rf"|(?P<transpose>(?:\^|\*\*)\s*(?:T|\(\s*T\s*\)|\{{\s*T\s*\}}){_NAME_END})"
    rf"|(?P<pow>\*\*|\^)"
    rf"|(?P<norm>(?:\|\||‖)(?:_(?:2|\{{2\}}))?)"
    rf"|(?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    rf"|(?P<char>.)",
    re.S,
)

_SINGLE = {
    "+": "PLUS", "-": "MINUS", "−": "MINUS", "–": "MINUS", "*": "STAR", "·": "STAR", "⋅": "STAR",
    "×": "STAR", "/": "SLASH", "÷": "SLASH", "@": "AT", "⊙": "HADAMARD", "∘": "HADAMARD",
    ",": "_COMMA", "ᵀ": "TRANSPOSE", "⊤": "TRANSPOSE",
}
_OPEN, _CLOSE = "([{", ")]}"
_CLOSER = {")": "(", "]": "[", "}": "{"}
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def unicode_token(ch: str, pos: int, names: Names) -> list[Tok] | None:
    """Tokens for a one-character operator shared by both notations, or None."""
    if ch in _SINGLE:
        return [Tok.make(_SINGLE[ch], ch, pos)]
    if ch == "√":
        return name_tokens("sqrt", pos, names, called=False)
    return None


def superscript_tokens(text: str, pos: int) -> list[Tok]:
    """``²`` is ``^2`` and ``⁻¹`` is ``^-1``."""
    out = [Tok.make("POW", "^", pos)]
    if text[0] in "⁻⁺":
        out.append(Tok.make("MINUS" if text[0] == "⁻" else "PLUS", text[0], pos))
        text = text[1:]
    out.append(make_number(text.translate(_SUPERSCRIPT), pos))
    return out


def bar_token(kind: str, pos: int, brackets: Brackets, previous: Tok | None) -> Tok:
    """A bar closes the innermost open bar of its kind if a value just ended, else opens one."""
    name = "ABS" if kind == "|" else "NORM"
    if brackets.top() == kind and previous is not None and previous.type in OPERAND_END:
        brackets.close(kind, pos)
        return Tok.make(f"{name}_CLOSE", kind, pos)
    brackets.open(kind, pos)
    return Tok.make(f"{name}_OPEN", kind, pos)


def lex_plain(text: str, names: Names) -> list[Tok]:
    """The tokens of a plain-notation answer (positions are 0-based columns of ``text``)."""
    out: list[Tok] = []
    brackets = Brackets()
    for match in _TOKEN.finditer(text):
        kind, value, pos = match.lastgroup, match.group(), match.start()
        if kind == "ws":
            continue
        previous = out[-1] if out else None
        if kind in ("dotT", "transpose"):
            out.append(Tok.make("TRANSPOSE", value, pos))
        elif kind == "number":
            out.append(make_number(value, pos))
        elif kind == "name" and value.startswith("sum_") and names.lookup(value) is None:
            out.append(sum_token(value[4:].strip("{}"), pos, names))   # sum_j(…): Σ_j
        elif kind == "name":
            called = text[match.end():].lstrip().startswith("(")
            out.extend(name_tokens(value, pos, names, called=called))
        elif kind == "pow":
            out.append(Tok.make("POW", value, pos))
        elif kind == "norm" and value.startswith("||") and closes_abs(brackets, previous):
            out.append(bar_token("|", pos, brackets, previous))   # |a||b| is |a|·|b|
            out.append(bar_token("|", pos + 1, brackets, out[-1]))
            if "_" in value:
                raise ParseError("only a closing ‖ may carry the subscript 2", kind="syntax", position=pos)
        elif kind == "norm":
            tok = bar_token("‖", pos, brackets, previous)
            if "_" in value and tok.type != "NORM_CLOSE":
                raise ParseError("only a closing ‖ may carry the subscript 2", kind="syntax", position=pos)
            out.append(tok)  # ‖v‖_2 is the Euclidean norm, the only one the language has
        elif kind == "sup":
            out.extend(superscript_tokens(value, pos))
        elif value in _OPEN:
            brackets.open(value, pos)
            out.append(Tok.make("_LPAR", value, pos))
        elif value in _CLOSE:
            brackets.close(value, pos)
            out.append(Tok.make("_RPAR", value, pos))
        elif value == "|":
            out.append(bar_token("|", pos, brackets, previous))
        elif value in PRIMES:
            tok = prime_token(value, pos, previous)
            if tok is not None:
                out.append(tok)
        else:
            single = unicode_token(value, pos, names)
            if single is None:
                raise ParseError(_unexpected(value), kind="syntax", position=pos)
            out.extend(single)
    brackets.finish()
    return out


def _unexpected(ch: str) -> str:
    if ch == ".":
        return "unexpected '.': only .T (transpose) may follow a value"
    if ch == "=":
        return "unexpected '=': type only the expression, not an equation"
    if ch == "\\":
        return "unexpected '\\'"
    return f"unexpected character {ch!r}"
