"""sgd-update: θ ← θ − ε(p − y)x, which moves θ toward x for y = 1 and away from it for y = 0."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.special import expit

from derive import REGISTRY, Positive, Verdict, sigmoid, verify_claim
from derive.derivations.bce_gradient import LOGIT
from derive.derivations.bernoulli_nll import LOSS
from derive.derivations.sgd_update import UPDATE
from derive.ops import Dot, Grad
from derive.symbols import d, eps, p, theta, theta0, x, y

from .concrete import at, central_difference

RNG = np.random.default_rng(13)


def loss(w: np.ndarray, w0: float, xv: np.ndarray, label: int) -> float:
    q = expit(w @ xv + w0)
    return float(-label * np.log(q) - (1 - label) * np.log1p(-q))


def test_the_update_is_the_first_result():
    assert REGISTRY["sgd-update"].statement[0].rhs == UPDATE


@pytest.mark.parametrize("label", [0, 1])
def test_update_is_a_gradient_step(label):
    w, xv, w0, rate = RNG.normal(size=3), RNG.normal(size=3), 0.4, 0.25
    numeric = w - rate * central_difference(lambda v: loss(v, w0, xv, label), w)
    new = at(UPDATE, {d: 3}, {theta: w, x: xv, theta0: w0, y: label, eps: rate})
    assert_allclose(new, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("label", [0, 1])
def test_the_step_moves_the_logit_toward_the_label_and_lowers_the_loss(label):
    for _ in range(20):
        size = int(RNG.integers(1, 6))
        w, xv, w0 = RNG.normal(size=size), RNG.normal(size=size), float(RNG.normal())
        new = at(UPDATE, {d: size}, {theta: w, x: xv, theta0: w0, y: label, eps: 1e-3})
        step_along_x = float(xv @ (new - w))
        # For y = 1 θ turns toward x (xᵀΔθ > 0); for y = 0 away from it.
        assert step_along_x > 0 if label == 1 else step_along_x < 0
        assert loss(new, w0, xv, label) < loss(w, w0, xv, label)


def test_the_step_length_is_largest_when_the_model_is_most_wrong():
    xv, w0 = np.array([1.0, -2.0]), 0.0
    lengths = []
    for scale in (-3.0, 0.0, 3.0):         # p(1|x) from small to large; the label is 1
        w = scale * xv / (xv @ xv)
        new = at(UPDATE, {d: 2}, {theta: w, x: xv, theta0: w0, y: 1, eps: 0.1})
        lengths.append(np.linalg.norm(new - w))
    assert lengths[0] > lengths[1] > lengths[2]
    assert_allclose(lengths, 0.1 * (1 - expit(np.array([-3.0, 0.0, 3.0]))) * np.linalg.norm(xv), rtol=1e-12)


def test_a_step_up_the_gradient_is_refuted():
    loss_theta = LOSS.subs(p, sigmoid(LOGIT))
    claim = sp.Eq(theta - eps * Grad(loss_theta, theta), theta + eps * (sigmoid(LOGIT) - y) * x, evaluate=False)
    assert verify_claim(claim, [Positive(eps)]).verdict is Verdict.REFUTED


def test_a_wrong_sign_claim_is_refuted():
    # For y = 0 the step along x is negative: claiming it is ≥ 0 must fail.
    claim = sp.Ge(Dot(x, -eps * sigmoid(LOGIT) * x), 0, evaluate=False)
    assert verify_claim(claim, [Positive(eps)]).verdict is Verdict.REFUTED
