"""``declare_definition``: a function of the vocabulary from a definition typed in the answer language.

    declare_definition("softsign(u) = u/(1 + abs(u))")

The left side names the function and its one variable; the right side is read by the answer
grammar (never by eval or sympify), with the variable as its only symbol; the result is
declared through ``derive.vocabulary.declare_expression`` and is then read, evaluated, printed
and compiled like any built-in function.
"""

from __future__ import annotations

import re

import sympy as sp

from ..vocabulary import Declared, declare_expression
from .errors import ParseError
from .names import SymbolSpec
from .parse import parse_answer

__all__ = ["declare_definition"]

_HEAD = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*)\s*\(\s*([A-Za-z][A-Za-z0-9]*)\s*\)\s*=(.*)$", re.S)


def declare_definition(text: str, *, latex: str | None = None, replace: bool = False) -> Declared:
    """Declare ``name(var) = body`` (body in the answer language); ValueError says what is wrong."""
    if not isinstance(text, str):
        raise TypeError(f"a definition must be a string, got {type(text).__name__}")
    match = _HEAD.match(text)
    if match is None:
        raise ValueError(f"a definition reads 'name(u) = expression', got {text!r}")
    name, var, body_text = match.groups()
    u = sp.Symbol(var, real=True)
    try:
        body = parse_answer(body_text, (SymbolSpec(var, u),)).expr
    except ParseError as exc:
        raise ValueError(f"the body of {name}({var}) cannot be read: {exc}") from None
    if getattr(body, "is_Matrix", False):
        raise ValueError(f"the body of {name}({var}) must be a scalar")
    return declare_expression(name, u, body, latex=latex, replace=replace)
