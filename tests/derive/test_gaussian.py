"""The Gaussian operators and e_k: explicit forms against SciPy/NumPy, printing, bad input."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.stats import multivariate_normal

from derive.basis import UnitVector
from derive.gaussian import DET_SIGMA, ClassDensities, DiagOf, Normal, SquaredDistances, normaliser
from derive.symbols import K, P, d, mu1, x

from .values import value

MU = sp.MatrixSymbol("mu", d, K)


def _sigma(n: int, seed: int) -> np.ndarray:
    a = np.random.default_rng(seed).normal(size=(n, n))
    return a @ a.T + 0.5 * np.eye(n)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_normal_is_the_scipy_density(n):
    rng = np.random.default_rng(n)
    sigma, mean, point = _sigma(n, n), rng.normal(size=n), rng.normal(size=n)
    at = {x: point, mu1: mean, P: np.linalg.inv(sigma), DET_SIGMA: np.linalg.det(sigma)}
    assert_allclose(value(Normal(x, mu1, P), {d: n}, at), multivariate_normal(mean, sigma).pdf(point), rtol=1e-12)
    assert_allclose(value(Normal(x, mu1, P).definition(), {d: n}, at), multivariate_normal(mean, sigma).pdf(point),
                    rtol=1e-12)


def test_per_class_columns():
    n, classes = 3, 4
    rng = np.random.default_rng(0)
    sigma, means, point = _sigma(n, 1), rng.normal(size=(n, classes)), rng.normal(size=n)
    prec = np.linalg.inv(sigma)
    at = {x: point, MU: means, P: prec, DET_SIGMA: np.linalg.det(sigma)}
    sizes = {d: n, K: classes}
    dist = np.array([(point - means[:, k]) @ prec @ (point - means[:, k]) for k in range(classes)])
    assert_allclose(value(SquaredDistances(x, MU, P), sizes, at).ravel(), dist, rtol=1e-12)
    assert_allclose(value(ClassDensities(x, MU, P), sizes, at).ravel(),
                    [multivariate_normal(means[:, k], sigma).pdf(point) for k in range(classes)], rtol=1e-12)
    assert_allclose(value(DiagOf(MU.T * P * MU), sizes, at).ravel(), np.diag(means.T @ prec @ means), rtol=1e-12)
    assert ClassDensities(x, MU, P).shape == (K, 1) and DiagOf(MU.T * P * MU).shape == (K, 1)


def test_printing():
    assert sp.latex(Normal(x, mu1, P)) == r"\mathcal{N}\left(x \mid \mu_{1}, P^{-1}\right)"
    assert sp.latex(SquaredDistances(x, MU, P)) == \
        r"\left[\left(x - \mu_{k}\right)^{\top} P \left(x - \mu_{k}\right)\right]_{k}"
    assert sp.pretty(ClassDensities(x, MU, P)) == "[𝒩(x | μₖ, P⁻¹)]ₖ"
    assert sp.latex(normaliser(2)) == r"2 \pi \sqrt{\left|\Sigma\right|}"
    assert sp.pretty(UnitVector(K, 1)) == "e₁" and sp.latex(UnitVector(K, 3)) == "e_{3}"


def test_the_determinant_is_a_positive_symbol():
    assert DET_SIGMA.is_positive and pickle.loads(pickle.dumps(DET_SIGMA)) == DET_SIGMA
    assert sp.sqrt(DET_SIGMA) ** 2 == DET_SIGMA


def test_unit_vector():
    assert UnitVector(K, 2).subs(K, 3).doit() == sp.ImmutableMatrix([0, 1, 0])
    assert UnitVector(K, 1).shape == (K, 1)
    with pytest.raises(ValueError):
        UnitVector(K, 0)
    with pytest.raises(ValueError):
        UnitVector(2, 3)


def test_bad_shapes_are_rejected():
    with pytest.raises(ValueError):
        Normal(x, sp.MatrixSymbol("m", 3, 1), P)
    with pytest.raises(TypeError):
        Normal(x, mu1, sp.Symbol("p"))
    with pytest.raises(ValueError):
        DiagOf(MU)
