"""lda-softmax: softmax(θᵀx + θ₀) is the posterior of K Gaussians (computed by SciPy), and the
lecture's normaliser |Σ| gives the same posterior as the density's |Σ|^{1/2}."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import softmax
from scipy.stats import multivariate_normal

from derive import REGISTRY
from derive.derivations.lda_softmax import LECTURE_DENSITIES, MU, PI, POSTERIOR, THETA0_K, THETA_K
from derive.gaussian import DET_SIGMA
from derive.symbols import K, P, d, x

from .values import value


def _problem(n: int, classes: int, seed: int):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    sigma = a @ a.T + 0.5 * np.eye(n)
    means = rng.normal(size=(n, classes))
    priors = rng.dirichlet(np.ones(classes))
    return sigma, means, priors, rng.normal(scale=2.0, size=(10, n))


@pytest.mark.parametrize("n, classes", [(1, 2), (2, 3), (3, 4), (4, 5), (5, 3)])
def test_softmax_of_theta_gives_the_scipy_posterior(n, classes):
    sigma, means, priors, points = _problem(n, classes, seed=10 * n + classes)
    joint = np.stack([priors[k] * multivariate_normal(means[:, k], sigma).pdf(points) for k in range(classes)], axis=1)
    expected = joint / joint.sum(axis=1, keepdims=True)

    params = {P: np.linalg.inv(sigma), MU: means, PI: priors}
    sizes = {d: n, K: classes}
    theta = value(THETA_K, sizes, params)          # d×K: column k is θ_k = Σ⁻¹μ_k
    theta0 = value(THETA0_K, sizes, params).ravel()
    assert theta.shape == (n, classes)
    assert_allclose(softmax(points @ theta + theta0, axis=1), expected, rtol=1e-9, atol=1e-12)


def test_the_lecture_normaliser_gives_the_same_posterior():
    n, classes = 3, 4
    sigma, means, priors, points = _problem(n, classes, seed=3)
    params = {P: np.linalg.inv(sigma), DET_SIGMA: np.linalg.det(sigma), MU: means, PI: priors}
    sizes = {d: n, K: classes}
    for point in points[:3]:
        at = {**params, x: point}
        true = np.array([multivariate_normal(means[:, k], sigma).pdf(point) for k in range(classes)])
        lecture = value(LECTURE_DENSITIES, sizes, at).ravel()
        # The slip is real (the densities differ by |Σ|^{1/2}) ...
        assert_allclose(lecture, true / np.sqrt(np.linalg.det(sigma)), rtol=1e-10)
        # ... and harmless (Bayes' rule cancels it).
        assert_allclose(value(POSTERIOR, sizes, at).ravel(), priors * true / (priors @ true), rtol=1e-10)
        assert_allclose(priors * lecture / (priors @ lecture), priors * true / (priors @ true), rtol=1e-10)


def test_both_theorems_are_stated():
    derivation = REGISTRY["lda-softmax"]
    assert derivation.chain_problems() == {}
    assert len(derivation.statement) == 2 and derivation.statement[1].rhs == POSTERIOR
    assert any("|Σ|^{1/2}" in note for note in derivation.notes)
