"""verify_claim: proves what is true, refutes what is false (with a real counterexample),
and says 'undecided' rather than guessing."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive import Binary, OneHot, Positive, Probability, SymmetricPositiveDefinite, Verdict, sigmoid, verify_claim
from derive.ops import Dot, Grad, Softmax
from derive.verify import clear_cache
from derive.symbols import P, Y, a, d, theta, theta0, x, y, z

Eq = lambda l, r: sp.Eq(l, r, evaluate=False)  # noqa: E731


def test_proves_an_identity_from_definitions():
    r = verify_claim(Eq(sp.Derivative(sigmoid(z), z), sigmoid(z) * sigmoid(-z)))
    assert r.verdict is Verdict.PROVED
    assert r.counterexample is None and r.points >= 1  # a quick search ran before the proof


@pytest.mark.parametrize("wrong", [sigmoid(z) ** 2, sigmoid(z) * (1 + sigmoid(z)), -sigmoid(z) * sigmoid(-z)])
def test_refutes_wrong_derivatives_with_a_real_counterexample(wrong):
    r = verify_claim(Eq(sp.Derivative(sigmoid(z), z), wrong))
    assert r.verdict is Verdict.REFUTED
    # Re-evaluate independently at the reported point: the two sides really differ there.
    zv = mpmath.mpf(r.counterexample["z"])
    with mpmath.workdps(30):
        lhs = mpmath.diff(lambda t: 1 / (1 + mpmath.exp(-t)), zv)
        rhs = sp.lambdify(z, wrong.rewrite(sp.exp), "mpmath")(zv)
        assert abs(lhs - rhs) > 1e-6


def test_undecided_is_honest_when_no_method_succeeds():
    # True, but "expand" alone cannot see it: the verdict must not be 'proved'.
    claim = Eq(1 / (1 + sp.exp(-z)), sp.exp(z) / (1 + sp.exp(z)))
    r = verify_claim(claim, methods=["expand"])
    assert r.verdict is Verdict.UNDECIDED
    assert "numerically consistent at" in r.method and r.points >= 20
    assert verify_claim(claim).verdict is Verdict.PROVED


def test_matrix_claims_are_checked_at_each_dimension():
    grad = Grad(sp.log(1 + sp.exp(-(Dot(theta, x) + theta0))), theta)
    right = -(1 - sigmoid(Dot(theta, x) + theta0)) * x
    r = verify_claim(Eq(grad, right))
    assert r.verdict is Verdict.PROVED and "proved at d = 1..4" in r.method
    assert [dict(c)["d"] for c in r.scope.proved_at] == [1, 2, 3, 4]
    assert len(r.scope.numeric_at) == 2 and all(dict(c)["d"] > 4 for c in r.scope.numeric_at)
    assert verify_claim(Eq(grad, -sigmoid(Dot(theta, x) + theta0) * x)).verdict is Verdict.REFUTED


def test_a_transpose_is_a_shape_mismatch():
    r = verify_claim(Eq(x * x.T * theta, theta.T * x * x.T))
    assert r.verdict is Verdict.REFUTED and "shape" in r.method


def test_a_transpose_that_only_fails_for_larger_d_is_caught():
    # (θxᵀ) and (xθᵀ) agree at d = 1 only.
    r = verify_claim(Eq(theta * x.T, x * theta.T))
    assert r.verdict is Verdict.REFUTED and "at d=" in r.method and "d=1" not in r.method


def test_symmetric_precision_is_used_in_proofs_and_sampling():
    claim = Eq(Dot(x, P * theta), Dot(theta, P * x))
    assert verify_claim(claim, [SymmetricPositiveDefinite(P)]).verdict is Verdict.PROVED
    assert verify_claim(claim).verdict is Verdict.REFUTED  # without symmetry it is false


def test_binary_labels_split_the_proof_into_cases():
    p = sp.Symbol("p", real=True)
    claim = Eq(sp.log(p ** y * (1 - p) ** (1 - y)), y * sp.log(p) + (1 - y) * sp.log(1 - p))
    r = verify_claim(claim, [Binary(y), Probability(p)])
    assert r.verdict is Verdict.PROVED and "cases" in r.method
    wrong = Eq(sp.log(p ** y * (1 - p) ** (1 - y)), y * sp.log(p) + y * sp.log(1 - p))
    assert verify_claim(wrong, [Binary(y), Probability(p)]).verdict is Verdict.REFUTED


def test_one_hot_labels():
    s = Softmax(a)
    total = Dot(Y, sp.OneMatrix(*Y.shape))
    assert verify_claim(Eq(total, 1), [OneHot(Y)]).verdict is Verdict.PROVED
    assert verify_claim(Eq(total, 2), [OneHot(Y)]).verdict is Verdict.REFUTED
    assert verify_claim(Eq(Dot(s, sp.OneMatrix(*a.shape)), 1)).verdict is Verdict.PROVED


def test_sign_claims():
    assert verify_claim(sp.Gt(sigmoid(z) * (1 - sigmoid(z)), 0, evaluate=False)).verdict is Verdict.PROVED
    assert verify_claim(sp.Gt(sigmoid(z) - sp.Rational(1, 2), 0, evaluate=False)).verdict is Verdict.REFUTED
    e = sp.Symbol("e", positive=True)
    assert verify_claim(sp.Ge(e * Dot(x, x), 0, evaluate=False), [Positive(e)]).verdict is Verdict.PROVED
    assert verify_claim(sp.Ge(-e * Dot(x, x) + 0, 0, evaluate=False), [Positive(e)]).verdict is Verdict.REFUTED


def test_limits():
    t = sp.Symbol("t", positive=True)
    c = sp.Symbol("c", positive=True)
    f = 1 / (1 + sp.exp(-t * c))
    assert verify_claim(Eq(sp.Limit(f, t, sp.oo), 1), [Positive(c)]).verdict is Verdict.PROVED
    assert verify_claim(Eq(sp.Limit(f, t, sp.oo), sp.Rational(1, 2)), [Positive(c)]).verdict is Verdict.REFUTED


def test_residual_and_time_are_reported():
    r = verify_claim(Eq(z + 1, z + 1 + sp.Rational(1, 10**6)))
    assert r.verdict is Verdict.REFUTED
    assert_allclose(r.residual, 1e-6, rtol=1e-9)
    assert r.seconds > 0


def test_a_tiny_difference_is_not_rounded_away():
    # 50-digit arithmetic separates a difference of 1e-25 from zero.
    r = verify_claim(Eq(sp.exp(z), sp.exp(z) + sp.Rational(1, 10**25)))
    assert r.verdict is Verdict.REFUTED


@pytest.mark.parametrize("bad", ["not a claim", z + 1, sp.And(sp.Eq(z, z), sp.Eq(y, y))])
def test_non_relations_are_rejected(bad):
    with pytest.raises(TypeError, match="claim"):
        verify_claim(bad)


def test_unknown_methods_are_rejected():
    with pytest.raises(ValueError, match="unknown proof method"):
        verify_claim(Eq(z, z), methods=["magic"])


def test_verdicts_are_reproducible(monkeypatch):
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")  # recompute, not read back from the proof cache
    claim = Eq(sigmoid(z), sp.Rational(1, 2) + z / 4)
    first = verify_claim(claim, seed=3)
    clear_cache()  # recompute rather than recall
    second = verify_claim(claim, seed=3)
    assert first.verdict is second.verdict is Verdict.REFUTED
    assert first.counterexample == second.counterexample


def test_dimension_symbols_are_positive_integers():
    assert d.is_integer and d.is_positive
