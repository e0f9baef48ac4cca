"""Equivalence: what passes, what must not pass, and how it is decided."""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy as sp

from derive import symbols as S
from derive.assumptions import Real
from derive.functions import sigmoid
from derive.ops import Dot
from derive.homework.equivalence import Checker, checker
from derive.homework.points import random_points, special_points
from derive.homework.targets import Target, SymbolDecl, get_target
from derive.homework.verdict import Verdict, check_expr

z, p, y, x, theta, theta0 = S.z, S.p, S.y, S.x, S.theta, S.theta0
R = sp.Rational


def outcome(target: str, expr: sp.Basic):
    return checker(get_target(target)).compare(expr)


@pytest.mark.parametrize("expr", [
    sigmoid(z) * (1 - sigmoid(z)),
    p * (1 - p),
    p - p ** 2,
    sp.exp(-z) / (1 + sp.exp(-z)) ** 2,
    sp.exp(z) / (1 + sp.exp(z)) ** 2,
    1 / (2 + sp.exp(z) + sp.exp(-z)),
    1 / (4 * sp.cosh(z / 2) ** 2),
    (1 - sp.tanh(z / 2) ** 2) / 4,
])
def test_equivalent_forms_of_sigmoid_derivative_are_equal(expr):
    o = outcome("sigmoid-derivative", expr)
    assert o.status == "equal", o.method


BUMP = lambda c: sp.exp(-c * (z - R(3, 10)) ** 2)


@pytest.mark.parametrize("expr", [
    p * (1 - p) + BUMP(1000),                       # visible only near z = 0.3 at 50 digits
    p * (1 - p) + BUMP(10 ** 6),                     # invisible at every random point
    p * (1 - p) * (1 + BUMP(10 ** 6)),               # a relative bump
    p * (1 - p) + z * (z - 1) * (z + 1) * (2 * z - 1) * BUMP(10 ** 6),  # zero at 0, ±1, ½ too
    p * (1 - p) + R(1, 10 ** 40),                    # a tiny constant
])
def test_answers_that_differ_only_in_a_narrow_region_are_caught(expr):
    o = outcome("sigmoid-derivative", expr)
    assert o.status == "different"
    assert o.counterexample and "z" in o.counterexample


def test_a_non_analytic_trick_never_passes():
    # Nonzero only where |z − 0.3| < 1e-20: no point can see it, and abs blocks the exact route.
    w = (z - R(3, 10)) ** 2
    trick = p * (1 - p) + (R(1, 10 ** 40) - w + sp.Abs(R(1, 10 ** 40) - w)) / 2
    r = check_expr("sigmoid-derivative", trick)
    assert r.verdict is not Verdict.CORRECT
    assert r.verdict is Verdict.UNDECIDED


def test_an_answer_undefined_where_the_key_is_defined_is_different():
    o = outcome("sigmoid-derivative", p * (1 - p) * z / z + sp.log(z - 10))
    assert o.status == "different"
    assert "undefined" in o.detail


def test_bindings_either_side():
    for expr in [(p - y) * x, (sigmoid(z) - y) * x, (sigmoid(Dot(theta, x) + theta0) - y) * x,
                 (sigmoid((theta.T * x)[0, 0] + theta0) - y) * x]:
        assert outcome("bce-gradient", expr).status == "equal"
    assert outcome("bce-gradient", (sigmoid(Dot(theta, x)) - y) * x).status == "different"


def test_index_notation_gives_the_entries():
    from derive.answers import INDEX_I
    assert outcome("bce-gradient", (p - y) * x[INDEX_I, 0]).status == "equal"
    assert outcome("bce-gradient", (y - p) * x[INDEX_I, 0]).status == "different"


def test_proof_by_cases_uses_the_binary_label():
    # −log(p^y (1−p)^(1−y)) equals the loss only because y ∈ {0, 1}.
    o = outcome("bce-loss", -sp.log(p ** y * (1 - p) ** (1 - y)))
    assert o.status == "equal" and "cases" in o.method
    # y² = y holds for a label, so this is the loss as well ...
    assert outcome("bce-loss", -y ** 2 * sp.log(p) - (1 - y) * sp.log(1 - p)).status == "equal"
    # ... but y = 2 is never sampled, so a formula wrong only off {0, 1} cannot be told apart: fine.


def test_counterexamples_are_reproducible():
    a = outcome("bce-gradient", (y - p) * x)
    b = outcome("bce-gradient", (y - p) * x)
    assert a.counterexample == b.counterexample


def test_points_respect_the_bindings_and_assumptions():
    target = get_target("bce-gradient")
    with mpmath.workdps(50):
        for pt in random_points(target, {"d": 3}, 10, seed=3) + special_points(target, {"d": 3}):
            e = pt.env
            th, xx = e.mats["theta"].data, e.mats["x"].data
            zz = sum(a * b for a, b in zip(th, xx)) + e.scalars["theta_0"]
            assert abs(mpmath.mpf(sp.N(e.scalars["z"], 60)) - mpmath.mpf(sp.N(zz, 60))) < 1e-40
            assert abs(mpmath.mpf(sp.N(e.scalars["p"], 60)) - 1 / (1 + mpmath.exp(-mpmath.mpf(sp.N(zz, 60))))) < 1e-40
            assert e.scalars["y"] in (0, 1)


def _shift_target() -> Target:
    u, c = sp.Symbol("u", real=True), sp.Symbol("c", real=True)
    return Target("shift-test", "u² + c up to a term free of u", u ** 2 + c, "test",
                  symbols=(SymbolDecl("u", u, "u"), SymbolDecl("c", c, "c")),
                  assumptions=(Real(u, c),), modulo=(u,))


def test_modulo_accepts_a_term_free_of_the_modulo_symbols_only():
    target = _shift_target()
    u, c = (d.obj for d in target.symbols)
    chk = Checker(target)
    assert chk.compare(u ** 2 + c).status == "equal"
    for shifted in (u ** 2 + 2 * c + 5, u ** 2, u ** 2 + sp.exp(c)):
        o = chk.compare(shifted)
        assert o.status == "equal-modulo", (shifted, o.method)
    for wrong in (u ** 2 + u, 2 * u ** 2 + c, u ** 2 + c + sp.exp(-10 ** 6 * (u - R(3, 10)) ** 2)):
        assert chk.compare(wrong).status == "different", wrong


def test_a_random_perturbation_is_never_equal():
    rng = random.Random(11)
    base = sigmoid(z) * (1 - sigmoid(z))
    for _ in range(10):
        k = R(rng.randint(1, 9), 10 ** rng.randint(1, 30))
        term = rng.choice([k, k * z, k * sp.exp(z), k * z ** 3, k * sp.sin(z) ** 2 if False else k * sp.tanh(z)])
        assert outcome("sigmoid-derivative", base + term).status == "different"
