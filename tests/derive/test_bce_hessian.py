"""bce-hessian: ∇²L = p(1 − p)xxᵀ, positive semi-definite; the Newton step minimises the model."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.special import expit

from derive import REGISTRY, Verdict, sigmoid, verify_claim
from derive.derivations.bce_gradient import LOGIT
from derive.derivations.bce_hessian import D2L_DZ2, HESSIAN, NEWTON_STEP, H, g
from derive.derivations.bernoulli_nll import LOSS_LOGIT
from derive.ops import Hessian
from derive.symbols import d, theta, theta0, x, y, z

from .concrete import at, central_difference

RNG = np.random.default_rng(17)


def gradient(w: np.ndarray, w0: float, xv: np.ndarray, label: int) -> np.ndarray:
    """(σ(wᵀx + w₀) − y)x, written out in NumPy."""
    return (expit(w @ xv + w0) - label) * xv


def test_the_theorem_states_the_constants():
    rhs = [rel.rhs for rel in REGISTRY["bce-hessian"].statement]
    assert rhs[0] == D2L_DZ2 and rhs[1] == HESSIAN


@pytest.mark.parametrize("logit", [-8.0, -1.0, 0.0, 0.5, 9.0])
def test_curvature_in_the_logit(logit):
    with mpmath.workdps(40):
        f = lambda t: -mpmath.log(1 / (1 + mpmath.exp(-t)))  # noqa: E731  (y = 1; y enters linearly)
        reference = float(mpmath.diff(f, mpmath.mpf(logit), 2))
    assert_allclose(at(D2L_DZ2, {}, {z: logit}), reference, rtol=1e-12)


@pytest.mark.parametrize("size", [1, 2, 4])
@pytest.mark.parametrize("label", [0, 1])
def test_hessian_matches_differences_of_the_gradient(size, label):
    w, xv, w0 = RNG.normal(size=size), RNG.normal(size=size), float(RNG.normal())
    numeric = np.column_stack([central_difference(lambda v: gradient(v, w0, xv, label)[i], w) for i in range(size)])
    ours = at(HESSIAN, {d: size}, {theta: w, x: xv, theta0: w0, y: label})
    assert_allclose(np.atleast_2d(ours), numeric, rtol=1e-6, atol=1e-9)


def test_mean_hessian_is_positive_semi_definite_and_the_mean_loss_convex():
    n, size = 30, 4
    X, labels = RNG.normal(size=(n, size)), RNG.integers(0, 2, size=n)
    w, w0 = RNG.normal(size=size), 0.3
    mean = sum(np.atleast_2d(at(HESSIAN, {d: size}, {theta: w, x: row, theta0: w0, y: 0})) for row in X) / n
    assert np.linalg.eigvalsh(mean).min() >= -1e-12
    # Convex along random lines: second differences of the mean loss are ≥ 0.
    def mean_loss(v):
        q = expit(X @ v + w0)
        return float(np.mean(-labels * np.log(q) - (1 - labels) * np.log1p(-q)))
    for _ in range(10):
        direction, h = RNG.normal(size=size), 1e-3
        second = mean_loss(w + h * direction) - 2 * mean_loss(w) + mean_loss(w - h * direction)
        assert second >= -1e-12


def test_newton_step_solves_the_model_and_minimises_it():
    size = 3
    a = RNG.normal(size=(size, size))
    hess, grad = a @ a.T + 0.5 * np.eye(size), RNG.normal(size=size)
    step = at(NEWTON_STEP, {d: size}, {H: hess, g: grad})
    assert_allclose(step, np.linalg.solve(hess, -grad), rtol=1e-12)
    model = lambda v: grad @ v + v @ hess @ v / 2  # noqa: E731
    for _ in range(20):
        assert model(step) <= model(step + 0.1 * RNG.normal(size=size))


@pytest.mark.parametrize("wrong", [-sigmoid(LOGIT) * (1 - sigmoid(LOGIT)) * x * x.T,
                                   sigmoid(LOGIT) ** 2 * x * x.T,
                                   sigmoid(LOGIT) * (1 - sigmoid(LOGIT)) * theta * x.T])
def test_a_wrong_hessian_is_refuted(wrong):
    claim = sp.Eq(Hessian(LOSS_LOGIT.subs(z, LOGIT), theta), wrong, evaluate=False)
    assert verify_claim(claim).verdict is Verdict.REFUTED
