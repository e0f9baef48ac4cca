"""Convergence is a verified claim: converged_ only when the final gradient is within tol."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from numeric import ConvergenceWarning, LogisticRegression, MLPClassifier, SoftmaxRegression
from numeric.linear_loss import BinaryObjective
from numeric.solvers import SOLVERS

from .conftest import binary_objective, fit_quietly, standardised

sm = pytest.importorskip("statsmodels.api")


def _spector() -> tuple[np.ndarray, np.ndarray]:
    data = sm.datasets.spector.load()
    return np.asarray(data.exog, dtype=float), np.asarray(data.endog, dtype=float)


def test_badly_scaled_lbfgs_fit_says_it_did_not_converge() -> None:
    X, y = _spector()
    with pytest.warns(ConvergenceWarning, match=r"max\|∇J\| = [0-9.e+-]+ after"):
        model = LogisticRegression(solver="lbfgs").fit(X * 1e6, y)
    assert not model.converged_
    # The claim is checked independently: the gradient at the returned θ is above tol.
    gradient = BinaryObjective(X * 1e6, y, 0.0).gradient(np.append(model.coef_, model.intercept_))
    assert np.max(np.abs(gradient)) > model.tol


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd", "sgd"])
def test_a_converged_fit_has_its_gradient_within_tol(solver: str) -> None:
    X, y = standardised("breast_cancer")
    l2, tol = 1e-2, 1e-8
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(l2=l2, solver=solver, tol=tol, max_iter=300 if solver == "sgd" else None).fit(X, y)
    gradient = BinaryObjective(X, y.astype(float), l2).gradient(np.append(model.coef_, model.intercept_))
    reached = float(np.max(np.abs(gradient)))
    assert model.converged_ == (reached <= tol)
    if not model.converged_:
        assert any(f"{reached:.3g}" in str(w.message) for w in caught)


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd"])
def test_one_iteration_is_not_called_converged(solver: str) -> None:
    X, y = standardised("breast_cancer")
    with pytest.warns(ConvergenceWarning, match="did not reach"):
        model = LogisticRegression(l2=1e-2, solver=solver, max_iter=1).fit(X, y)
    assert not model.converged_ and model.n_iter_ <= 1


def test_zero_iterations_only_when_the_start_is_optimal() -> None:
    # Balanced labels and a feature orthogonal to them: the constant start is already the optimum.
    X = np.array([[1.0], [-1.0], [1.0], [-1.0]])
    y = np.array([0, 0, 1, 1])
    for solver in SOLVERS:
        model = LogisticRegression(solver=solver).fit(X, y)
        assert model.converged_ and model.n_iter_ == 0 and model.coef_[0] == 0.0


def test_lbfgs_at_default_settings_reaches_scikit_learns_coefficients() -> None:
    X, y = standardised("breast_cancer")
    n = len(y)
    ours = fit_quietly(LogisticRegression(l2=1.0 / n, solver="lbfgs"), X, y)
    theirs = fit_quietly(SkLogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-14, max_iter=1000), X, y)
    assert ours.converged_
    assert_allclose(ours.coef_, theirs.coef_[0], atol=1e-6)
    assert ours.intercept_ == pytest.approx(theirs.intercept_[0], abs=1e-6)
    assert binary_objective(X, y, ours.coef_, ours.intercept_, 1.0 / n) == pytest.approx(
        binary_objective(X, y, theirs.coef_, theirs.intercept_, 1.0 / n), rel=1e-12)


def test_softmax_and_mlp_report_their_gradient_too() -> None:
    X, y = standardised("iris")
    with pytest.warns(ConvergenceWarning, match=r"max\|∇J\| ="):
        soft = SoftmaxRegression(l2=1e-2, solver="gd", max_iter=3).fit(X, y)
    assert not soft.converged_
    with pytest.warns(ConvergenceWarning, match=r"max\|∇J\| ="):
        mlp = MLPClassifier(max_iter=3).fit(X, y)
    assert not mlp.converged_
