"""Names in answers: spelling variants, declared symbols, functions and constants.

Every spelling of a name is reduced to one canonical key ``base`` or ``base_sub``:
``theta_0``, ``theta0``, ``theta_{0}``, ``θ_0``, ``θ₀`` and ``\\theta_0`` are all ``theta_0``;
``eps``, ``epsilon``, ``ε`` and ``\\varepsilon`` are all ``epsilon``.  Case matters: ``sigma``
is the logistic function and ``Sigma`` the covariance.

A name resolves, in this order, to

1. a symbol the target declares (declared names shadow everything below, even ``e``);
2. an entry in index notation: ``s_i`` (vector s) is ``s[i, 0]``, ``W_ij`` is ``W[i, j]``, and
   ``delta_ij`` is the Kronecker delta;
3. a function of the answer language;
4. a constant: ``e`` (Euler's number) and ``pi``;
5. a run of declared names typed without spaces: ``px`` is ``p x`` when p and x are declared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Sequence

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..vocabulary import declared, on_change

__all__ = [
    "SymbolSpec", "Names", "Resolved", "canonical", "shape_of", "describe_shape", "FUNCTIONS", "OPERATORS", "GREEK", "INDEX_I", "INDEX_J",
]

#: The two free indices of index notation: entry (i, j), counted from 0 like SymPy.
INDEX_I = sp.Symbol("i", integer=True, nonnegative=True)
INDEX_J = sp.Symbol("j", integer=True, nonnegative=True)
_INDEX = {"i": INDEX_I, "j": INDEX_J}

#: Operators of the answer language that act on arrays as a whole (spelling → name); the
#: scalar functions (exp, σ, tanh, ReLU, …) come from the vocabulary, ``derive.vocabulary``.
OPERATORS: dict[str, str] = {
    "sqrt": "sqrt", "softmax": "softmax", "diag": "diag", "outer": "outer", "norm": "norm", "inv": "inv", "det": "det",
}


class _Functions(Mapping):
    """Spelling → function of the answer language: the operators and every declared function's
    spellings, read from the vocabulary each time it changes (a course may declare more)."""

    def __init__(self) -> None:
        self._table: dict[str, str] | None = None
        on_change(self.forget)

    def forget(self) -> None:
        self._table = None

    def _current(self) -> dict[str, str]:
        if self._table is None:
            table = {s: d.name for d in declared() for s in d.spellings}
            self._table = {**table, **OPERATORS}
        return self._table

    def __getitem__(self, key: str) -> str:
        return self._current()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


#: Spelling → function of the answer language (spellings of one function share a value).
FUNCTIONS: Mapping[str, str] = _Functions()
# Spellings accepted but not advertised (SymPy's own name, met when answers are pasted from it).
_QUIET_SPELLINGS = frozenset({"Abs", "LSE"})

#: Greek letters as typed in Unicode → their LaTeX names.
GREEK: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
GREEK_NAMES = frozenset(GREEK.values()) | {"varepsilon", "vartheta", "varphi", "varpi", "varrho", "varsigma", "omicron"}

# Variant spellings of one base name.
_BASE_ALIASES = {"eps": "epsilon", "varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi",
                 "varpi": "pi", "varrho": "rho", "varsigma": "sigma"}

#: Unicode subscript characters → the characters they stand for.
SUBSCRIPTS = {**{chr(0x2080 + k): str(k) for k in range(10)}, "ᵢ": "i", "ⱼ": "j", "ₖ": "k"}

_SPLIT_DIGITS = re.compile(r"^([^\W\d_]+)(\d+)$")


def canonical(raw: str) -> str:
    """The canonical key of a spelling: Greek letters named, ``base_sub`` with the braces dropped."""
    # θ₀ becomes theta0 here and theta_0 below, like theta0 typed in ASCII.
    text = "".join(GREEK.get(ch, SUBSCRIPTS.get(ch, ch)) for ch in raw)
    base, _, sub = text.replace("ŷ", "yhat").partition("_")
    if sub == "hat":  # y_hat, ŷ and \\hat{y} are all yhat
        base, sub = base + "hat", ""
    if not sub:
        match = _SPLIT_DIGITS.match(base)
        if match:
            base, sub = match.groups()
    sub = sub.replace("{", "").replace("}", "").replace(",", "").replace("_", "")
    base = _BASE_ALIASES.get(base, base)
    return f"{base}_{sub}" if sub else base


def shape_of(obj: sp.Basic) -> tuple | None:
    """The (rows, cols) of a matrix expression, None for a scalar."""
    return tuple(obj.shape) if isinstance(obj, MatrixExpr) or getattr(obj, "is_Matrix", False) else None


def describe_shape(shape: tuple | None) -> str:
    """"a scalar" or "rows×cols"."""
    if shape is None:
        return "a scalar"
    return f"{sp.sstr(shape[0])}×{sp.sstr(shape[1])}"


@dataclass(frozen=True)
class SymbolSpec:
    """A symbol a target declares: its display ``name``, the SymPy ``obj`` (a Symbol or a
    MatrixSymbol from derive/symbols.py) and further spellings in ``aliases``."""

    name: str
    obj: sp.Basic
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise TypeError(f"SymbolSpec name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.obj, sp.Basic):
            raise TypeError(f"SymbolSpec {self.name!r}: obj must be a SymPy object, got {self.obj!r}")
        if isinstance(self.aliases, str) or not all(isinstance(a, str) for a in self.aliases):
            raise TypeError(f"SymbolSpec {self.name!r}: aliases must be a tuple of strings, got {self.aliases!r}")

    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Resolved:
    """What a name stands for: ``kind`` is "symbol", "function" or "constant" and ``value`` the
    SymPy object (symbols, constants) or the function's canonical name.  ``index`` lists the
    index symbols an entry in index notation uses."""

    kind: str
    value: object
    text: str
    index: tuple[sp.Symbol, ...] = ()


@dataclass
class Names:
    """The names one answer may use: the target's symbols, the permitted functions, e and pi."""

    symbols: Sequence[SymbolSpec]
    functions: frozenset[str] | None = None
    table: dict[str, SymbolSpec] = field(init=False)
    allowed: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.table = {}
        for spec in self.symbols:
            if not isinstance(spec, SymbolSpec):
                raise TypeError(f"symbols must be SymbolSpec objects, got {spec!r}")
            for spelling in spec.spellings():
                key = canonical(spelling)
                other = self.table.get(key)
                if other is not None and other.obj != spec.obj:
                    raise ValueError(f"the spelling {spelling!r} names both {other.name!r} and {spec.name!r}")
                self.table[key] = spec
        if self.functions is None:
            self.allowed = frozenset(FUNCTIONS.values())
        else:
            unknown = [f for f in self.functions if f not in FUNCTIONS and f not in FUNCTIONS.values()]
            if unknown:
                raise ValueError(f"unknown function names {sorted(unknown)}; the language offers {sorted(FUNCTIONS)}")
            self.allowed = frozenset(FUNCTIONS.get(f, f) for f in self.functions)
        self._memo: dict[str, Resolved | None] = {}
        self._pieces = sorted({k.replace("_", "") for k in self.table} | set(self.table), key=len, reverse=True)

    # --- listings for error messages ---------------------------------------------------------

    def known_symbols(self) -> list[str]:
        names = [spec.name for spec in dict.fromkeys(self.table.values())]
        return names + [c for c in ("e", "pi") if c not in self.table]

    def known_functions(self) -> list[str]:
        return sorted(name for name, func in FUNCTIONS.items()
                      if func in self.allowed and name not in self.table and name not in _QUIET_SPELLINGS)

    # --- resolution ----------------------------------------------------------------------------

    def lookup(self, raw: str) -> Resolved | None:
        """What ``raw`` names as a whole, or None."""
        # Names objects are cached per target, so a class's answers share this memo.
        if raw not in self._memo:
            if len(self._memo) > 4096:
                self._memo.clear()
            self._memo[raw] = self._lookup(raw)
        return self._memo[raw]

    def _lookup(self, raw: str) -> Resolved | None:
        key = canonical(raw)
        spec = self.table.get(key)
        if spec is not None:
            return Resolved("symbol", spec.obj, raw)
        base, _, sub = key.partition("_")
        entry = self._entry(base, sub, raw)
        if entry is not None:
            return entry
        if not sub and key in FUNCTIONS:
            return Resolved("function", FUNCTIONS[key], raw)
        if key == "e":
            return Resolved("constant", sp.E, raw)
        if key == "pi":
            return Resolved("constant", sp.pi, raw)
        return None

    def _entry(self, base: str, sub: str, raw: str) -> Resolved | None:
        if not sub or any(ch not in _INDEX for ch in sub) or len(sub) > 2:
            return None
        idx = tuple(_INDEX[ch] for ch in sub)
        if base == "delta" and len(idx) == 2 and "delta" not in self.table:
            return Resolved("symbol", sp.KroneckerDelta(*idx), raw, idx)
        spec = self.table.get(base)
        shape = shape_of(spec.obj) if spec is not None else None
        if shape is None:
            return None
        if len(idx) == 1 and shape[1] == 1:
            return Resolved("symbol", spec.obj[idx[0], 0], raw, idx)
        if len(idx) == 2:
            return Resolved("symbol", spec.obj[idx[0], idx[1]], raw, idx)
        return None

    def split(self, raw: str) -> list[tuple[int, Resolved]] | None:
        """``raw`` as a run of declared names (offset, meaning), fewest pieces first; None if impossible.

        Only plain letter-and-digit runs are split, and only into declared symbols, so a typo
        never silently turns into e·x or a function."""
        raw = "".join(GREEK.get(ch, ch) for ch in raw)
        if "_" in raw or len(raw) > 40 or not raw.isalnum():
            return None
        best: dict[int, list[str]] = {0: []}
        for start in range(len(raw)):
            if start not in best:
                continue
            for piece in self._pieces:
                if raw.startswith(piece, start) and canonical(piece) in self.table:
                    end = start + len(piece)
                    candidate = best[start] + [piece]
                    if end not in best or len(candidate) < len(best[end]):
                        best[end] = candidate
        pieces = best.get(len(raw))
        if not pieces or len(pieces) < 2:
            return None
        out, offset = [], 0
        for piece in pieces:
            out.append((offset, Resolved("symbol", self.table[canonical(piece)].obj, piece)))
            offset += len(piece)
        return out
