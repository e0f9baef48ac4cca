"""The answer language: read a student's answer, typed in plain math or LaTeX, into SymPy.

    from derive.answers import parse_answer, ParseError, SymbolSpec
    parsed = parse_answer("(p - y) x", [SymbolSpec("p", p), SymbolSpec("y", y), SymbolSpec("x", x)])
    parsed.expr      # (p - y)*x, a SymPy matrix expression
    parsed.plain     # "(p - y)*x"        how it was read, in plain text
    parsed.latex     # "\\left(p - y\\right) x"

No input ever reaches eval, exec, sympify or parse_expr: a lark grammar parses it and the
builder makes SymPy objects itself.  Bad input raises ``ParseError`` (a ValueError) with a
``kind``, a ``position`` and, for unknown names, the ``known`` ones.
"""

from .errors import KINDS, ParseError
from .names import FUNCTIONS, INDEX_I, INDEX_J, SymbolSpec
from .parse import Parsed, parse_answer
from .tokens import MAX_CHARS

__all__ = ["parse_answer", "Parsed", "ParseError", "SymbolSpec", "KINDS", "FUNCTIONS", "INDEX_I", "INDEX_J",
           "MAX_CHARS"]
