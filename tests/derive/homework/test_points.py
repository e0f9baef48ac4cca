"""Points: the assumptions choose their own exact values, special and secret random ones."""

from __future__ import annotations

import random

import sympy as sp

from derive import symbols as S
from derive.assumptions import Interval, Nonzero, OneHot, Positive, Real, Simplex, SymmetricPositiveDefinite
from derive.homework.layout import exact_values, layout
from derive.homework.points import exact_random_points, special_points
from derive.homework.sources import RandomSource, SpecialSource
from derive.homework.targets import SymbolDecl, Target

theta, theta0, x = S.theta, S.theta0, S.x


def _target(*assumptions) -> Target:
    return Target("points-test", "a test", theta0, "test",
                  symbols=(SymbolDecl("theta", theta, "θ"), SymbolDecl("theta_0", theta0, "θ₀"), SymbolDecl("x", x, "x")),
                  assumptions=assumptions)


def test_a_nonzero_vector_is_never_zero_at_a_special_point():
    # The special points set reals to 0 (point 1) or ±1 …; a Nonzero θ must get none of its zeros.
    target = _target(Nonzero(theta), Real(theta0, x))
    for point in special_points(target, {"d": 3}):
        assert all(v != 0 for v in point.env.mats["theta"].data), point.origin
    # ... while a plain real vector does take the value 0 there (the special point is kept).
    plain = _target(Real(theta, theta0, x))
    assert any(all(v == 0 for v in p.env.mats["theta"].data) for p in special_points(plain, {"d": 3}))


def test_each_assumption_gives_exact_values_that_respect_it():
    y, pi0, pi1, sigma = sp.MatrixSymbol("y", 4, 1), sp.Symbol("pi_0"), sp.Symbol("pi_1"), sp.MatrixSymbol("Sigma", 3, 3)
    lam, prob = sp.Symbol("lambda"), sp.Symbol("q")
    target = Target("assumed", "a test", lam, "test",
                    symbols=tuple(SymbolDecl(n, o, n) for n, o in
                                  [("y", y), ("pi_0", pi0), ("pi_1", pi1), ("Sigma", sigma), ("lambda", lam), ("q", prob)]),
                    assumptions=(OneHot(y), Simplex(pi0, pi1), SymmetricPositiveDefinite(sigma), Positive(lam),
                                 Interval(prob, low=0.25, high=0.5)))
    lay = layout(target, {})
    for source in [SpecialSource(k) for k in range(4)] + [RandomSource(random.Random(k), wide=k % 2 == 1) for k in range(6)]:
        values = exact_values(lay, source)
        hot = [values[e] for e in lay.entries[y]]
        assert sorted(hot) == [0, 0, 0, 1]
        assert values[pi0] + values[pi1] == 1 and values[pi0] > 0 and values[pi1] > 0
        m = sp.Matrix(3, 3, [values[e] for e in lay.entries[sigma]])
        assert m == m.T and all(m[:k, :k].det() > 0 for k in (1, 2, 3))
        assert values[lam] > 0 and sp.Rational(1, 4) < values[prob] < sp.Rational(1, 2)


def test_secret_points_depend_on_the_seed_only():
    target = _target(Real(theta, theta0, x))
    a = exact_random_points(target, {"d": 3}, 2, seed=7)
    b = exact_random_points(target, {"d": 3}, 2, seed=7)
    c = exact_random_points(target, {"d": 3}, 2, seed=8)
    assert [p.values for p in a] == [p.values for p in b] != [p.values for p in c]
