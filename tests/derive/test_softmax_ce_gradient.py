"""softmax-ce-gradient: ∂s/∂a = diag(s) − ssᵀ, ∇_aL = s − y, ∂L/∂Θ = (s − y)xᵀ, against NumPy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.special import logsumexp, softmax

from derive import REGISTRY, OneHot, Verdict, verify_claim
from derive.derivations.softmax_ce_gradient import (
    GRADIENT_A, GRADIENT_THETA, GRADIENT_THETA_K, JACOBIAN, LOSS, LOSS_STABLE, Theta, Theta0, e_k)
from derive.ops import Diag, Grad, Jacobian, Softmax
from derive.symbols import K, Y, a, d, x

from .concrete import at, central_difference

RNG = np.random.default_rng(19)


def one_hot(k: int, size: int) -> np.ndarray:
    out = np.zeros(size)
    out[k] = 1.0
    return out


def cross_entropy(logits: np.ndarray, label: np.ndarray) -> float:
    """−yᵀ log softmax(a), with SciPy's max-shifted logsumexp."""
    return float(-(label @ (logits - logsumexp(logits))))


def test_the_theorem_states_the_constants():
    rhs = [rel.rhs for rel in REGISTRY["softmax-ce-gradient"].statement]
    assert rhs == [JACOBIAN, GRADIENT_A, LOSS_STABLE, GRADIENT_THETA, GRADIENT_THETA_K]


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_jacobian_matches_differences_of_softmax(classes):
    logits = RNG.normal(size=classes)
    numeric = np.column_stack([central_difference(lambda v: softmax(v)[i], logits) for i in range(classes)]).T
    assert_allclose(at(JACOBIAN, {K: classes}, {a: logits}), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("classes", [2, 4])
def test_gradient_in_the_logits_is_s_minus_y(classes):
    for k in range(classes):
        logits, label = 3 * RNG.normal(size=classes), one_hot(k, classes)
        numeric = central_difference(lambda v: cross_entropy(v, label), logits)
        assert_allclose(at(GRADIENT_A, {K: classes}, {a: logits, Y: label}), numeric, rtol=1e-6, atol=1e-9)


def test_one_hot_matters():
    # For a label that does not sum to 1 the gradient is s·Σy − y, not s − y.
    logits, label = RNG.normal(size=3), np.array([1.0, 1.0, 0.0])
    numeric = central_difference(lambda v: cross_entropy(v, label), logits)
    assert_allclose(numeric, softmax(logits) * label.sum() - label, rtol=1e-6)
    assert not np.allclose(at(GRADIENT_A, {K: 3}, {a: logits, Y: label}), numeric, atol=1e-3)


def test_stable_form_is_the_cross_entropy_and_stays_finite():
    for k in range(3):
        logits, label = RNG.normal(size=3), one_hot(k, 3)
        assert_allclose(at(LOSS, {K: 3}, {a: logits, Y: label}), cross_entropy(logits, label), rtol=1e-12)
        assert_allclose(at(LOSS_STABLE, {K: 3}, {a: logits, Y: label}), cross_entropy(logits, label), rtol=1e-12)
    huge = np.array([800.0, 0.0, -800.0])
    assert_allclose(at(LOSS_STABLE, {K: 3}, {a: huge, Y: one_hot(1, 3)}), 800.0, rtol=1e-12)


@pytest.mark.parametrize("classes,size", [(3, 2), (2, 4), (4, 3)])
def test_gradient_in_the_weights_matches_differences(classes, size):
    W, b, xv = RNG.normal(size=(classes, size)), RNG.normal(size=classes), RNG.normal(size=size)
    label = one_hot(int(RNG.integers(classes)), classes)
    numeric = central_difference(lambda M: cross_entropy(M @ xv + b, label), W)
    values = {Theta: W, Theta0: b, x: xv, Y: label}
    ours = at(GRADIENT_THETA, {K: classes, d: size}, values)
    assert_allclose(np.reshape(ours, (classes, size)), numeric, rtol=1e-6, atol=1e-9)
    for k in range(classes):
        row = at(GRADIENT_THETA_K, {K: classes, d: size}, {**values, e_k: one_hot(k, classes)})
        assert_allclose(row, numeric[k], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("wrong", [Y - Softmax(a), Softmax(a)])
def test_a_wrong_gradient_is_refuted(wrong):
    result = verify_claim(sp.Eq(Grad(LOSS, a), wrong, evaluate=False), [OneHot(Y)])
    assert result.verdict is Verdict.REFUTED


def test_a_wrong_jacobian_is_refuted():
    wrong = Diag(Softmax(a)) + Softmax(a) * Softmax(a).T
    assert verify_claim(sp.Eq(Jacobian(Softmax(a), a), wrong, evaluate=False)).verdict is Verdict.REFUTED
