"""logistic-geometry against NumPy: x⊥ ⟂ θ, p constant along x⊥, increasing along θ (finite
differences), and the boundary's signed distance from the least-norm solution of θᵀx = −θ₀."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.special import expit

from derive import REGISTRY, Verdict, verify_claim
from derive.assumptions import Nonzero
from derive.derivations.logistic_geometry import BOUNDARY_DISTANCE, V, X_BOUNDARY, X_PERP
from derive.ops import Dot
from derive.symbols import d, theta, theta0

from .values import value


def _problem(n: int, seed: int):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n), rng.normal(), rng.normal(size=n), rng.normal(size=n)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_perpendicular_directions_leave_p_unchanged(n):
    th, th0, v, x0 = _problem(n, seed=n)
    perp = value(X_PERP, {d: n}, {theta: th, V: v}).ravel()
    assert_allclose(th @ perp, 0, atol=1e-12)
    for alpha in (-3.0, 0.5, 10.0):
        assert_allclose(expit(th @ (x0 + alpha * perp) + th0), expit(th @ x0 + th0), rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_p_increases_along_theta(n):
    th, th0, _, x0 = _problem(n, seed=10 + n)
    h = 1e-6
    slope = (expit(th @ (x0 + h * th) + th0) - expit(th @ (x0 - h * th) + th0)) / (2 * h)
    p = expit(th @ x0 + th0)
    assert slope > 0
    assert_allclose(slope, p * (1 - p) * th @ th, rtol=1e-6)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_signed_distance_of_the_boundary(n):
    th, th0, v, _ = _problem(n, seed=20 + n)
    # The boundary point nearest the origin, found independently: the least-norm solution of θᵀx = −θ₀.
    nearest, *_ = np.linalg.lstsq(th[None, :], np.array([-th0]), rcond=None)
    distance = value(BOUNDARY_DISTANCE, {d: n}, {theta: th, theta0: th0})
    assert_allclose(abs(distance), np.linalg.norm(nearest), rtol=1e-12)
    assert_allclose(distance, th @ nearest / np.linalg.norm(th), rtol=1e-12)
    # x_b, built from v, is on the boundary.
    boundary = value(X_BOUNDARY, {d: n}, {theta: th, theta0: th0, V: v}).ravel()
    assert_allclose(th @ boundary + th0, 0, atol=1e-12)


def test_theta_must_be_nonzero_for_a_strict_increase():
    claim = sp.Gt(Dot(theta, theta), 0, evaluate=False)
    assert verify_claim(claim, [Nonzero(theta)]).verdict is Verdict.PROVED
    assert verify_claim(claim).verdict is Verdict.UNDECIDED   # θ = 0 is allowed without the assumption


def test_statement():
    derivation = REGISTRY["logistic-geometry"]
    assert derivation.chain_problems() == {}
    assert sp.Eq(Dot(theta, X_BOUNDARY) / sp.sqrt(Dot(theta, theta)), BOUNDARY_DISTANCE, evaluate=False) \
        in derivation.statement
