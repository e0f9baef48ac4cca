"""Tokens shared by the plain and the LaTeX lexer, and the bounds every answer must respect.

A token carries what it means in ``obj`` (a number's exact value, a name's resolution), so the
grammar never has to look at spellings and the builder never has to look at text.
"""

from __future__ import annotations

import re

import sympy as sp
from lark import Token

from .errors import ParseError
from .names import GREEK, GREEK_NAMES, INDEX_I, INDEX_J, Names, Resolved, canonical, shape_of

__all__ = [
    "Tok", "Brackets", "make_number", "name_tokens", "prime_token", "closes_abs", "sum_token", "PRIMES", "OPERAND_END",
    "MAX_CHARS", "MAX_NUMBER_DIGITS", "MAX_DECIMAL_EXPONENT", "MAX_EXPONENT", "MAX_POWER_BITS",
    "MAX_NESTING", "MAX_TREE_DEPTH",
]

MAX_CHARS = 2000            # longest answer, in characters
MAX_NUMBER_DIGITS = 30      # significant digits of one literal
MAX_DECIMAL_EXPONENT = 100  # |k| in a literal such as 1e-k
MAX_EXPONENT = 100          # |n| in a power x^n with a numeric exponent
MAX_POWER_BITS = 4096       # bits of the exact value of a number raised to a number
MAX_NESTING = 40            # brackets inside brackets
MAX_TREE_DEPTH = 200        # depth of the parse tree (bounds the builder's recursion)

#: The index letters a sum may run over.
INDEX_LETTERS = {"i": INDEX_I, "j": INDEX_J}

#: Token types after which a bar closes rather than opens: |x| and ||v||.
OPERAND_END = frozenset({"NUMBER", "NAME", "_RPAR", "ABS_CLOSE", "NORM_CLOSE", "TRANSPOSE"})


class Tok(Token):
    """A lark token that also carries its meaning in ``obj``."""

    obj: object

    @classmethod
    def make(cls, type_: str, text: str, pos: int, obj: object = None) -> "Tok":
        tok = cls(type_, text, start_pos=pos, column=pos + 1)
        tok.obj = obj
        return tok


_NUMBER = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")


def make_number(text: str, pos: int) -> Tok:
    """A NUMBER token whose value is the exact rational the literal denotes (0.1 is 1/10)."""
    match = _NUMBER.match(text)
    if match is None or not (match.group(1) or match.group(2)):
        raise ParseError(f"malformed number {text!r}", kind="syntax", position=pos)
    whole, frac, exp = match.group(1), match.group(2) or "", match.group(3)
    digits = (whole + frac).lstrip("0")
    if len(digits) > MAX_NUMBER_DIGITS:
        raise ParseError(f"the number {text[:20]}… has more than {MAX_NUMBER_DIGITS} digits",
                         kind="too-big", position=pos)
    k = int(exp) if exp else 0
    if abs(k) > MAX_DECIMAL_EXPONENT:
        raise ParseError(f"the exponent of {text!r} is beyond ±{MAX_DECIMAL_EXPONENT}", kind="too-big", position=pos)
    mantissa = int(whole + frac or "0")
    shift = k - len(frac)
    value = sp.Integer(mantissa * 10 ** shift) if shift >= 0 else sp.Rational(mantissa, 10 ** -shift)
    return Tok.make("NUMBER", text, pos, value)


def _resolved_tok(resolved: Resolved, pos: int, names: Names) -> Tok:
    if resolved.kind == "function":
        if resolved.value not in names.allowed:
            raise ParseError(f"the function {resolved.text!r} is not available in this answer",
                             kind="unknown-function", position=pos, known=names.known_functions())
        return Tok.make("FUNC", resolved.text, pos, resolved.value)
    return Tok.make("NAME", resolved.text, pos, resolved)


_PAIRS = {"(": ")", "[": "]", "{": "}", "|": "|", "‖": "‖"}


class Brackets:
    """Checks that brackets pair up and bounds their nesting, as the lexer meets them."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, int]] = []

    def open(self, kind: str, pos: int) -> None:
        self.stack.append((kind, pos))
        if len(self.stack) > MAX_NESTING:
            raise ParseError(f"brackets nested more than {MAX_NESTING} deep", kind="too-big", position=pos)

    def top(self) -> str | None:
        return self.stack[-1][0] if self.stack else None

    def close(self, closer: str, pos: int) -> None:
        if not self.stack:
            raise ParseError(f"{closer!r} closes nothing", kind="syntax", position=pos)
        kind, at = self.stack.pop()
        if _PAIRS[kind] != closer:
            raise ParseError(f"{closer!r} does not match the {kind!r} at column {at + 1}", kind="syntax", position=pos)

    def finish(self) -> None:
        if self.stack:
            kind, at = self.stack[-1]
            raise ParseError(f"the {kind!r} here is never closed", kind="syntax", position=at)


PRIMES = frozenset({"'", "′", "″"})


def prime_token(text: str, pos: int, previous: Tok | None) -> Tok | None:
    """A prime: after a function name it makes the derivative (σ′(z) is σ(z)(1 − σ(z))), after a
    value a transpose (``mu_1'``, as in MATLAB and R; the builder refuses it after a scalar).
    Returns the new token, or None when the prime only changed ``previous``."""
    count = 2 if text == "″" else 1
    if previous is not None and previous.type == "FUNC":
        previous.obj = previous.obj + "'" * count
        return None
    if previous is not None and previous.type in OPERAND_END and count == 1:
        return Tok.make("TRANSPOSE", "'", pos)
    raise ParseError("a prime must follow a function (σ'(z), its derivative) or a vector or matrix (x', its "
                     "transpose)", kind="syntax", position=pos)


def _greek_run(raw: str, names: Names) -> list[tuple[int, Resolved]] | None:
    """Greek letters typed together, each a declared symbol or π: ``πΣ`` is π·Σ (as ``px`` is p·x).

    Only a run of single Unicode Greek letters (the last may carry a subscript) is split."""
    head, sep, sub = raw.partition("_")
    if len(head) < 2 or not all(ch in GREEK for ch in head):
        return None
    out = []
    for k, ch in enumerate(head):
        last = k == len(head) - 1
        resolved = names.lookup(ch + sep + sub if last else ch)
        if resolved is None or resolved.kind == "function":
            return None
        out.append((k, resolved))
    return out


def sum_token(index: str, pos: int, names: Names, lower: str | None = None, upper: str | None = None) -> Tok:
    """A SUM token: Σ over the index letter ``index`` (i or j, the letters of index notation),
    over every entry; ``lower``/``upper`` are the bounds as written, checked by the builder."""
    symbol = INDEX_LETTERS.get(index.strip())
    if symbol is None:
        raise ParseError(f"a sum runs over an index of index notation, i or j; got {index.strip()!r}",
                         kind="unsupported", position=pos)
    return Tok.make("SUM", "sum", pos, (symbol, lower, upper))


def closes_abs(brackets: "Brackets", previous: Tok | None) -> bool:
    """Whether a bar here closes an open |…| (so ``|a||b|`` is |a|·|b|, not a norm)."""
    return brackets.top() == "|" and previous is not None and previous.type in OPERAND_END


def name_tokens(raw: str, pos: int, names: Names, *, called: bool) -> list[Tok]:
    """The tokens for a name as typed: one name, a function, or a run of names such as ``px``.

    ``called`` says that "(" follows, which decides whether an unknown name is reported as an
    unknown function or an unknown symbol.
    """
    resolved = names.lookup(raw)
    if resolved is not None:
        return [_resolved_tok(resolved, pos, names)]
    pieces = names.split(raw) or _greek_run(raw, names)
    if pieces:
        return [_resolved_tok(r, pos + offset, names) for offset, r in pieces]
    base, _, sub = raw.partition("_")
    if sub:
        # "px_i" typed without a space: a run of names, then one name with the subscript.
        for k in range(1, len(base)):
            last = names.lookup(f"{base[k:]}_{sub}")
            head = names.lookup(base[:k]) or names.split(base[:k])
            if last is not None and head:
                heads = [(0, head)] if isinstance(head, Resolved) else head
                return [_resolved_tok(r, pos + off, names) for off, r in heads] + [_resolved_tok(last, pos + k, names)]
    if called and "_" not in canonical(raw) and len(canonical(raw)) > 1 and canonical(raw) not in GREEK_NAMES:
        # Worded so that it never calls a symbol a function: 'lr(p - y)' may be a learning rate.
        raise ParseError(f"unknown name {raw!r} before '(': neither a symbol of this question nor a function "
                         f"of the answer language", kind="unknown-function", position=pos,
                         known=names.known_functions())
    key_base, _, key_sub = canonical(raw).partition("_")
    spec = names.table.get(key_base)
    if key_sub and spec is not None and shape_of(spec.obj) is not None:
        entry = f"{spec.name}_i" if shape_of(spec.obj)[1] == 1 else f"{spec.name}_ij"
        raise ParseError(f"unknown symbol {raw!r}: {spec.name} is an array; write {spec.name} itself, or {entry} "
                         f"for an entry in index notation",
                         kind="unknown-symbol", position=pos, known=names.known_symbols())
    raise ParseError(f"unknown symbol {raw!r}", kind="unknown-symbol", position=pos, known=names.known_symbols())
