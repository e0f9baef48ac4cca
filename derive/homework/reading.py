"""Reading an answer for a target: the answer language (``derive.answers``) with the target's symbols.

The parser never evaluates text as code; this module only tells it which names a target
declares.  ``INDEX_I``/``INDEX_J`` mark an answer written in index notation (entry (i, j)).
"""

from __future__ import annotations

from functools import lru_cache

from ..answers import INDEX_I, INDEX_J, ParseError, Parsed, SymbolSpec, parse_answer
from .targets import Target

__all__ = ["read", "specs", "ParseError", "Parsed", "INDEX_I", "INDEX_J"]


@lru_cache(maxsize=None)
def _specs(name: str, decls: tuple) -> tuple[SymbolSpec, ...]:
    return tuple(SymbolSpec(d.name, d.obj) for d in decls)


def specs(target: Target) -> tuple[SymbolSpec, ...]:
    """The parser's view of a target's symbols (hidden symbols such as P = Σ⁻¹ are not offered)."""
    return _specs(target.name, target.symbols)


def read(text: str, target: Target) -> Parsed:
    """Parse ``text`` as an answer to ``target``; ``ParseError`` (a ValueError) says why not."""
    return parse_answer(text, specs(target))
