"""SoftmaxRegression: scikit-learn's multinomial optimum on iris, wine and digits; the centred
solution; solvers that agree; separable classes detected."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from numeric import ConvergenceWarning, SeparableDataWarning, SoftmaxRegression

from .conftest import fit_quietly, multinomial_objective, standardised


@pytest.mark.parametrize("name", ["iris", "wine", "digits"])
@pytest.mark.parametrize("C", [1.0, 100.0])
def test_matches_scikit_learn_multinomial(name: str, C: float) -> None:
    X, y = standardised(name)
    n = len(y)
    l2 = 1.0 / (n * C)
    ours = fit_quietly(SoftmaxRegression(l2=l2), X, y)
    theirs = fit_quietly(SkLogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=1000), X, y)
    j_ours = multinomial_objective(X, y, ours.coef_, ours.intercept_, l2)
    j_theirs = multinomial_objective(X, y, theirs.coef_, theirs.intercept_, l2)
    assert j_ours == pytest.approx(j_theirs, rel=1e-9)
    assert ours.loss_ == pytest.approx(j_ours, rel=1e-12)
    scale = np.max(np.abs(theirs.coef_))
    # scikit-learn's intercepts are defined up to the same common shift: compare them centred.
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6, atol=1e-6 * scale)
    assert_allclose(ours.intercept_, theirs.intercept_ - theirs.intercept_.mean(), rtol=1e-6, atol=1e-6 * scale)
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-7)


def _blobs(seed: int = 1, n: int = 600, overlap: float = 1.0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [2.0, 0.5], [0.5, 2.0]])
    y = rng.integers(0, 3, n)
    return centres[y] + overlap * rng.standard_normal((n, 2)), y


def test_reports_the_centred_solution() -> None:
    X, y = _blobs()
    for l2 in (0.0, 1e-2):
        model = SoftmaxRegression(l2=l2).fit(X, y)
        assert abs(model.intercept_.sum()) < 1e-12
        assert_allclose(model.coef_.sum(axis=0), 0.0, atol=1e-12)
    # The shift it removed changes no probability.
    shifted = SoftmaxRegression(l2=0.0).fit(X, y)
    before = shifted.predict_proba(X)
    shifted.coef_ = shifted.coef_ + np.array([1.0, -2.0])
    shifted.intercept_ = shifted.intercept_ + 5.0
    assert_allclose(shifted.predict_proba(X), before, rtol=1e-12)


def test_all_solvers_reach_the_same_optimum() -> None:
    X, y = _blobs()
    l2 = 1e-2
    newton = SoftmaxRegression(l2=l2).fit(X, y)
    for solver, rel_j, rel_w in (("lbfgs", 1e-12, 1e-6), ("gd", 1e-12, 1e-6), ("sgd", 1e-5, 3e-3)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            other = SoftmaxRegression(l2=l2, solver=solver, max_iter=100 if solver == "sgd" else None).fit(X, y)
        assert other.loss_ == pytest.approx(newton.loss_, rel=rel_j), solver
        assert_allclose(other.coef_, newton.coef_, rtol=rel_w, atol=rel_w), solver
        assert_allclose(other.intercept_, newton.intercept_, rtol=rel_w, atol=rel_w), solver


def test_separable_classes_warn_and_stay_finite() -> None:
    X, y = _blobs(overlap=0.05)
    with pytest.warns(SeparableDataWarning):
        model = SoftmaxRegression().fit(X, y)
    assert model.separable_ == "complete" and model.score(X, y) == 1.0
    assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.predict_proba(X)))


def test_two_classes_give_the_logistic_model() -> None:
    # softmax over (a_0, a_1) is σ(a_1 − a_0): the centred softmax fit is half the logistic one.
    from numeric import LogisticRegression

    X, y = _blobs()
    keep = y < 2
    soft = SoftmaxRegression(l2=1e-2).fit(X[keep], y[keep])
    logistic = LogisticRegression(l2=1e-2 / 2).fit(X[keep], y[keep])
    assert_allclose(soft.coef_[1] - soft.coef_[0], logistic.coef_, rtol=1e-7)
    assert_allclose(soft.predict_proba(X[keep]), logistic.predict_proba(X[keep]), atol=1e-9)


def test_labels_and_input_checks() -> None:
    X, y = _blobs()
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = SoftmaxRegression(l2=1e-2).fit(X, names)
    assert list(model.classes_) == sorted(set(names))
    assert set(model.predict(X)) <= set(names)
    with pytest.raises(ValueError, match="at least two classes"):
        SoftmaxRegression().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="not in the training set"):
        model.score(X[:2], ["setosa", "iris-x"])
    with pytest.raises(ValueError, match="features"):
        model.predict(np.zeros((1, 5)))


def test_newton_steps_by_cholesky_and_by_conjugate_gradients_reach_the_same_optimum(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from numeric import solvers

    X, y = _blobs()
    for l2 in (1e-2, 0.0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SeparableDataWarning)
            monkeypatch.setattr(solvers, "CG_ABOVE", 10**9)
            cholesky = SoftmaxRegression(l2=l2).fit(X, y)
            monkeypatch.setattr(solvers, "CG_ABOVE", 0)
            cg = SoftmaxRegression(l2=l2).fit(X, y)
        assert cg.converged_ and cholesky.converged_
        assert cg.loss_ == pytest.approx(cholesky.loss_, rel=1e-13)
        assert_allclose(cg.coef_, cholesky.coef_, rtol=1e-7, atol=1e-8)
        assert_allclose(cg.intercept_, cholesky.intercept_, rtol=1e-7, atol=1e-8)
