"""sample_weight: the weighted mean of ℓ, matched against scikit-learn and against repeated rows."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from numeric import GaussianLDA, LogisticRegression, MLPClassifier, SoftmaxRegression
from numeric.linear_loss import BinaryObjective, MultinomialObjective
from numeric.mlp import MLPObjective

from .conftest import binary_objective, fit_quietly, multinomial_objective, standardised


def _weights(n: int, seed: int = 11) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 4, n).astype(float)


def _weighted_binary(X, y, coef, intercept, l2, w) -> float:
    z = X @ np.ravel(coef) + float(np.ravel(intercept)[0])
    return float(np.sum(w * (np.logaddexp(0.0, z) - y * z)) / w.sum() + 0.5 * l2 * np.sum(np.square(coef)))


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_weighted_logistic_matches_scikit_learn(solver: str) -> None:
    X, y = standardised("breast_cancer")
    w = _weights(len(y))
    l2 = 1.0 / w.sum()  # C = 1/(Σw·l2) = 1
    ours = fit_quietly(LogisticRegression(l2=l2, solver=solver), X, y, sample_weight=w)
    theirs = fit_quietly(SkLogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-14, max_iter=1000), X, y,
                         sample_weight=w)
    j_ours = _weighted_binary(X, y, ours.coef_, ours.intercept_, l2, w)
    assert j_ours == pytest.approx(_weighted_binary(X, y, theirs.coef_, theirs.intercept_, l2, w), abs=1e-8)
    assert ours.loss_ == pytest.approx(j_ours, rel=1e-12)
    assert_allclose(ours.coef_, theirs.coef_[0], atol=1e-6)


def test_weighted_softmax_matches_scikit_learn() -> None:
    X, y = standardised("wine")
    w = _weights(len(y))
    l2 = 1.0 / w.sum()
    ours = fit_quietly(SoftmaxRegression(l2=l2), X, y, sample_weight=w)
    theirs = fit_quietly(SkLogisticRegression(C=1.0, tol=1e-12, max_iter=10_000), X, y, sample_weight=w)
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    j = [multinomial_objective(X[rows], y[rows], m.coef_, m.intercept_, l2) for m in (ours, theirs)]
    assert j[0] == pytest.approx(j[1], abs=1e-8) and j[0] <= j[1] + 1e-12


@pytest.mark.parametrize("cls", [LogisticRegression, SoftmaxRegression])
@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd"])
def test_integer_weights_are_repeated_rows(cls, solver: str) -> None:
    X, y = standardised("breast_cancer" if cls is LogisticRegression else "iris")
    w = _weights(len(y))
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    weighted = cls(l2=1e-2, solver=solver).fit(X, y, sample_weight=w)
    repeated = cls(l2=1e-2, solver=solver).fit(X[rows], y[rows])
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-12)
    assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-6, atol=1e-7)


def test_objectives_with_weights_equal_repeated_rows_exactly(rng: np.random.Generator) -> None:
    X = rng.standard_normal((50, 4))
    labels = rng.integers(0, 3, 50)
    Y = np.eye(3)[labels]
    w = _weights(50)
    rows = np.repeat(np.arange(50), w.astype(int))
    pairs = [(BinaryObjective(X, (labels == 1).astype(float), 0.1, sample_weight=w),
              BinaryObjective(X[rows], (labels[rows] == 1).astype(float), 0.1)),
             (MultinomialObjective(X, Y, 0.1, sample_weight=w), MultinomialObjective(X[rows], Y[rows], 0.1)),
             (MLPObjective(X, Y, 3, 0.1, sample_weight=w), MLPObjective(X[rows], Y[rows], 3, 0.1))]
    for weighted, repeated in pairs:
        theta = 0.3 * rng.standard_normal(weighted.n_params)
        assert weighted.value(theta) == pytest.approx(repeated.value(theta), rel=1e-13)
        assert_allclose(weighted.value_gradient(theta)[1], repeated.value_gradient(theta)[1], rtol=1e-11, atol=1e-14)
        if hasattr(weighted, "value_gradient_hessian"):
            assert_allclose(weighted.value_gradient_hessian(theta)[2], repeated.value_gradient_hessian(theta)[2],
                            rtol=1e-11, atol=1e-14)
    # Doubling every weight changes nothing: the objective is the weighted *mean*.
    doubled = BinaryObjective(X, (labels == 1).astype(float), 0.1, sample_weight=2 * w)
    theta = rng.standard_normal(5)
    assert doubled.value(theta) == pytest.approx(pairs[0][0].value(theta), rel=1e-14)


def test_lda_and_mlp_take_weights_as_repeated_rows() -> None:
    X, y = standardised("iris")
    w = _weights(len(y))
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    weighted, repeated = GaussianLDA().fit(X, y, sample_weight=w), GaussianLDA().fit(X[rows], y[rows])
    for name in ("priors_", "means_", "covariance_", "coef_", "intercept_"):
        assert_allclose(getattr(weighted, name), getattr(repeated, name), rtol=1e-10, atol=1e-12)
    mlp_w = MLPClassifier(max_iter=20).fit(X, y, sample_weight=w)
    mlp_r = MLPClassifier(max_iter=20).fit(X[rows], y[rows])
    assert mlp_w.loss_ == pytest.approx(mlp_r.loss_, rel=1e-6)


def test_bad_weights_are_refused() -> None:
    X, y = standardised("iris")
    with pytest.raises(ValueError, match="[Nn]egative"):
        SoftmaxRegression().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError):
        LogisticRegression().fit(X[:100], y[:100], sample_weight=np.ones(3))
