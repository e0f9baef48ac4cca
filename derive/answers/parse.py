"""``parse_answer``: read a typed answer into SymPy, safely, and say how it was read.

The pipeline: the text is measured (too long?), lexed by the plain or the LaTeX lexer (a
backslash means LaTeX), parsed by one LALR grammar, bounded in depth, and built into SymPy
objects by ``Builder``; nothing on the way evaluates text as code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import sympy as sp
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .build import Builder, check_depth, shape_of
from .echo import latex_echo, plain_echo
from .errors import ParseError
from .grammar import parser
from .latex import lex_latex
from .names import Names, SymbolSpec
from .plain import lex_plain
from .tokens import MAX_CHARS
from ..vocabulary import on_change

__all__ = ["Parsed", "parse_answer", "clear_cache"]


@dataclass(frozen=True)
class Parsed:
    """One answer as read.

    ``expr`` is a SymPy scalar or matrix expression (in index notation, the scalar entry (i, j)
    in terms of the symbols in ``index``); ``notation`` is "plain", "latex" or "index";
    ``plain`` and ``latex`` echo the reading back in the answer language; ``guards`` are what
    the answer divides by or takes the log of, as written (before SymPy simplified).
    """

    expr: sp.Basic
    notation: str
    plain: str
    latex: str
    index: tuple[sp.Symbol, ...] | None = None
    guards: tuple[sp.Basic, ...] = ()

    @property
    def shape(self) -> tuple | None:
        """(rows, cols) of a matrix-valued answer; None for a scalar (and for index notation)."""
        return shape_of(self.expr)


@lru_cache(maxsize=64)
def _names(symbols: tuple[SymbolSpec, ...], functions: frozenset[str] | None) -> Names:
    return Names(symbols, functions)


def _describe(token) -> str:
    if token.type == "$END":
        return "the end of the answer"
    return repr(str(token))


def _syntax_error(exc: UnexpectedInput, text: str) -> ParseError:
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        if token.type == "$END":
            return ParseError("the answer ends too early: an operand or a closing bracket is missing",
                              kind="syntax", position=len(text.rstrip()))
        return ParseError(f"unexpected {_describe(token)}", kind="syntax", position=token.start_pos)
    if isinstance(exc, UnexpectedCharacters):
        return ParseError(f"unexpected character {text[exc.pos_in_stream]!r}", kind="syntax",
                          position=exc.pos_in_stream)
    return ParseError("the answer is not a well-formed expression", kind="syntax")


def parse_answer(text: str, symbols: Sequence[SymbolSpec], *, functions: frozenset[str] | None = None) -> Parsed:
    """Read ``text`` as an expression in the declared ``symbols``; raise ParseError if it is not one.

    ``functions`` limits which functions the answer may call (None: all of exp log ln sqrt
    sigma sigmoid tanh cosh sinh softmax diag outer norm inv det abs).
    """
    if not isinstance(text, str):
        raise TypeError(f"an answer must be a string, got {type(text).__name__}")
    outcome = _parse_cached(text, tuple(symbols), None if functions is None else frozenset(functions))
    if isinstance(outcome, ParseError):
        # A fresh exception each time: a cached one would carry the traceback of its first raise.
        raise ParseError(outcome.message, kind=outcome.kind, position=outcome.position, known=outcome.known,
                         text=text, shapes=outcome.shapes)
    return outcome


@lru_cache(maxsize=4096)
def _parse_cached(text: str, symbols: tuple[SymbolSpec, ...], functions: frozenset[str] | None) -> Parsed | ParseError:
    # A class's answers repeat ("(p - y) x" many times over), and a reading never changes:
    # Parsed is immutable, so one reading can serve every student who typed the same text.
    try:
        return _parse(text, symbols, functions)
    except ParseError as err:
        return err


def clear_cache() -> None:
    """Forget every cached reading (for timing the parser itself)."""
    _parse_cached.cache_clear()


def _vocabulary_changed() -> None:
    # A newly declared function changes how an answer reads, and which names resolve.
    _parse_cached.cache_clear()
    _names.cache_clear()


on_change(_vocabulary_changed)


def _parse(text: str, symbols: tuple[SymbolSpec, ...], functions: frozenset[str] | None) -> Parsed:
    if len(text) > MAX_CHARS:
        raise ParseError(f"the answer has {len(text)} characters; the limit is {MAX_CHARS}", kind="too-long")
    if not text.strip():
        raise ParseError("the answer is empty", kind="syntax", position=0)
    names = _names(symbols, functions)
    latex = "\\" in text
    tokens = lex_latex(text, names) if latex else lex_plain(text, names)
    if not tokens:
        raise ParseError("the answer is empty", kind="syntax", position=0)
    try:
        tree = parser().parse(tokens)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text) from None
    check_depth(tree)
    builder = Builder(latex=latex)
    try:
        expr = builder.build(tree)
        # An index summed over is bound, unless it is also used outside its sum.
        free = builder.index - (builder.summed - expr.free_symbols) if builder.summed else builder.index
        index = tuple(sorted(free, key=lambda s: s.name)) or None
        if index and shape_of(expr) is not None:
            raise ParseError("index notation gives one entry, a scalar; this mixes entries with whole arrays",
                             kind="unsupported")
        display = {spec.obj: spec.name for spec in symbols if isinstance(spec.obj, (sp.Symbol, sp.MatrixSymbol))}
        plain, tex = plain_echo(expr, display), latex_echo(expr)
    except RecursionError:
        raise ParseError("the expression is nested too deeply", kind="too-big") from None
    notation = "index" if index else "latex" if latex else "plain"
    return Parsed(expr=expr, notation=notation, plain=plain, latex=tex, index=index, guards=tuple(builder.guards))
