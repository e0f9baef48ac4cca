"""Reading an answer for a target: the answer language (``derive.answers``) with the target's symbols.

The parser never evaluates text as code; this module only tells it which names a target
declares.  ``INDEX_I``/``INDEX_J`` mark an answer written in index notation (entry (i, j)).
"""

from __future__ import annotations

from functools import lru_cache

from ..answers import INDEX_I, INDEX_J, ParseError, Parsed, SymbolSpec, parse_answer
from .targets import Target

__all__ = ["read", "specs", "ParseError", "Parsed", "INDEX_I", "INDEX_J"]


#: Spellings every target that binds the prediction p gives it: ŷ, \hat{y}, y_hat (all read as yhat).
_PREDICTION_ALIASES = ("yhat",)


@lru_cache(maxsize=None)
def _specs(name: str, decls: tuple, aliases: tuple, bound: tuple) -> tuple[SymbolSpec, ...]:
    known = {d.name for d in decls}
    unknown = sorted({target for _, target in aliases} - known)
    if unknown:
        raise ValueError(f"target {name!r}: aliases name undeclared symbols {unknown}; declared: {sorted(known)}")
    extra = {d.name: [spelling for spelling, target in aliases if target == d.name] for d in decls}
    if "p" in bound and "p" in known and not known & set(_PREDICTION_ALIASES):
        extra["p"] += list(_PREDICTION_ALIASES)
    return tuple(SymbolSpec(d.name, d.obj, tuple(extra[d.name])) for d in decls)


def specs(target: Target) -> tuple[SymbolSpec, ...]:
    """The parser's view of a target's symbols (hidden symbols such as P = Σ⁻¹ are not offered),
    with the target's aliases, and ŷ for the prediction p wherever the target binds p."""
    bound = tuple(sorted(str(s) for s in target.bound))
    aliases = tuple(tuple(pair) for pair in getattr(target, "aliases", ()))  # lists, if read from a file
    return _specs(target.name, target.symbols, aliases, bound)


def read(text: str, target: Target) -> Parsed:
    """Parse ``text`` as an answer to ``target``; ``ParseError`` (a ValueError) says why not."""
    return parse_answer(text, specs(target))
