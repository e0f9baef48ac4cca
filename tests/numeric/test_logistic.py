"""LogisticRegression: scikit-learn's optimum on real data, solvers that agree, separable data
handled, and bad input refused with a clear message."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from derive.derivations.sgd_update import UPDATE
from derive.symbols import d as D_SYM
from derive.symbols import eps as EPS_SYM
from derive.symbols import theta0 as THETA0_SYM
from derive.symbols import y as Y_SYM
from numeric import ConvergenceWarning, LogisticRegression, SeparableDataWarning
from numeric.linear_loss import BinaryObjective
from numeric.solvers import sgd

from .conftest import binary_objective, evaluate_constant, fit_quietly, standardised


@pytest.mark.parametrize("C", [1.0, 100.0])
def test_matches_scikit_learn_on_breast_cancer(C: float) -> None:
    X, y = standardised("breast_cancer")
    n = len(y)
    ours = fit_quietly(LogisticRegression(l2=1.0 / (n * C)), X, y)
    theirs = fit_quietly(SkLogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=1000), X, y)
    j_ours = binary_objective(X, y, ours.coef_, ours.intercept_, 1.0 / (n * C))
    j_theirs = binary_objective(X, y, theirs.coef_, theirs.intercept_, 1.0 / (n * C))
    assert j_ours == pytest.approx(j_theirs, rel=1e-9)
    assert ours.loss_ == pytest.approx(j_ours, rel=1e-12)
    scale = np.max(np.abs(theirs.coef_))
    assert_allclose(ours.coef_, theirs.coef_[0], rtol=1e-6, atol=1e-6 * scale)
    assert ours.intercept_ == pytest.approx(theirs.intercept_[0], rel=1e-6, abs=1e-6 * scale)
    assert ours.converged_ and ours.separable_ == "none"


def test_unpenalised_breast_cancer_is_separable_and_says_so() -> None:
    X, y = standardised("breast_cancer")
    with pytest.warns(SeparableDataWarning, match="linearly separable"):
        model = LogisticRegression().fit(X, y)
    assert issubclass(SeparableDataWarning, ConvergenceWarning)
    assert model.separable_ == "complete" and not model.converged_ and model.l2_used_ > 0
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_) and np.isfinite(model.loss_)
    assert model.score(X, y) == 1.0
    assert np.all(np.isfinite(model.predict_proba(X)))


@pytest.mark.parametrize("solver", ["lbfgs", "gd", "sgd"])
def test_separable_data_is_detected_by_every_solver(solver: str) -> None:
    X = np.array([[-2.0, 0.5], [-1.0, -0.3], [-1.5, 0.1], [1.0, 0.2], [2.0, -0.4], [1.2, 0.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.warns(SeparableDataWarning):
        model = LogisticRegression(solver=solver, max_iter=500).fit(X, y)
    assert model.score(X, y) == 1.0 and np.all(np.isfinite(model.coef_))


def _well_conditioned(seed: int = 3, n: int = 1500, d: int = 4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < expit(X @ rng.standard_normal(d) + 0.4)).astype(int)
    return X, y


def test_all_solvers_reach_the_same_optimum() -> None:
    X, y = _well_conditioned()
    l2 = 1e-2
    newton = LogisticRegression(l2=l2).fit(X, y)
    for solver, rel_j, rel_w in (("lbfgs", 1e-12, 1e-6), ("gd", 1e-12, 1e-6), ("sgd", 1e-6, 2e-3)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # sgd never reaches tol=1e-10
            other = LogisticRegression(l2=l2, solver=solver, max_iter=100 if solver == "sgd" else None).fit(X, y)
        assert other.loss_ == pytest.approx(newton.loss_, rel=rel_j), solver
        assert_allclose(other.coef_, newton.coef_, rtol=rel_w, atol=rel_w), solver
        assert other.intercept_ == pytest.approx(newton.intercept_, rel=rel_w, abs=rel_w), solver


def test_sgd_is_reproducible_for_a_seed_and_differs_across_seeds() -> None:
    X, y = _well_conditioned(n=300)
    fit = lambda seed: LogisticRegression(l2=1e-2, solver="sgd", max_iter=5, seed=seed)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a, b, c = fit(1).fit(X, y), fit(1).fit(X, y), fit(2).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=0, atol=0)
    assert not np.allclose(a.coef_, c.coef_, rtol=1e-9, atol=0)


def test_max_iter_too_small_warns_and_returns_finite_coefficients() -> None:
    X, y = _well_conditioned()
    with pytest.warns(ConvergenceWarning, match="did not reach"):
        model = LogisticRegression(l2=1e-3, solver="gd", max_iter=2).fit(X, y)
    assert not model.converged_ and np.all(np.isfinite(model.coef_)) and model.n_iter_ == 2


def test_predict_proba_is_sigma_of_the_logit_and_accurate_in_the_tails() -> None:
    X, y = _well_conditioned()
    model = LogisticRegression(l2=1e-2).fit(X, y)
    z = X @ model.coef_ + model.intercept_
    P = model.predict_proba(X)
    assert_allclose(P[:, 1], expit(z), rtol=1e-14)
    assert_allclose(P.sum(axis=1), 1.0, rtol=1e-15)
    far = np.array([model.coef_ / np.linalg.norm(model.coef_) ** 2 * 50.0])  # z ≈ 50 + b
    assert 0.0 < model.predict_proba(far)[0, 0] < 1e-20  # σ(−z), not 1 − σ(z) = 0
    assert_allclose(model.predict(X), (z > 0).astype(int))


def test_any_two_labels_work_and_classes_1_is_the_positive_one() -> None:
    X, y = _well_conditioned()
    base = LogisticRegression(l2=1e-2).fit(X, y)
    names = np.where(y == 1, "spam", "ham")  # sorted: classes_ = [ham, spam]
    named = LogisticRegression(l2=1e-2).fit(X, names)
    assert list(named.classes_) == ["ham", "spam"]
    assert_allclose(named.coef_, base.coef_, rtol=1e-12)
    signed = LogisticRegression(l2=1e-2).fit(X, 2 * y - 1)
    assert_allclose(signed.coef_, base.coef_, rtol=1e-12)
    assert set(named.predict(X)) <= {"ham", "spam"}


@pytest.mark.parametrize("X, y, message", [
    ([[0.0, np.nan], [1.0, 2.0]], [0, 1], "NaN"),
    ([[0.0, np.inf], [1.0, 2.0]], [0, 1], "infinity"),
    ([0.0, 1.0, 2.0], [0, 1, 1], "2D array"),
    ([[0.0], [1.0], [2.0]], [0, 1], "inconsistent numbers of samples"),
    ([[0.0], [1.0], [2.0]], [1, 1, 1], "at least two classes"),
    ([[0.0], [1.0], [2.0]], [0, 1, 2], "Only binary classification is supported"),
    ([[0.0], [1.0]], [0.5, 1.5], "Unknown label type"),
])
def test_bad_training_data_is_refused_with_a_clear_message(X, y, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LogisticRegression().fit(X, y)


def test_bad_hyperparameters_are_refused() -> None:
    X, y = _well_conditioned(n=50)
    for params, message in (({"solver": "adam"}, "solver must be one of"), ({"l2": -1.0}, "l2 must be"),
                            ({"tol": 0.0}, "tol must be"), ({"max_iter": 0}, "max_iter must be"),
                            ({"solver": "sgd", "batch_size": 0}, "batch_size")):
        with pytest.raises(ValueError, match=message):
            LogisticRegression(**params).fit(X, y)


def test_prediction_input_is_checked_against_the_training_data() -> None:
    X, y = _well_conditioned()
    model = LogisticRegression(l2=1e-2).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        model.predict_proba(np.full((1, X.shape[1]), np.nan))
    with pytest.raises(ValueError, match=r"not in the training set: \[7\]"):
        model.score(X[:3], [0, 1, 7])


def test_huge_feature_scales_keep_everything_finite() -> None:
    X, y = _well_conditioned()
    X = X * 1e3  # logits in the thousands at the first steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(l2=1e-4).fit(X, y)
    assert np.isfinite(model.loss_) and np.all(np.isfinite(model.coef_))


def test_fit_reports_progress_to_a_callback() -> None:
    X, y = _well_conditioned()
    seen: list[tuple[int, float]] = []
    model = LogisticRegression(l2=1e-2).fit(X, y, callback=lambda it, value: seen.append((it, value)))
    assert [it for it, _ in seen] == list(range(1, model.n_iter_ + 1))
    values = [v for _, v in seen]
    assert values == sorted(values, reverse=True) and values[-1] == pytest.approx(model.loss_)


@pytest.mark.parametrize("label", [0, 1])
def test_one_sgd_step_is_the_lectures_update(label: int) -> None:
    """One example, one step, no averaging: θ ← θ − ε(σ(θᵀx + θ₀) − y)x (sgd-update's UPDATE)."""
    x = np.array([0.5, -1.2, 2.0])
    theta0 = np.array([0.3, 0.1, -0.4, 0.25])  # (θ, θ₀)
    objective = BinaryObjective(x[None, :], np.array([float(label)]))
    result = sgd(objective, theta0, max_iter=1, learning_rate=0.7, batch_size=1, averaging=False)
    want = evaluate_constant(UPDATE, {D_SYM: 3}, {"theta": theta0[:3, None], "x": x[:, None]},
                             {THETA0_SYM: theta0[3], Y_SYM: label, EPS_SYM: 0.7})
    assert_allclose(result.theta[:3], want.ravel(), rtol=1e-14)
