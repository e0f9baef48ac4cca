"""Where the checker's exact values come from: special values, and secret random rationals.

* ``SpecialSource(k)``: the k-th special point (k = 0..3): 0, ±1, ½, 2, −⅓, priors ½ and ¼,
  labels 0 and 1, one-hot vectors at either end, simple SPD matrices (I, I + J, diag(1..n),
  tridiag(−1, 2, −1)).  Predictable by design: they catch answers wrong at the edges.
* ``RandomSource(rng, wide)``: rationals p/q with q drawn from [2⁴⁰, 2⁶⁰) and p from a range
  that puts |p/q| in [10⁻³, 3] (``wide=False``) or in a decade drawn from 10⁻³ … 10⁶
  (``wide=True``).  The rng is seeded from the run's secret seed (``derive.homework.seed``),
  so nobody can know the points in advance; about 2⁶⁰ values per coordinate.
"""

from __future__ import annotations

import random

import sympy as sp

from ..assumptions import ExactSource

__all__ = ["SpecialSource", "RandomSource", "DENOMINATOR_BITS", "WIDE_DECADES", "simple_spd"]

DENOMINATOR_BITS = (40, 60)   # denominators are drawn from [2^40, 2^60)
WIDE_DECADES = (-3, 5)        # a wide magnitude lies in [10^t, 10^(t+1)) for t in this range
ORDINARY_RANGE = (sp.Rational(1, 1000), sp.Integer(3))

_REAL_PATTERNS = [
    lambda i: sp.S.Zero,
    lambda i: sp.S.One,
    lambda i: sp.S.One if i % 2 == 0 else sp.S.NegativeOne,
    lambda i: (sp.S.Half, sp.S.NegativeOne, sp.Integer(2), sp.Rational(-1, 3))[i % 4],
]
_POSITIVE = [sp.S.One, sp.Integer(2), sp.S.Half, sp.Integer(3)]
_FRACTIONS = [sp.S.Half, sp.Rational(1, 4), sp.Rational(3, 4), sp.Rational(1, 3)]


def simple_spd(n: int, k: int) -> list[list[sp.Integer]]:
    """Simple symmetric positive-definite matrices: I, I + J (ones), diag(1..n), tridiag(−1, 2, −1)."""
    if k % 4 == 0:
        return [[sp.Integer(int(i == j)) for j in range(n)] for i in range(n)]
    if k % 4 == 1:
        return [[sp.Integer(2 if i == j else 1) for j in range(n)] for i in range(n)]
    if k % 4 == 2:
        return [[sp.Integer(i + 1 if i == j else 0) for j in range(n)] for i in range(n)]
    return [[sp.Integer(2 if i == j else (-1 if abs(i - j) == 1 else 0)) for j in range(n)] for i in range(n)]


class SpecialSource(ExactSource):
    """The k-th special point's values (k = 0..3)."""

    def __init__(self, k: int):
        self.k = k

    def real(self, i: int) -> sp.Rational:
        return _REAL_PATTERNS[self.k % 4](i)

    def positive(self, i: int) -> sp.Rational:
        return _POSITIVE[(self.k + i) % len(_POSITIVE)]

    def fraction(self, i: int) -> sp.Rational:
        return _FRACTIONS[self.k % 4]

    def binary(self, i: int) -> sp.Integer:
        return sp.Integer((self.k + i) % 2)

    def onehot(self, n: int) -> int:
        return 0 if self.k % 2 == 0 else n - 1

    def spd(self, n: int) -> list[list[sp.Integer]]:
        return simple_spd(n, self.k)


class RandomSource(ExactSource):
    """Secret random rationals (see the module's docstring); ``wide`` reaches magnitudes of 10⁶."""

    def __init__(self, rng: random.Random, wide: bool = False):
        self.rng = rng
        self.wide = wide

    def _between(self, low: sp.Rational, high: sp.Rational, sign: int = 1) -> sp.Rational:
        q = self.rng.randrange(1 << DENOMINATOR_BITS[0], 1 << DENOMINATOR_BITS[1])
        # ceil(low·q) and floor(high·q) in integers: SymPy's ceiling is far too slow here.
        lo = -((-int(low.p) * q) // int(low.q))
        hi = (int(high.p) * q) // int(high.q)
        return sp.Rational(sign * self.rng.randrange(lo, hi), q)

    def positive(self, i: int, sign: int = 1) -> sp.Rational:
        if not self.wide:
            return self._between(*ORDINARY_RANGE, sign)
        t = self.rng.randint(*WIDE_DECADES)
        return self._between(sp.Integer(10) ** t, sp.Integer(10) ** (t + 1), sign)

    def real(self, i: int) -> sp.Rational:
        return self.positive(i, self.rng.choice((1, -1)))

    def fraction(self, i: int) -> sp.Rational:
        return self._between(sp.Rational(1, 50), sp.Rational(49, 50))

    def binary(self, i: int) -> sp.Integer:
        return sp.Integer(self.rng.randint(0, 1))

    def onehot(self, n: int) -> int:
        return self.rng.randrange(n)

    def spd(self, n: int) -> list[list[sp.Integer]]:
        # AAᵀ + I is positive-definite for any A.  Integer entries (11 bits each, 2^(11·n²)
        # matrices) keep the exact determinant and inverse (P ≡ Σ⁻¹) cheap at the larger sizes.
        a = [[self.rng.randint(-(1 << 10), 1 << 10) for _ in range(n)] for _ in range(n)]
        return [[sp.Integer(sum(a[i][t] * a[j][t] for t in range(n)) + (1 if i == j else 0)) for j in range(n)]
                for i in range(n)]
