"""Functions a course defines: ``[functions] softsign = { args = ["u"], definition = "u/(1+abs(u))" }``.

A course function is a new *scalar* function written in the answer language from the
functions that exist (exp, log, sigma, tanh, abs, ...).  Once defined, answers, keys, bindings
and mistakes may call it by name, and a course's derivations get it with
``course_function(NAME)``.

It is defined by its formula alone and is unfolded where it is used: ``softsign(z)`` *is*
z/(1 + |z|) as a SymPy expression.  So the verifier, the evaluators and the checker need to know
nothing new about it, and its derivative is whatever the rules for its formula give.  The
definition is read by the answer grammar, never by eval.
"""

from __future__ import annotations

import re
from typing import Sequence

import sympy as sp

from ..answers import ParseError, SymbolSpec, parse_answer
from ..answers import build as _build
from ..answers import names as _names
from ..answers import parse as _parse
from ..answers.names import shape_of
from ..ops import _DUMMY as _ELEMENTWISE_PROBE

__all__ = ["define_function", "course_function", "forget_function", "defined_functions"]

#: name → (the SymPy function class, where it was defined)
_DEFINED: dict[str, tuple[sp.FunctionClass, str]] = {}


# The answer language keeps its functions in two tables: spelling → name (names.FUNCTIONS) and
# name → SymPy function (build.ENTRYWISE).  A course function is registered in both.
# (Where the language gains one declaration per function, registration belongs there.)
def _tables() -> tuple[dict, dict]:
    spellings, entrywise = getattr(_names, "FUNCTIONS", None), getattr(_build, "ENTRYWISE", None)
    if not isinstance(spellings, dict) or not isinstance(entrywise, dict):
        raise NotImplementedError("this version of the answer language has no function tables to extend")
    return spellings, entrywise


def _refresh_grammar() -> None:
    # Readings, name tables and verdicts are cached; the next answer must see the change.
    from ..homework.verdict import clear_cache

    _parse._names.cache_clear()
    _parse.clear_cache()
    clear_cache()


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
    spellings, entrywise = _tables()
    if name in spellings or name in getattr(_names, "GREEK_NAMES", ()) or name in ("e", "pi"):
        raise ValueError(f"{label}function {name!r} clashes with the built-in {name!r} of the answer language "
                         "(derive/answers/names.py)")
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

    def unfold(cls, x: sp.Expr) -> sp.Expr:
        if x is _ELEMENTWISE_PROBE:
            # Applied to a vector or matrix: refuse while the answer is read, with a clear message.
            raise ParseError(f"{name} is a scalar function; apply it to a scalar, not to a vector or matrix",
                             kind="unsupported")
        return body.xreplace({arg: x})

    doc = f"{name}({args[0]}) = {definition}   (a course function, defined in {where or 'Python'})"
    cls = type(name, (sp.Function,), {"nargs": 1, "eval": classmethod(unfold), "__doc__": doc})
    _DEFINED[name] = (cls, where or "Python")
    spellings[name] = name
    entrywise[name] = cls
    _refresh_grammar()
    return cls


def course_function(name: str) -> sp.FunctionClass:
    """The course function called ``name`` (for a course's derivations); a ValueError listing the known ones."""
    try:
        return _DEFINED[name][0]
    except KeyError:
        raise ValueError(f"no course function is named {name!r}; defined: {', '.join(_DEFINED) or 'none'}") from None


def forget_function(name: str) -> None:
    """Undefine a course function (when its course is unloaded)."""
    if _DEFINED.pop(name, None) is not None:
        spellings, entrywise = _tables()
        spellings.pop(name, None)
        entrywise.pop(name, None)
        _refresh_grammar()


def defined_functions() -> dict[str, str]:
    """name → where, for every course function defined."""
    return {n: w for n, (_, w) in _DEFINED.items()}
