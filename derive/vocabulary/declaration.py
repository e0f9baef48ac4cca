"""``Declared``: everything the toolkit knows about one function of its vocabulary, in one record.

A function is declared once, here or by a course, and every reader takes what it needs from
the record: the answer grammar its spellings, the echo and the reports its LaTeX, the grader's
evaluator and the verifier its mpmath form, the code generator its NumPy and scalar forms,
and ``to_elementary`` its definition.  None of them keeps a table of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import sympy as sp

__all__ = ["Declared", "declare", "undeclare", "declared", "declaration_of", "by_name", "by_spelling", "SPELLING"]

#: A spelling an answer may use for a function: letters and digits, starting with a letter.
SPELLING = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


@dataclass(frozen=True)
class Declared:
    """One function of the vocabulary.

    * ``name``: its canonical name (``"sigmoid"``), the key every table uses;
    * ``func``: the SymPy function class whose applications it describes (``sigmoid``,
      ``sp.tanh``); its ``fdiff`` (or SymPy's own rule) gives the derivative;
    * ``latex``: its LaTeX name, printed before the bracketed argument (``\\sigma``);
    * ``spellings``: the names an answer may call it by, plain and as a LaTeX command or
      ``\\operatorname{…}`` (``sigma``, ``sigmoid``); empty keeps it out of the answer language;
    * ``arity``: the number of arguments, None for one or more (logsumexp, max);
    * ``definition``: the function written in elementary functions, ``args -> Expr``, or None
      when ``func`` already is one; ``to_elementary`` and the verifier use it;
    * ``mpmath``: ``(*mpf) -> mpf``, the value at working precision (grader and verifier);
    * ``numpy``: NumPy code with ``{0}``, ``{1}`` … for the arguments, ``{args}`` for all of
      them and ``<module.name>`` for a qualified name, or None for SymPy's own printing;
    * ``scalar``: the same for scalar ``math`` code (numba kernels), or None;
    * ``entrywise``: applied to an array, it acts on each entry (NumPy's rule);
    * ``caveat``: what the verifier must say whenever a claim uses it (a point where the
      derivative does not exist, say), empty when nothing needs saying;
    * ``piecewise``: its form changes where an argument changes sign (abs, max, ReLU), so a
      proof may split on that sign.
    """

    name: str
    func: type
    latex: str
    spellings: tuple[str, ...] = ()
    arity: int | None = 1
    definition: Callable[..., sp.Expr] | None = None
    mpmath: Callable | None = None
    numpy: str | None = None
    scalar: str | None = None
    entrywise: bool = True
    caveat: str = ""
    piecewise: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not SPELLING.match(self.name):
            raise ValueError(f"a declared function needs a name of letters and digits, got {self.name!r}")
        if not isinstance(self.func, type):
            raise TypeError(f"{self.name}: func must be a SymPy function class, got {self.func!r}")
        if isinstance(self.spellings, str) or not all(isinstance(s, str) and SPELLING.match(s) for s in self.spellings):
            raise ValueError(f"{self.name}: spellings must be names of letters and digits, got {self.spellings!r}")
        if self.arity is not None and (not isinstance(self.arity, int) or self.arity < 1):
            raise ValueError(f"{self.name}: arity must be a positive integer or None, got {self.arity!r}")

    def __call__(self, *args: sp.Basic) -> sp.Expr:
        return self.func(*args)

    def elementary(self, *args: sp.Basic) -> sp.Expr:
        """The application to ``args`` written in elementary functions (itself if it is one)."""
        return self.definition(*args) if self.definition is not None else self.func(*args)

    def derivative(self, arg: sp.Basic, order: int = 1) -> sp.Expr:
        """f^{(order)}(arg) of a one-argument function, from the function's own rule (σ′ = σ(1 − σ))."""
        if self.arity != 1:
            raise ValueError(f"{self.name} takes {self.arity or 'several'} arguments; f′ needs a function of one")
        u = sp.Dummy("u", real=True)
        return sp.diff(self.func(u), u, order).xreplace({u: arg})


_REGISTRY: dict[str, Declared] = {}
_BY_CLASS: dict[type, Declared] = {}
_BY_SPELLING: dict[str, Declared] = {}
#: Readers that cache something derived from the registry register a way to forget it here.
_LISTENERS: list[Callable[[], None]] = []


def declare(decl: Declared, *, replace: bool = False) -> Declared:
    """Add ``decl`` to the vocabulary; every reader sees it from now on.

    A name, a class or a spelling already declared is refused (ValueError) unless ``replace``
    is set and the earlier declaration has the same name.
    """
    if not isinstance(decl, Declared):
        raise TypeError(f"declare needs a Declared, got {decl!r}")
    old = _REGISTRY.get(decl.name)
    if old is not None and not replace:
        raise ValueError(f"the function {decl.name!r} is already declared")
    if old is not None:
        _forget(old)
    clash = _BY_CLASS.get(decl.func)
    if clash is not None:
        raise ValueError(f"{decl.func.__name__} is already declared as {clash.name!r}")
    for s in decl.spellings:
        if s in _BY_SPELLING:
            raise ValueError(f"the spelling {s!r} already names the function {_BY_SPELLING[s].name!r}")
    _REGISTRY[decl.name] = decl
    _BY_CLASS[decl.func] = decl
    _BY_SPELLING.update({s: decl for s in decl.spellings})
    for listener in _LISTENERS:
        listener()
    return decl


def _forget(decl: Declared) -> None:
    del _REGISTRY[decl.name]
    _BY_CLASS.pop(decl.func, None)
    for s in decl.spellings:
        _BY_SPELLING.pop(s, None)


def undeclare(name: str) -> None:
    """Remove a declared function (a course's, when it is unloaded); ValueError if none has that name."""
    decl = _REGISTRY.get(name)
    if decl is None:
        raise ValueError(f"no function {name!r} is declared")
    _forget(decl)
    for listener in _LISTENERS:
        listener()


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever a function is declared (to clear a cache built from the registry)."""
    _LISTENERS.append(listener)


def declared() -> tuple[Declared, ...]:
    """Every declared function, in the order of declaration."""
    return tuple(_REGISTRY.values())


def by_name(name: str) -> Declared | None:
    return _REGISTRY.get(name)


def by_spelling(spelling: str) -> Declared | None:
    return _BY_SPELLING.get(spelling)


def declaration_of(expr: sp.Basic | type) -> Declared | None:
    """The declaration of an application (``sigmoid(z)``) or of a function class, or None."""
    cls = expr if isinstance(expr, type) else type(expr)
    return _BY_CLASS.get(cls)
