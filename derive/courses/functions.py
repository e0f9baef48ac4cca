"""Functions a course defines: ``[functions] softsign = { args = ["u"], definition = "u/(1+abs(u))" }``.

A course function is a new *scalar* function written in the answer language from the
functions that exist (exp, log, sigma, tanh, abs, ...).  It is declared through the
vocabulary (``derive.vocabulary.declare_expression``), exactly as a built-in function is: its
derivative, LaTeX, answer spelling and numeric forms all come from that one declaration, so
answers, keys, bindings, mistakes, the verifier and the reports know it by name.  A course's
derivations get it with ``course_function(NAME)``.  The definition is read by the answer
grammar, never by eval.
"""

from __future__ import annotations

import re
from typing import Sequence

import sympy as sp

from ..answers import ParseError, SymbolSpec, parse_answer
from ..answers.names import shape_of
from ..vocabulary import by_name, by_spelling, declare_expression, undeclare

__all__ = ["define_function", "course_function", "forget_function", "defined_functions"]

#: name → (the SymPy function class, where it was defined)
_DEFINED: dict[str, tuple[sp.FunctionClass, str]] = {}


def define_function(name: str, args: Sequence[str], definition: str, where: str = "") -> sp.FunctionClass:
    """Define the scalar function ``name(args[0]) = definition`` for answers, keys and derivations.

    ``where`` (a FILE or FILE:LINE) names the definition in error messages.  A ValueError names
    both places when ``name`` is taken: by the answer language or by another course's function.
    """
    label = f"{where}: " if where else ""
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z]{2,32}", name):
        raise ValueError(f"{label}a function name must be 2 to 32 letters (no digits or '_', which read as "
                         f"subscripts), got {name!r}")
    if name in _DEFINED:
        raise ValueError(f"{label}function {name!r} clashes with the function of the same name in {_DEFINED[name][1]}")
    if by_name(name) is not None or by_spelling(name) is not None or name in ("e", "pi"):
        raise ValueError(f"{label}function {name!r} clashes with the built-in {name!r} of the vocabulary "
                         "(derive/vocabulary)")
    if isinstance(args, str) or len(args) != 1 or not isinstance(args[0], str) or not args[0].isidentifier():
        raise ValueError(f"{label}function {name!r}: args must be one argument name, like [\"u\"], got {args!r}")
    arg = sp.Symbol(args[0], real=True)
    if not isinstance(definition, str):
        raise ValueError(f"{label}function {name!r}: the definition must be a string, got {definition!r}")
    try:
        body = parse_answer(definition, [SymbolSpec(args[0], arg)]).expr
    except ParseError as exc:
        raise ValueError(f"{label}function {name!r}: the definition {definition!r} does not read: {exc}") from None
    if shape_of(body) is not None:
        raise ValueError(f"{label}function {name!r}: the definition must be a scalar, got a matrix")

    declared = declare_expression(name, arg, body, entrywise=False)
    _DEFINED[name] = (declared.func, where or "Python")
    _forget_verdicts()
    return declared.func


def _forget_verdicts() -> None:
    # Verdicts are cached by (target, answer): one given before the change may now read otherwise.
    from ..homework.verdict import clear_cache

    clear_cache()


def course_function(name: str) -> sp.FunctionClass:
    """The course function called ``name`` (for a course's derivations); a ValueError listing the known ones."""
    try:
        return _DEFINED[name][0]
    except KeyError:
        raise ValueError(f"no course function is named {name!r}; defined: {', '.join(_DEFINED) or 'none'}") from None


def forget_function(name: str) -> None:
    """Undefine a course function (when its course is unloaded)."""
    if _DEFINED.pop(name, None) is not None:
        undeclare(name)
        _forget_verdicts()


def defined_functions() -> dict[str, str]:
    """name → where, for every course function defined."""
    return {n: w for n, (_, w) in _DEFINED.items()}
