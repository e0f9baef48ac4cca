"""Assumptions: what a step may take for granted, and how to sample points that respect it.

An assumption does four jobs:

* ``describe()`` says it in words, for the terminal and the reports;
* ``sample(rng, entries)`` draws values for its scalar entries at one random point (floats,
  for the verifier's numeric search);
* ``exact(entries, source)`` gives its entries exact rational values, asking ``source`` (an
  ``ExactSource``: special values, secret random rationals, a variant's small numbers) for the
  kind of number it needs, so every exact point respects it (a ``Nonzero`` θ is never 0);
* ``cases(entries)`` splits a proof into cases where the domain is finite (y ∈ {0, 1}).

Matrix symbols with symbolic dimensions are made explicit before either: ``instantiate``
substitutes concrete sizes and replaces every matrix symbol by a matrix of real scalar
symbols (symmetric, for a symmetric positive-definite assumption).
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass
from typing import Iterable, Mapping

import mpmath
import sympy as sp
from sympy.core.relational import Relational
from sympy.matrices.expressions.matexpr import MatrixSymbol

from .exact_source import ExactSource

__all__ = [
    "Assumption", "Real", "Positive", "Interval", "Probability", "Binary", "OneHot",
    "Simplex", "SymmetricPositiveDefinite", "Nonzero", "dimension", "DIMENSION_SIZES",
    "instantiate", "size_choices", "Instance", "ExactSource",
]

#: The sizes at which a claim with that dimension symbol is checked explicitly.
DIMENSION_SIZES: dict[sp.Symbol, tuple[int, ...]] = {}


def dimension(name: str, sizes: Iterable[int] = (1, 2, 3, 4)) -> sp.Symbol:
    """A dimension symbol (a positive integer) and the sizes at which claims are checked."""
    sizes = tuple(sizes)
    if not sizes or any(not isinstance(n, int) or n < 1 for n in sizes):
        raise ValueError(f"dimension {name!r} needs positive integer sizes, got {sizes!r}")
    sym = sp.Symbol(name, integer=True, positive=True)
    DIMENSION_SIZES[sym] = sizes
    return sym


Entries = Mapping[sp.Basic, sp.Basic]  # symbol (at concrete size) -> explicit scalar or matrix


def _entries_of(sym: sp.Basic, entries: Entries) -> list[sp.Symbol]:
    """The scalar symbols that stand for ``sym`` after instantiation."""
    value = entries.get(sym, sym)
    if getattr(value, "is_Matrix", False):
        return sorted(value.free_symbols, key=sp.default_sort_key)
    return [value]


def _mpf(x: float) -> mpmath.mpf:
    return mpmath.mpf(x)


def _scalars_of(a: "Assumption", entries: Entries) -> list[sp.Symbol]:
    """Every scalar entry of the assumption's symbols, in order, each once."""
    out: list[sp.Symbol] = []
    for s in a.symbols:
        value = entries.get(s, s)
        out += list(value) if getattr(value, "is_Matrix", False) else [value]
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Assumption:
    """A fact about some symbols.  Subclasses override what they constrain."""

    symbols: tuple[sp.Basic, ...]

    def __init__(self, *symbols: sp.Basic):
        if not symbols:
            raise TypeError(f"{type(self).__name__} needs at least one symbol")
        object.__setattr__(self, "symbols", tuple(symbols))

    def names(self) -> str:
        return ", ".join(sp.sstr(s) for s in self.symbols)

    def describe(self) -> str:
        raise NotImplementedError

    # Equal when they say the same thing of the same symbols (an Interval's bounds included).
    def _key(self) -> tuple:
        return (type(self), self.symbols, self.describe())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Assumption) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def at(self, sizes: Mapping[sp.Symbol, int]) -> tuple[sp.Basic, ...]:
        """The assumption's symbols with concrete sizes substituted."""
        return tuple(s.subs(sizes) if sizes else s for s in self.symbols)

    def explicit(self, sym: MatrixSymbol) -> sp.ImmutableMatrix | None:
        """A special explicit form for a matrix symbol it governs (None: plain real entries)."""
        return None

    def sample(self, rng: random.Random, entries: Entries, sizes: Mapping) -> dict[sp.Symbol, mpmath.mpf]:
        return {e: self.draw(rng) for s in self.at(sizes) for e in _entries_of(s, entries)}

    def draw(self, rng: random.Random) -> mpmath.mpf:
        raise NotImplementedError

    def cases(self, entries: Entries, sizes: Mapping) -> list[dict[sp.Symbol, sp.Expr]]:
        return [{}]

    def exact(self, entries: Entries, source: ExactSource) -> dict[sp.Symbol, sp.Rational]:
        """Exact values for every scalar entry (``entries``: each symbol's explicit form)."""
        return {e: self.exact_value(source, i) for i, e in enumerate(_scalars_of(self, entries))}

    def exact_value(self, source: ExactSource, i: int) -> sp.Rational:
        return source.real(i)


class Real(Assumption):
    """Real scalars or real vectors (the default for any symbol no assumption names)."""

    def describe(self) -> str:
        return f"{self.names()} real"

    def draw(self, rng: random.Random) -> mpmath.mpf:
        return _mpf(rng.uniform(-2.0, 2.0))


class Positive(Assumption):
    """Positive real scalars, or vectors and matrices with positive entries."""

    def describe(self) -> str:
        return f"{self.names()} > 0"

    def explicit(self, sym: MatrixSymbol) -> sp.ImmutableMatrix:
        # Entries that SymPy knows are positive, so proofs (a limit, a sign) may use it.
        return sp.ImmutableMatrix(*sym.shape, lambda i, j: _entry_symbol(sym, i, j, positive=True))

    def draw(self, rng: random.Random) -> mpmath.mpf:
        return _mpf(rng.uniform(0.05, 3.0))

    def exact_value(self, source: ExactSource, i: int) -> sp.Rational:
        return source.positive(i)


class Interval(Assumption):
    """Real scalars in an open interval (low, high)."""

    def __init__(self, *symbols: sp.Basic, low: float, high: float):
        super().__init__(*symbols)
        if not low < high:
            raise ValueError(f"Interval needs low < high, got ({low}, {high})")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def describe(self) -> str:
        return f"{self.names()} in ({self.low:g}, {self.high:g})"

    def draw(self, rng: random.Random) -> mpmath.mpf:
        span = self.high - self.low
        return _mpf(self.low + span * rng.uniform(0.02, 0.98))

    def exact_value(self, source: ExactSource, i: int) -> sp.Rational:
        low, high = sp.Rational(self.low), sp.Rational(self.high)
        return low + (high - low) * source.fraction(i)


def Probability(*symbols: sp.Basic) -> Interval:
    """Probabilities strictly inside (0, 1)."""
    return Interval(*symbols, low=0.0, high=1.0)


class Binary(Assumption):
    """Labels y ∈ {0, 1}: sampled from both values, and proofs split into the two cases."""

    def describe(self) -> str:
        return f"{self.names()} in {{0, 1}}"

    def draw(self, rng: random.Random) -> mpmath.mpf:
        return _mpf(rng.choice((0, 1)))

    def exact_value(self, source: ExactSource, i: int) -> sp.Rational:
        return source.binary(i)

    def cases(self, entries: Entries, sizes: Mapping) -> list[dict]:
        scalars = [e for s in self.at(sizes) for e in _entries_of(s, entries)]
        return [dict(zip(scalars, values)) for values in itertools.product((0, 1), repeat=len(scalars))]


class OneHot(Assumption):
    """A one-hot column y: one entry is 1, the others 0 (one proof case per position)."""

    def describe(self) -> str:
        return f"{self.names()} one-hot"

    def _columns(self, entries: Entries, sizes: Mapping) -> list[list[sp.Symbol]]:
        return [list(entries[s]) if s in entries else [s] for s in self.at(sizes)]

    def sample(self, rng, entries, sizes):
        out = {}
        for col in self._columns(entries, sizes):
            hot = rng.randrange(len(col))
            out.update({e: _mpf(int(i == hot)) for i, e in enumerate(col)})
        return out

    def exact(self, entries: Entries, source: ExactSource) -> dict[sp.Symbol, sp.Rational]:
        out = {}
        for col in self._columns(entries, {}):
            hot = source.onehot(len(col))
            out.update({e: sp.Integer(int(i == hot)) for i, e in enumerate(col)})
        return out

    def cases(self, entries, sizes):
        cols = self._columns(entries, sizes)
        per_column = [[{e: int(i == hot) for i, e in enumerate(col)} for hot in range(len(col))] for col in cols]
        return [dict(itertools.chain.from_iterable(c.items() for c in combo)) for combo in itertools.product(*per_column)]


class Simplex(Assumption):
    """Priors: positive and summing to 1 (sampled uniformly on the simplex)."""

    def describe(self) -> str:
        return f"{self.names()} > 0, summing to 1"

    def sample(self, rng, entries, sizes):
        scalars = [e for s in self.at(sizes) for e in _entries_of(s, entries)]
        raw = [_mpf(rng.expovariate(1.0) + 1e-3) for _ in scalars]
        total = sum(raw)  # in mpmath: a float total would leave the sum 1e-17 away from 1
        return {e: r / total for e, r in zip(scalars, raw)}

    def exact(self, entries: Entries, source: ExactSource) -> dict[sp.Symbol, sp.Rational]:
        scalars = _scalars_of(self, entries)
        raw = [source.positive(i) for i in range(len(scalars))]
        total = sum(raw)
        return {e: r / total for e, r in zip(scalars, raw)}


class SymmetricPositiveDefinite(Assumption):
    """A symmetric positive-definite matrix, such as the precision Σ⁻¹ = P.

    Made explicit as a symmetric matrix of symbols, so proofs may use P = Pᵀ; sampled as
    AAᵀ + I/2 for a random A, which is positive-definite.
    """

    def describe(self) -> str:
        return f"{self.names()} symmetric positive-definite"

    def explicit(self, sym: MatrixSymbol) -> sp.ImmutableMatrix | None:
        n = sym.shape[0]
        if sym.shape[0] != sym.shape[1]:
            raise ValueError(f"{sym} must be square to be positive-definite, has shape {sym.shape}")
        entry = {(i, j): sp.Symbol(f"{sym.name}_{i + 1}{j + 1}", real=True) for i in range(n) for j in range(i, n)}
        return sp.ImmutableMatrix(n, n, lambda i, j: entry[(min(i, j), max(i, j))])

    def sample(self, rng, entries, sizes):
        out = {}
        for s in self.at(sizes):
            if s not in entries:  # not in this claim
                continue
            m = entries[s]
            n = m.shape[0]
            a = mpmath.matrix([[rng.gauss(0, 1) for _ in range(n)] for _ in range(n)])
            spd = a * a.T + mpmath.eye(n) / 2
            for i in range(n):
                for j in range(i, n):
                    out[m[i, j]] = spd[i, j]
        return out

    def exact(self, entries: Entries, source: ExactSource) -> dict[sp.Symbol, sp.Rational]:
        out = {}
        for s in self.symbols:
            m = entries.get(s)
            if m is None or not getattr(m, "is_Matrix", False):
                continue
            rows = source.spd(m.rows)
            out.update({m[i, j]: sp.Rational(rows[i][j]) for i in range(m.rows) for j in range(m.cols)})
        return out


class Nonzero(Assumption):
    """Vectors (or scalars) that are not zero: θ ≠ 0 means some entry θ_i ≠ 0.

    The proof splits into one case per entry, in which that entry is a nonzero symbol, so
    e.g. θᵀθ = Σ θ_i² > 0 is provable; random points are nonzero with probability 1.
    """

    def describe(self) -> str:
        return f"{self.names()} ≠ 0"

    def draw(self, rng: random.Random) -> mpmath.mpf:
        return _mpf(rng.uniform(-2.0, 2.0))

    def exact_value(self, source: ExactSource, i: int) -> sp.Rational:
        return source.nonzero(i)

    def cases(self, entries: Entries, sizes: Mapping) -> list[dict]:
        per_symbol = [[{e: sp.Symbol(e.name, real=True, nonzero=True)} for e in _entries_of(s, entries)]
                      for s in self.at(sizes)]
        return [dict(itertools.chain.from_iterable(c.items() for c in combo)) for combo in itertools.product(*per_symbol)]


def size_choices(dims: Iterable[sp.Symbol]) -> list[dict[sp.Symbol, int]]:
    """The concrete sizes at which to check a claim with these dimension symbols.

    One dimension: each of its sizes.  Several: rotate through the sizes so that every size
    of every dimension appears, every other dimension running through its sizes backwards,
    so that the dimensions differ from one another (a transpose cannot hide behind a square
    d×K matrix) and the largest sizes never meet (which keeps the checks fast).
    """
    dims = sorted(dims, key=sp.default_sort_key)
    if not dims:
        return [{}]
    longest = max(len(DIMENSION_SIZES[d]) for d in dims)
    choices = []
    for i in range(longest):
        choice = {}
        for j, d in enumerate(dims):
            sizes = DIMENSION_SIZES[d] if j % 2 == 0 else DIMENSION_SIZES[d][::-1]
            choice[d] = sizes[(i + j) % len(sizes)]
        choices.append(choice)
    return choices


@dataclass(frozen=True)
class Instance:
    """A claim at concrete sizes: every matrix symbol replaced by explicit scalar entries."""

    expr: sp.Basic
    sizes: dict
    entries: dict  # concrete MatrixSymbol -> explicit matrix

    def describe_sizes(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(self.sizes.items(), key=lambda kv: str(kv[0])))


def _entry_symbol(sym: MatrixSymbol, i: int, j: int, **assumptions) -> sp.Symbol:
    assumptions = assumptions or {"real": True}
    rows, cols = sym.shape
    if cols == 1:
        return sp.Symbol(f"{sym.name}_{i + 1}", **assumptions)
    if rows == 1:
        return sp.Symbol(f"{sym.name}_{j + 1}", **assumptions)
    return sp.Symbol(f"{sym.name}_{i + 1}{j + 1}", **assumptions)


def instantiate(expr: sp.Basic, assumptions: Iterable[Assumption], sizes: Mapping[sp.Symbol, int]) -> Instance:
    """Substitute concrete sizes and replace each matrix symbol by a matrix of real scalars."""
    if isinstance(expr, Relational):
        # Rebuild unevaluated: substituting into Eq(A, B) would otherwise decide it on the spot.
        lhs, rhs = (_instantiate_side(side, tuple(assumptions), tuple(sizes.items())) for side in (expr.lhs, expr.rhs))
        relation = type(expr)(lhs.expr, rhs.expr, evaluate=False)
        return Instance(relation, dict(sizes), {**lhs.entries, **rhs.entries})
    return _instantiate_side(expr, tuple(assumptions), tuple(sizes.items()))


@functools.lru_cache(maxsize=256)
def _instantiate_side(expr: sp.Basic, assumptions: tuple[Assumption, ...], sizes: tuple) -> Instance:
    # Remembered: the steps of a derivation share their sides (one step's right side is the
    # next one's left), and each side is checked at the same sizes.
    sizes = dict(sizes)
    # Dimension symbols stand only in shapes and as plain factors, where replacing them is
    # substituting them; xreplace does it in one rebuild, ~10× faster than subs.
    concrete = expr.xreplace({k: sp.Integer(v) for k, v in sizes.items()}) if sizes else expr
    present = concrete.atoms(MatrixSymbol)
    special = {}
    for a in assumptions:
        for s in a.at(sizes):
            if isinstance(s, MatrixSymbol) and s in present:  # (a symbol the claim lacks may be unsized)
                form = a.explicit(s)
                if form is not None:
                    special[s] = form
    entries = {}
    for m in concrete.atoms(MatrixSymbol):
        if not all(isinstance(n, (int, sp.Integer)) for n in m.shape):
            raise ValueError(f"cannot make {m} explicit: its shape {m.shape} has an unsized dimension")
        entries[m] = special.get(m) or sp.ImmutableMatrix(*m.shape, lambda i, j, m=m: _entry_symbol(m, i, j))
    return Instance(concrete.xreplace(entries), dict(sizes), entries)
