"""Where answers are evaluated: points that respect a target's assumptions and bindings.

Every point is built from exact rational values of the free scalar entries, chosen by the
assumptions themselves (``Assumption.exact`` with a source from ``sources``):

* **special points**: 0, ±1, ½, identity and simple SPD matrices, one-hot vectors at either
  end, priors ½ and ¼ (``SpecialSource``);
* **random points**: secret rationals with 40- to 60-bit denominators (``RandomSource``), some
  of magnitude up to 10⁶, drawn from a seed derived from the run's secret seed.  Numeric
  points carry their exact values, so a difference can be re-checked at a higher precision
  or exactly.

Bound symbols (p ≡ σ(z), s ≡ softmax(a), P ≡ Σ⁻¹, ...) are computed from their definitions
at each point, in the numbers of the point (mpmath or exact), so every point satisfies them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Mapping

import mpmath
import sympy as sp

from ..evaluate import EXACT, NUMERIC, Env, Mat
from .layout import Layout, env_from, exact_values, free_env, layout, values_of
from .sources import RandomSource, SpecialSource
from .targets import Target

__all__ = ["Point", "random_points", "special_points", "exact_random_points", "to_numeric", "regroup",
           "format_value", "describe_point", "N_SPECIAL"]

N_SPECIAL = 4


@dataclass(frozen=True)
class Point:
    """One point: its values (``env``), whether they are exact, and where it came from.

    ``values`` holds the exact rationals of the free scalar entries the point was built from
    (a numeric point is those values rounded), so it can be rebuilt at any precision.
    """

    env: Env
    exact: bool
    origin: str
    group: int = -1  # points sharing a group differ only in the target's ``modulo`` symbols
    values: Mapping[sp.Symbol, sp.Rational] = field(default_factory=dict, compare=False, repr=False)


def _mpf(v: sp.Rational) -> mpmath.mpf:
    return mpmath.mpf(int(v.p)) / int(v.q)


def _numeric_point(lay: Layout, values: Mapping[sp.Symbol, sp.Rational], origin: str, group: int) -> Point:
    env = env_from(lay, {k: _mpf(v) for k, v in values.items()}, NUMERIC)
    return Point(env, False, origin, group, dict(values))


def _exact_point(lay: Layout, values: Mapping[sp.Symbol, sp.Rational], origin: str, group: int) -> Point:
    return Point(env_from(lay, values, EXACT), True, origin, group, dict(values))


def _free_point(lay: Layout, values: Mapping[sp.Symbol, sp.Rational], origin: str, group: int) -> Point:
    return Point(free_env(lay, values), True, origin, group, dict(values))


def random_points(target: Target, sizes: Mapping[str, int], n: int, seed: int, *, wide: int = 0) -> list[Point]:
    """``n`` random points (mpmath numbers at the current precision); the last ``wide`` of them
    reach magnitudes of 10⁶.  With ``target.modulo`` they come in pairs that share every value
    except those of the modulo symbols."""
    lay = layout(target, sizes)
    rng = random.Random(seed)
    keep = lay.scalars_of([s for s in target.all_symbols() if s not in target.modulo])
    out: list[tuple[int, dict]] = []
    for k in range(n):
        values = exact_values(lay, RandomSource(rng, wide=k >= n - wide))
        if target.modulo and k % 2 == 1:
            values.update({s: out[-1][1][s] for s in keep})
        out.append((k // 2 if target.modulo else -1, values))
    return [_numeric_point(lay, v, "random", g) for g, v in out]


def special_points(target: Target, sizes: Mapping[str, int], seed: int = 0) -> list[Point]:
    """Four exact points built from 0, ±1, ½, 2, simple SPD matrices and one-hot ends (with
    ``target.modulo``, each followed by a twin whose modulo symbols take values drawn from ``seed``)."""
    lay = layout(target, sizes)
    out = [_exact_point(lay, exact_values(lay, SpecialSource(k)), f"special point {k + 1}", -1)
           for k in range(N_SPECIAL)]
    if target.modulo:
        out = _modulo_twins(target, lay, out, random.Random(seed))
    return out


def exact_random_points(target: Target, sizes: Mapping[str, int], n: int, seed: int, *, wide: int = 0,
                        bind: bool = True) -> list[Point]:
    """``n`` exact points with secret rational coordinates drawn from ``seed`` (the last ``wide``
    of them of magnitude up to 10⁶).  ``bind=False`` leaves the bound symbols at their own
    random values (no σ or Σ⁻¹ computed: ``to_exact`` computes them when they are needed)."""
    lay = layout(target, sizes)
    rng = random.Random(seed)
    where = " at " + ", ".join(f"{k}={v}" for k, v in sorted(lay.size_names.items())) if lay.size_names else ""
    make = _exact_point if bind else _free_point
    out = [make(lay, exact_values(lay, RandomSource(rng, wide=k >= n - wide)),
                f"exact random point {k + 1}{where}", -1) for k in range(n)]
    if target.modulo:
        out = _modulo_twins(target, lay, out, rng, make)
    return out


def _modulo_twins(target: Target, lay: Layout, points: list[Point], rng: random.Random, make=None) -> list[Point]:
    """Each point followed by a twin whose modulo symbols (only) take other exact values."""
    out = []
    modulo_scalars = set(lay.scalars_of(target.modulo))
    for g, pt in enumerate(points):
        other = exact_values(lay, RandomSource(rng))
        twin = {s: (other[s] if s in modulo_scalars else v) for s, v in pt.values.items()}
        out.append(Point(pt.env, True, pt.origin, g, pt.values))
        out.append((make or _exact_point)(lay, twin, pt.origin + " (twin)", g))
    return out


def to_numeric(target: Target, point: Point) -> Point:
    """A point's exact values as mpmath numbers at the current precision, the bindings recomputed."""
    lay = layout(target, point.env.sizes)
    values = point.values or values_of(lay, point.env)
    return _numeric_point(lay, values, point.origin, point.group)


def to_exact(target: Target, point: Point) -> Point:
    """A point's exact values as an exact point (the bindings computed exactly)."""
    lay = layout(target, point.env.sizes)
    return _exact_point(lay, point.values or values_of(lay, point.env), point.origin, point.group)


def regroup(points: list[Point]) -> list[Point]:
    """Renumber twin groups so that they are unique across lists joined together."""
    out, last, next_id, seen = [], None, 0, 0
    for p in points:
        if p.group < 0:
            out.append(p)
            last = None
            continue
        if last is not None and p.group == last and seen == 1:
            out.append(Point(p.env, p.exact, p.origin, next_id - 1, p.values))
            seen = 2
        else:
            out.append(Point(p.env, p.exact, p.origin, next_id, p.values))
            next_id += 1
            seen = 1
        last = p.group
    return out


# --- printing ------------------------------------------------------------------------------------

def format_value(v: Any, digits: int = 8) -> str:
    """A number, vector or matrix as text: exact values as typed, mpmath numbers to ``digits``."""
    if isinstance(v, Mat):
        if v.cols == 1:
            return "[" + ", ".join(format_value(x, digits) for x in v.data) + "]"
        return "[" + ", ".join("[" + ", ".join(format_value(x, digits) for x in row) + "]" for row in v.tolist()) + "]"
    if isinstance(v, sp.Basic):
        if v.is_Rational:
            return _decimal(v, digits)
        return mpmath.nstr(mpmath.mpf(sp.N(v, 30)), digits)
    if mpmath.isint(v) and abs(v) < 10 ** digits:
        return str(int(v))  # labels and one-hot entries print as 0 and 1
    return mpmath.nstr(v, digits)


def _decimal(r: sp.Rational, digits: int) -> str:
    """A rational as a terminating decimal when it is a short one (−0.25), a fraction when it is
    small (1/3), else as a decimal to ``digits`` figures (a secret random rational)."""
    if r.q == 1:
        return str(r.p)
    q = int(r.q)
    for f in (2, 5):
        while q % f == 0:
            q //= f
    if q != 1 or r.q > 10 ** 6:
        return sp.sstr(r) if r.q <= 10 ** 6 else mpmath.nstr(_mpf(r), max(digits, 17))
    text = f"{_mpf(r)}"
    return mpmath.nstr(_mpf(r), 12) if "e" not in text else sp.sstr(r)


def describe_point(target: Target, point: Point) -> dict[str, str]:
    """The values an answer may refer to (declared symbols, bound ones included), as text."""
    if point.exact and point.values and target.bindings:
        # Bound values of an exact point are SymPy expressions (σ, tanh, softmax of rationals):
        # printing them through evalf is slow, so print the point rebuilt in mpmath instead.
        with mpmath.workdps(30):
            point = to_numeric(target, point)
    out = {}
    for decl in target.symbols:
        sym = decl.obj
        v = point.env.mats.get(sym.name) if isinstance(sym, sp.MatrixSymbol) else point.env.scalars.get(sym.name)
        if v is not None:
            out[decl.name] = format_value(v)
    return out
