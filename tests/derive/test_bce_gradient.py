"""bce-gradient: ∂L/∂z = p − y, ∇_θL = (p − y)x and ∂L/∂θ₀ = p − y, against finite differences."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.special import expit

from derive import REGISTRY, Verdict, sigmoid, verify_claim
from derive.derivations.bce_gradient import DL_DZ, GRADIENT, GRADIENT_BIAS, LOGIT
from derive.derivations.bernoulli_nll import LOSS
from derive.ops import Grad
from derive.symbols import d, p, theta, theta0, x, y, z

from .concrete import at, central_difference

RNG = np.random.default_rng(11)


def loss(w: np.ndarray, w0: float, xv: np.ndarray, label: float) -> float:
    """−y log σ(wᵀx + w₀) − (1 − y) log(1 − σ(wᵀx + w₀)), written out in NumPy."""
    q = expit(w @ xv + w0)
    return float(-label * np.log(q) - (1 - label) * np.log1p(-q))


def test_the_theorem_states_the_constants():
    assert [rel.rhs for rel in REGISTRY["bce-gradient"].statement] == [DL_DZ, GRADIENT, GRADIENT_BIAS]


@pytest.mark.parametrize("label", [0, 1, 0.3])
@pytest.mark.parametrize("logit", [-6.0, -0.4, 0.0, 1.3, 7.5])
def test_dl_dz_is_the_derivative_of_the_loss(label, logit):
    with mpmath.workdps(40):
        f = lambda t: -label * mpmath.log(1 / (1 + mpmath.exp(-t))) - (1 - label) * mpmath.log(1 - 1 / (1 + mpmath.exp(-t)))  # noqa: E731
        reference = float(mpmath.diff(f, mpmath.mpf(logit)))
    assert_allclose(at(DL_DZ, {}, {z: logit, y: label}), reference, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("size", [1, 3, 5])
@pytest.mark.parametrize("label", [0, 1])
def test_gradient_matches_central_differences(size, label):
    w, xv, w0 = RNG.normal(size=size), RNG.normal(size=size), float(RNG.normal())
    values = {theta: w, x: xv, theta0: w0, y: label}
    numeric = central_difference(lambda v: loss(v, w0, xv, label), w)
    assert_allclose(at(GRADIENT, {d: size}, values), numeric, rtol=1e-6, atol=1e-9)
    bias = central_difference(lambda v: loss(w, v[0], xv, label), np.array([w0]))[0]
    assert_allclose(at(GRADIENT_BIAS, {d: size}, values), bias, rtol=1e-6, atol=1e-9)


def test_gradient_is_the_prediction_error_times_the_input():
    w, xv = RNG.normal(size=4), RNG.normal(size=4)
    error = expit(w @ xv + 0.2) - 1
    assert_allclose(at(GRADIENT, {d: 4}, {theta: w, x: xv, theta0: 0.2, y: 1}), error * xv, rtol=1e-12)


@pytest.mark.parametrize("wrong", [(y - sigmoid(LOGIT)) * x, (sigmoid(LOGIT) - y) * theta, sigmoid(LOGIT) * x])
def test_a_wrong_gradient_is_refuted(wrong):
    claim = sp.Eq(Grad(LOSS.subs(p, sigmoid(LOGIT)), theta), wrong, evaluate=False)
    assert verify_claim(claim).verdict is Verdict.REFUTED
