"""GaussianLDA: the plug-in estimates, the parameters lambdified from lda-logistic/lda-softmax
against scikit-learn's LDA and hand-written formulas, singular covariances, and the generative
fit against the discriminative one."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

from numeric import GaussianLDA, LogisticRegression
from numeric.demo import MODEL, VIOLATED, compare

from .conftest import standardised


def test_plug_in_estimates_and_two_class_parameters_by_hand() -> None:
    X, y = standardised("breast_cancer")
    model = GaussianLDA().fit(X, y)
    mu0, mu1 = X[y == 0].mean(axis=0), X[y == 1].mean(axis=0)
    centred = np.where((y == 0)[:, None], X - mu0, X - mu1)
    sigma = centred.T @ centred / len(y)
    assert_allclose(model.means_, [mu0, mu1], rtol=1e-12, atol=1e-14)
    assert_allclose(model.covariance_, sigma, rtol=1e-12, atol=1e-14)
    assert_allclose(model.priors_, [np.mean(y == 0), np.mean(y == 1)], rtol=1e-15)
    P = np.linalg.inv(sigma)
    pi1 = np.mean(y == 1)
    assert_allclose(model.coef_, P @ (mu1 - mu0), rtol=1e-8)
    assert model.intercept_ == pytest.approx(-mu1 @ P @ mu1 / 2 + mu0 @ P @ mu0 / 2 + np.log(pi1 / (1 - pi1)), rel=1e-8)


@pytest.mark.parametrize("name", ["breast_cancer", "iris", "wine"])
def test_posterior_matches_scikit_learn_lda(name: str) -> None:
    X, y = standardised(name)
    ours = GaussianLDA().fit(X, y)
    theirs = LinearDiscriminantAnalysis(solver="lsqr").fit(X, y)  # the same pooled ML covariance
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-7, atol=1e-10)
    assert (ours.predict(X) == theirs.predict(X)).all()
    if len(ours.classes_) == 2:
        assert_allclose(ours.coef_, theirs.coef_[0], rtol=1e-8)
    else:
        # Softmax logits are defined up to a common shift: compare them centred over classes.
        assert_allclose(ours.coef_ - ours.coef_.mean(axis=0), theirs.coef_ - theirs.coef_.mean(axis=0),
                        rtol=1e-8, atol=1e-10)


def test_k_class_parameters_by_hand() -> None:
    X, y = standardised("iris")
    model = GaussianLDA().fit(X, y)
    P = model.precision_
    for k in range(3):
        mu = model.means_[k]
        assert_allclose(model.coef_[k], P @ mu, rtol=1e-10)
        assert model.intercept_[k] == pytest.approx(np.log(model.priors_[k]) - mu @ P @ mu / 2, rel=1e-10)


def test_singular_covariance_says_what_to_do() -> None:
    X, y = standardised("iris")
    X = np.column_stack([X, X[:, 0] + X[:, 1]])  # a collinear fifth feature
    with pytest.raises(ValueError, match=r"singular \(rank 4 of 5\).*reg > 0"):
        GaussianLDA().fit(X, y)
    constant = np.column_stack([standardised("iris")[0], np.ones(len(y))])
    with pytest.raises(ValueError, match=r"Features \[4\]"):
        GaussianLDA().fit(constant, y)
    model = GaussianLDA(reg=1e-6).fit(X, y)
    assert np.all(np.isfinite(model.coef_)) and model.score(X, y) > 0.9
    with pytest.raises(ValueError, match="reg must be"):
        GaussianLDA(reg=-1.0).fit(X, y)


def _true_theta(model) -> tuple[np.ndarray, float]:
    """θ = Σ⁻¹(μ₁ − μ₀), θ₀ = −½μ₁ᵀΣ⁻¹μ₁ + ½μ₀ᵀΣ⁻¹μ₀ + log(π₁/π₀), written out here."""
    P = np.linalg.inv(model.cov0)
    theta = P @ (model.mu1 - model.mu0)
    theta0 = -model.mu1 @ P @ model.mu1 / 2 + model.mu0 @ P @ model.mu0 / 2 + np.log(model.pi1 / (1 - model.pi1))
    return theta, theta0


def test_generative_and_discriminative_fits_agree_when_the_model_holds() -> None:
    X, y = MODEL.sample(200_000, seed=7)
    result = compare(X, y)
    theta, theta0 = _true_theta(MODEL)
    assert_allclose(MODEL.true_parameters()[0], theta, rtol=1e-12)  # the generated formula
    for fitted, fitted0 in (result.logistic, result.lda):
        assert_allclose(fitted, theta, atol=0.03)  # sampling error at n = 2·10⁵ is ≈ 0.006
        assert fitted0 == pytest.approx(theta0, abs=0.04)
    assert result.disagreement < 0.03
    print(f"\nmodel holds: true θ={theta}, θ₀={theta0:.4f}; logistic {result.logistic}; LDA {result.lda}")


def test_generative_and_discriminative_fits_disagree_when_the_model_fails() -> None:
    X, y = VIOLATED.sample(200_000, seed=7)
    result = compare(X, y)
    # Far beyond sampling error: the two estimators target different things now.
    assert result.disagreement > 0.5
    # The discriminative fit, which is not misled by the Gaussian assumption, predicts better.
    assert result.log_loss[0] < result.log_loss[1] - 0.01
    print(f"\nmodel violated: logistic {result.logistic}; LDA {result.lda}; log-loss {result.log_loss}")


def test_lda_and_logistic_both_reach_the_same_posterior_on_the_bundled_example() -> None:
    from pathlib import Path

    from numeric.csvdata import load_csv

    table = load_csv(Path(__file__).parents[2] / "examples" / "gaussian_classes.csv", "label")
    lda = GaussianLDA().fit(table.X, table.y)
    logistic = LogisticRegression().fit(table.X, table.y)
    assert np.mean(lda.predict(table.X) == logistic.predict(table.X)) > 0.95
