"""lda-logistic: θ and θ₀ reproduce the posterior of two Gaussians, computed independently by SciPy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.special import expit
from scipy.stats import multivariate_normal

from derive import REGISTRY, sigmoid
from derive.derivations.lda_logistic import LOG_ODDS, POSTERIOR, THETA, THETA0
from derive.gaussian import DET_SIGMA
from derive.ops import Dot
from derive.symbols import P, d, mu0, mu1, pi0, pi1, x

from .values import value


def _problem(n: int, seed: int):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    sigma = a @ a.T + 0.5 * np.eye(n)
    means = rng.normal(size=(2, n))
    prior1 = rng.uniform(0.1, 0.9)
    return sigma, means, np.array([1 - prior1, prior1]), rng.normal(scale=2.0, size=(12, n))


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_theta_gives_the_scipy_posterior(n):
    # d = 5 is beyond the sizes the verifier checks: the formulas hold there too.
    sigma, means, priors, points = _problem(n, seed=n)
    joint = [priors[k] * multivariate_normal(means[k], sigma).pdf(points) for k in (0, 1)]
    expected = joint[1] / (joint[0] + joint[1])

    params = {P: np.linalg.inv(sigma), mu0: means[0], mu1: means[1], pi0: priors[0], pi1: priors[1]}
    theta = value(THETA, {d: n}, params).ravel()
    theta0 = value(THETA0, {d: n}, params)
    assert_allclose(expit(points @ theta + theta0), expected, rtol=1e-9, atol=1e-12)


def test_the_stated_posterior_and_log_odds_are_bayes_rule():
    n = 3
    sigma, means, priors, points = _problem(n, seed=7)
    base = {P: np.linalg.inv(sigma), DET_SIGMA: np.linalg.det(sigma), mu0: means[0], mu1: means[1],
            pi0: priors[0], pi1: priors[1]}
    for point in points[:4]:
        at = {**base, x: point}
        densities = [multivariate_normal(means[k], sigma).pdf(point) for k in (0, 1)]
        assert_allclose(value(POSTERIOR, {d: n}, at),
                        priors[1] * densities[1] / (priors[0] * densities[0] + priors[1] * densities[1]), rtol=1e-10)
        assert_allclose(value(LOG_ODDS, {d: n}, at),
                        np.log(priors[1] * densities[1]) - np.log(priors[0] * densities[0]), rtol=1e-10, atol=1e-12)


def test_the_theorem_is_stated_with_the_module_constants():
    derivation = REGISTRY["lda-logistic"]
    assert derivation.statement == (sp.Eq(LOG_ODDS, Dot(THETA, x) + THETA0, evaluate=False),
                                    sp.Eq(POSTERIOR, sigmoid(Dot(THETA, x) + THETA0), evaluate=False))
    assert derivation.chain_problems() == {}
