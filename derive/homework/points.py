"""Where answers are evaluated: points that respect a target's assumptions and bindings.

* **random points** come from the engine's samplers (``Assumption.sample``), as in
  ``derive.verify``, with mpmath numbers;
* **special points** are exact rationals: 0, ±1, ½, identity and simple SPD matrices, one-hot
  vectors at either end, priors ½ and ¼;
* **exact random points** are rationals drawn from a seed that the caller derives from the
  answer itself, so no answer can be tuned to vanish at them.

Bound symbols (p ≡ σ(z), s ≡ softmax(a), P ≡ Σ⁻¹, ...) are computed from their definitions
at each point, in the numbers of the point (mpmath or exact), so every point satisfies them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import mpmath
import sympy as sp

from ..assumptions import (Assumption, Binary, Interval, OneHot, Positive, Real, Simplex,
                           SymmetricPositiveDefinite, instantiate)
from .evaluate import EXACT, NUMERIC, SYMBOLIC, Backend, Env, Mat, Program, compile_expr
from .targets import Target

__all__ = ["Point", "Layout", "layout", "random_points", "special_points", "exact_random_points",
           "symbolic_env", "format_value", "describe_point", "to_numeric", "regroup"]


@dataclass(frozen=True)
class Point:
    """One point: its values (``env``), whether they are exact, and where it came from."""

    env: Env
    exact: bool
    origin: str
    group: int = -1  # points sharing a group differ only in the target's ``modulo`` symbols


@dataclass
class Layout:
    """A target made explicit at one set of sizes: each symbol's entries and the bindings' programs."""

    target: Target
    sizes: dict[sp.Symbol, int]
    # Keyed by the symbols as declared (shapes in d, K, m): each one's explicit matrix at these
    # sizes, or the scalar symbol itself.  Assumptions are asked with sizes {} and these
    # entries, which spares a substitution per symbol per point.
    entries: dict[sp.Basic, Any]
    bindings: list[tuple[sp.Basic, Program]]
    size_names: dict[str, int] = field(default_factory=dict)
    _scalars: dict[tuple, list[sp.Symbol]] = field(default_factory=dict)

    def scalars_of(self, symbols: Iterable[sp.Basic]) -> list[sp.Symbol]:
        symbols = tuple(symbols)
        if symbols not in self._scalars:
            out = []
            for s in symbols:
                value = self.entries.get(s, s)
                out += list(value) if getattr(value, "is_Matrix", False) else [value]
            self._scalars[symbols] = list(dict.fromkeys(out))
        return self._scalars[symbols]


_LAYOUTS: dict[tuple[str, tuple], Layout] = {}


def layout(target: Target, sizes: Mapping[str, int]) -> Layout:
    """The target at concrete sizes (only the dimensions it uses are fixed); cached."""
    dims = {d: sizes[d.name] for d in target.dimensions()}
    cache_key = (target.name, tuple(sorted((d.name, n) for d, n in dims.items())))
    if cache_key not in _LAYOUTS:
        inst = instantiate(sp.Tuple(*target.all_symbols()), target.assumptions, dims)
        entries: dict[sp.Basic, Any] = {}
        for s in target.all_symbols():
            entries[s] = inst.entries[s.subs(dims)] if isinstance(s, sp.MatrixSymbol) else s
        bindings = [(b.symbol, compile_expr(b.definition)) for b in target.bindings]
        _LAYOUTS[cache_key] = Layout(target, dims, entries, bindings, {d.name: n for d, n in dims.items()})
    return _LAYOUTS[cache_key]


def _env_from(lay: Layout, values: Mapping[sp.Symbol, Any], backend: Backend) -> Env:
    """An Env from scalar entry values, with the bindings evaluated in ``backend``'s numbers."""
    env = Env(sizes=dict(lay.size_names))
    for sym in lay.target.all_symbols():
        explicit = lay.entries[sym]
        if isinstance(sym, sp.MatrixSymbol):
            env.mats[sym.name] = Mat(explicit.rows, explicit.cols, tuple(values.get(e, 0) for e in explicit))
        else:
            env.scalars[sym.name] = values.get(sym, 0)
    for sym, prog in lay.bindings:
        value = prog.run(env, backend)
        if isinstance(sym, sp.MatrixSymbol):
            env.mats[sym.name] = value if isinstance(value, Mat) else Mat(1, 1, (value,))
        else:
            env.scalars[sym.name] = value.data[0] if isinstance(value, Mat) else value
    _add_entry_names(lay, env)
    return env


def _add_entry_names(lay: Layout, env: Env) -> None:
    # Entry symbols (x_1, P_12, ...) by name too, for keys that had to be made explicit first.
    for sym in lay.target.all_symbols():
        if isinstance(sym, sp.MatrixSymbol):
            explicit = lay.entries[sym]
            mat = env.mats[sym.name]
            for e, v in zip(explicit, mat.data):
                if isinstance(e, sp.Symbol):
                    env.scalars.setdefault(e.name, v)


def _draw(lay: Layout, rng: random.Random) -> dict[sp.Symbol, mpmath.mpf]:
    """One random point from the engine's samplers; Real(-2, 2) for anything not assumed."""
    point: dict = {}
    for a in lay.target.assumptions:
        drawn = a.sample(rng, lay.entries, {})
        if isinstance(a, Simplex):
            # The engine's sampler divides by a float sum, so its values sum to 1 only to about
            # 1e-16; at 50 digits that would tell π₀ + π₁ apart from 1.  Renormalise exactly.
            total = mpmath.fsum(drawn.values())
            drawn = {k: v / total for k, v in drawn.items()}
        point.update(drawn)
    default = Real(sp.Symbol("_"))
    for s in lay.scalars_of(lay.target.all_symbols()):
        if s not in point:
            point[s] = default.draw(rng)
    return point


def random_points(target: Target, sizes: Mapping[str, int], n: int, seed: int) -> list[Point]:
    """``n`` random points (mpmath numbers).  With ``target.modulo`` they come in pairs that share
    every value except those of the modulo symbols."""
    lay = layout(target, sizes)
    rng = random.Random(seed)
    keep = lay.scalars_of([s for s in target.all_symbols() if s not in target.modulo])
    out = []
    for k in range(n):
        values = _draw(lay, rng)
        if target.modulo and k % 2 == 1:
            values.update({s: out[-1][1][s] for s in keep})
        out.append((k // 2 if target.modulo else -1, values))
    return [Point(_env_from(lay, v, NUMERIC), False, "random", g) for g, v in out]


# --- exact points --------------------------------------------------------------------------------

_REAL_PATTERNS = [
    lambda i: sp.S.Zero,
    lambda i: sp.S.One,
    lambda i: sp.S.One if i % 2 == 0 else sp.S.NegativeOne,
    lambda i: (sp.S.Half, sp.S.NegativeOne, sp.Integer(2), sp.Rational(-1, 3))[i % 4],
]
_POSITIVE = [sp.S.One, sp.Integer(2), sp.S.Half, sp.Integer(3)]
_FRACTIONS = [sp.S.Half, sp.Rational(1, 4), sp.Rational(3, 4), sp.Rational(1, 3)]


def _spd(n: int, k: int) -> list[list[sp.Rational]]:
    """Simple symmetric positive-definite matrices: I, I + J (ones), diag(1..n), tridiag(−1, 2, −1)."""
    if k == 0:
        return [[sp.Integer(int(i == j)) for j in range(n)] for i in range(n)]
    if k == 1:
        return [[sp.Integer(2 if i == j else 1) for j in range(n)] for i in range(n)]
    if k == 2:
        return [[sp.Integer(i + 1 if i == j else 0) for j in range(n)] for i in range(n)]
    return [[sp.Integer(2 if i == j else (-1 if abs(i - j) == 1 else 0)) for j in range(n)] for i in range(n)]


def _cells(a: Assumption, lay: Layout) -> list[Any]:
    """The explicit form (matrix or symbol) of each symbol of an assumption, at the layout's sizes."""
    return [lay.entries.get(s, s) for s in a.symbols]


def _flat(cells: list[Any]) -> list[sp.Symbol]:
    out = []
    for c in cells:
        out += list(c) if getattr(c, "is_Matrix", False) else [c]
    return list(dict.fromkeys(out))


def _exact_values(lay: Layout, pick) -> dict[sp.Symbol, sp.Rational]:
    """Exact values for every scalar entry; ``pick(kind, i, n)`` chooses within each kind."""
    values: dict[sp.Symbol, sp.Rational] = {}
    for a in lay.target.assumptions:
        cells = _cells(a, lay)
        if isinstance(a, SymmetricPositiveDefinite):
            for c in cells:
                m = pick("spd", 0, c.rows)
                for i in range(c.rows):
                    for j in range(c.cols):
                        values[c[i, j]] = m[i][j]
        elif isinstance(a, OneHot):
            for c in cells:
                hot = pick("onehot", 0, len(c))
                values.update({e: sp.Integer(int(i == hot)) for i, e in enumerate(c)})
        elif isinstance(a, Simplex):
            scalars = _flat(cells)
            raw = [pick("positive", i, len(scalars)) for i in range(len(scalars))]
            total = sum(raw)
            values.update({e: r / total for e, r in zip(scalars, raw)})
        else:
            for i, e in enumerate(_flat(cells)):
                if e in values:
                    continue
                if isinstance(a, Binary):
                    values[e] = pick("binary", i, 0)
                elif isinstance(a, Interval):
                    values[e] = sp.Rational(a.low) + (sp.Rational(a.high) - sp.Rational(a.low)) * pick("fraction", i, 0)
                elif isinstance(a, Positive):
                    values[e] = pick("positive", i, 0)
                else:
                    values[e] = pick("real", i, 0)
    for i, e in enumerate(lay.scalars_of(lay.target.all_symbols())):
        values.setdefault(e, pick("real", i, 0))
    return values


def special_points(target: Target, sizes: Mapping[str, int]) -> list[Point]:
    """Four exact points built from 0, ±1, ½, 2, simple SPD matrices and one-hot ends."""
    lay = layout(target, sizes)
    out = []
    for k in range(4):
        def pick(kind: str, i: int, n: int, k=k):
            if kind == "spd":
                return _spd(n, k)
            if kind == "onehot":
                return 0 if k % 2 == 0 else n - 1
            if kind == "binary":
                return sp.Integer((k + i) % 2)
            if kind == "fraction":
                return _FRACTIONS[k]
            if kind == "positive":
                return _POSITIVE[(k + i) % len(_POSITIVE)]
            return _REAL_PATTERNS[k](i)
        values = _exact_values(lay, pick)
        out.append(_exact_point(lay, values, f"special point {k + 1}", group=-1))
    if target.modulo:
        out = _modulo_twins(target, lay, out)
    return out


def exact_random_points(target: Target, sizes: Mapping[str, int], n: int, seed: int) -> list[Point]:
    """``n`` exact points with small rational coordinates drawn from ``seed``."""
    lay = layout(target, sizes)
    rng = random.Random(seed)

    def pick(kind: str, i: int, size: int):
        if kind == "spd":
            a = [[sp.Rational(rng.randint(-4, 4), 2) for _ in range(size)] for _ in range(size)]
            return [[sum(a[i][t] * a[j][t] for t in range(size)) + (1 if i == j else 0) for j in range(size)]
                    for i in range(size)]
        if kind == "onehot":
            return rng.randrange(size)
        if kind == "binary":
            return sp.Integer(rng.randint(0, 1))
        if kind == "fraction":
            return sp.Rational(rng.randint(1, 15), 16)
        if kind == "positive":
            return sp.Rational(rng.randint(1, 48), 16)
        return sp.Rational(rng.randint(-32, 32), rng.randint(1, 16))

    out = [_exact_point(lay, _exact_values(lay, pick), f"exact random point {k + 1}", -1) for k in range(n)]
    if target.modulo:
        out = _modulo_twins(target, lay, out, rng)
    return out


def _modulo_twins(target: Target, lay: Layout, points: list[Point], rng: random.Random | None = None) -> list[Point]:
    """Each point followed by a twin whose modulo symbols (only) take other exact values."""
    rng = rng or random.Random(0)
    out = []
    modulo_scalars = set(lay.scalars_of(target.modulo))
    for g, pt in enumerate(points):
        values = _values_of(lay, pt.env)

        def pick(kind, i, n):
            if kind == "spd":  # only the modulo symbols' values are used; these just fill the form
                return _spd(n, 0)
            if kind == "fraction":
                return sp.Rational(rng.randint(1, 15), 16)
            if kind == "positive":
                return sp.Rational(rng.randint(1, 48), 16)
            if kind == "binary":
                return sp.Integer(rng.randint(0, 1))
            if kind == "onehot":
                return rng.randrange(n)
            return sp.Rational(rng.randint(-32, 32), rng.randint(1, 16))
        other = _exact_values(lay, pick)
        twin = {s: (other[s] if s in modulo_scalars else v) for s, v in values.items()}
        out.append(Point(pt.env, True, pt.origin, g))
        out.append(_exact_point(lay, twin, pt.origin + " (twin)", g))
    return out


def _values_of(lay: Layout, env: Env) -> dict[sp.Symbol, Any]:
    values = {}
    for sym in lay.target.all_symbols():
        if sym in lay.target.bound:
            continue
        if isinstance(sym, sp.MatrixSymbol):
            values.update(dict(zip(lay.entries[sym], env.mats[sym.name].data)))
        else:
            values[sym] = env.scalars[sym.name]
    return values


def _exact_point(lay: Layout, values: Mapping[sp.Symbol, sp.Rational], origin: str, group: int) -> Point:
    return Point(_env_from(lay, values, EXACT), True, origin, group)


def to_numeric(lay: Layout, point: Point) -> Point:
    """An exact point's values as mpmath numbers, with the bindings recomputed numerically."""
    values = {k: (mpmath.mpf(int(v.p)) / int(v.q)) for k, v in _values_of(lay, point.env).items()}
    return Point(_env_from(lay, values, NUMERIC), False, point.origin, point.group)


def regroup(points: list[Point]) -> list[Point]:
    """Renumber twin groups so that they are unique across lists joined together."""
    out, last, next_id, seen = [], None, 0, 0
    for p in points:
        if p.group < 0:
            out.append(p)
            last = None
            continue
        if last is not None and p.group == last and seen == 1:
            out.append(Point(p.env, p.exact, p.origin, next_id - 1))
            seen = 2
        else:
            out.append(Point(p.env, p.exact, p.origin, next_id))
            next_id += 1
            seen = 1
        last = p.group
    return out


def symbolic_env(lay: Layout, *, bind: bool, backend: Backend = SYMBOLIC) -> Env:
    """Every entry as its own symbol.  ``bind=False`` leaves bound symbols as free symbols too
    (a proof there holds for every value of them); ``bind=True`` computes them from their
    definitions."""
    values = {e: e for e in lay.scalars_of(lay.target.all_symbols())}
    if bind:
        return _env_from(lay, values, backend)
    env = Env(sizes=dict(lay.size_names))
    for sym in lay.target.all_symbols():
        explicit = lay.entries[sym]
        if isinstance(sym, sp.MatrixSymbol):
            env.mats[sym.name] = Mat(explicit.rows, explicit.cols, tuple(explicit))
        else:
            env.scalars[sym.name] = explicit
    _add_entry_names(lay, env)
    return env


# --- printing ------------------------------------------------------------------------------------

def format_value(v: Any, digits: int = 8) -> str:
    """A number, vector or matrix as text: exact values as typed, mpmath numbers to ``digits``."""
    if isinstance(v, Mat):
        if v.cols == 1:
            return "[" + ", ".join(format_value(x, digits) for x in v.data) + "]"
        return "[" + ", ".join("[" + ", ".join(format_value(x, digits) for x in row) + "]" for row in v.tolist()) + "]"
    if isinstance(v, sp.Basic):
        if v.is_Rational:
            return _decimal(v)
        return mpmath.nstr(mpmath.mpf(sp.N(v, 30)), digits)
    if mpmath.isint(v) and abs(v) < 10 ** digits:
        return str(int(v))  # labels and one-hot entries print as 0 and 1
    return mpmath.nstr(v, digits)


def _decimal(r: sp.Rational) -> str:
    """A rational as a terminating decimal when it is one (−0.25), else as a fraction (1/3)."""
    if r.q == 1:
        return str(r.p)
    q = int(r.q)
    for f in (2, 5):
        while q % f == 0:
            q //= f
    if q != 1 or r.q > 10 ** 6:
        return sp.sstr(r)
    text = f"{mpmath.mpf(int(r.p)) / int(r.q)}"
    return mpmath.nstr(mpmath.mpf(int(r.p)) / int(r.q), 12) if "e" not in text else sp.sstr(r)


def describe_point(target: Target, point: Point) -> dict[str, str]:
    """The values an answer may refer to (declared symbols, bound ones included), as text."""
    out = {}
    for decl in target.symbols:
        sym = decl.obj
        v = point.env.mats.get(sym.name) if isinstance(sym, sp.MatrixSymbol) else point.env.scalars.get(sym.name)
        if v is not None:
            out[decl.name] = format_value(v)
    return out
