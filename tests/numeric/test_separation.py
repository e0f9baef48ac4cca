"""Separation, complete or quasi-complete, certified by the linear program and reported."""

from __future__ import annotations

import numpy as np
import pytest

from numeric import LogisticRegression, MLPClassifier, SeparableDataWarning, SoftmaxRegression
from numeric.separation import find_separation

from .conftest import standardised


def _partial() -> tuple[np.ndarray, np.ndarray]:
    """x: 40 zeros then 20 ones; y random where x = 0 and always 1 where x = 1."""
    rng = np.random.default_rng(5)
    x = np.r_[np.zeros(40), np.ones(20)][:, None]
    return x, np.r_[rng.integers(0, 2, 40), np.ones(20, dtype=int)]


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd", "sgd"])
def test_partial_separation_warns_quasi_and_names_the_examples(solver: str) -> None:
    X, y = _partial()
    with pytest.warns(SeparableDataWarning, match=r"quasi-complete separation.*rows 40, 41"):
        model = LogisticRegression(solver=solver).fit(X, y)
    assert model.separable_ == "quasi" and not model.converged_ and model.l2_used_ > 0
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)
    assert np.all(model.predict(X[40:]) == 1)


def test_iris_softmax_is_quasi_separated_by_setosa() -> None:
    X, y = standardised("iris")
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    with pytest.warns(SeparableDataWarning, match=r"quasi.*'setosa' \(50 of 50\)"):
        model = SoftmaxRegression().fit(X, names)
    assert model.separable_ == "quasi" and np.all(np.isfinite(model.coef_))
    with pytest.raises(ValueError, match="separation"):
        model.bse_


def test_the_program_tells_the_three_kinds_apart() -> None:
    X, y = _partial()
    quasi = find_separation(X, y, 2)
    assert quasi.kind == "quasi" and quasi.examples.tolist() == list(range(40, 60))
    complete = find_separation(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1]), 2)
    assert complete.kind == "complete"
    # Overlapping classes: no direction separates any example without misclassifying another.
    overlap = find_separation(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 1, 0, 1]), 2)
    assert overlap.kind == "none" and len(overlap.examples) == 0
    # The certificate: the direction found misclassifies nothing and separates exactly these.
    w = quasi.direction[1] - quasi.direction[0]
    z = X @ w[:-1] + w[-1]
    assert np.all((2 * y - 1) * z >= -1e-9) and np.all(z[40:] > 0) and np.allclose(z[:40], 0, atol=1e-9)


def test_unseparated_data_fit_without_a_warning() -> None:
    import warnings

    X, y = standardised("breast_cancer")
    keep = np.r_[0:40, 300:340]
    noisy = y[keep].copy()
    noisy[::7] = 1 - noisy[::7]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparableDataWarning)
        model = LogisticRegression().fit(X[keep, :3], noisy)
    assert model.separable_ == "none" and model.l2_used_ == 0.0


def test_mlp_without_penalty_checks_its_hidden_layer() -> None:
    X = np.array([[-2.0, 0.5], [-1.0, -0.3], [-1.5, 0.1], [1.0, 0.2], [2.0, -0.4], [1.2, 0.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.warns(SeparableDataWarning):
        model = MLPClassifier(l2=0.0, hidden=3).fit(X, y)
    assert model.separable_ in ("complete", "quasi") and model.l2_used_ > 0 and not model.converged_
    assert all(np.all(np.isfinite(w)) for w in model.coefs_)
