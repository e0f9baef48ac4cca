"""MLPClassifier: backprop equals mlp-backprop's formulas and finite differences; it learns what
no linear model can."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_moons

from derive.derivations import mlp_backprop
from derive.symbols import K as K_SYM
from derive.symbols import d as D_SYM
from derive.symbols import m as M_SYM
from numeric import ConvergenceWarning, LogisticRegression, MLPClassifier
from numeric.mlp import MLPObjective, backprop, forward

from .conftest import evaluate_constant


def _weights(rng: np.random.Generator, d: int = 3, m: int = 2, K: int = 4):
    return rng.standard_normal((m, d)), rng.standard_normal(m), rng.standard_normal((K, m)), rng.standard_normal(K)


def test_backprop_of_one_example_is_mlp_backprop(rng: np.random.Generator) -> None:
    d, m, K = 3, 2, 4
    W1, b1, W2, b2 = _weights(rng, d, m, K)
    x = rng.standard_normal(d)
    y = np.eye(K)[2]
    H, A = forward(x[None, :], W1, b1, W2, b2)
    gW1, gb1, gW2, gb2 = backprop(x[None, :], y[None, :], H, A, W2)
    sizes = {D_SYM: d, M_SYM: m, K_SYM: K}
    values = {"W_1": W1, "b_1": b1[:, None], "W_2": W2, "b_2": b2[:, None], "x": x[:, None], "y": y[:, None]}
    for got, want in ((gW1, mlp_backprop.GRAD_W1), (gb1, mlp_backprop.GRAD_B1),
                      (gW2, mlp_backprop.GRAD_W2), (gb2, mlp_backprop.GRAD_B2)):
        assert_allclose(got, evaluate_constant(want, sizes, values).reshape(got.shape), rtol=1e-12, atol=1e-15)
    objective = MLPObjective(x[None, :], y[None, :], hidden=m, l2=0.0)
    theta = np.concatenate([W1.ravel(), b1, W2.ravel(), b2])
    assert objective.value(theta) == pytest.approx(evaluate_constant(mlp_backprop.LOSS, sizes, values), rel=1e-13)


def test_gradient_of_the_batch_objective_matches_central_differences(rng: np.random.Generator) -> None:
    n, d, m, K = 40, 3, 5, 3
    X = rng.standard_normal((n, d))
    Y = np.eye(K)[rng.integers(0, K, n)]
    objective = MLPObjective(X, Y, hidden=m, l2=0.05)
    theta = 0.5 * rng.standard_normal(objective.n_params)
    _, grad = objective.value_gradient(theta)
    h = 1e-6
    numeric_grad = np.array([(objective.value(theta + h * e) - objective.value(theta - h * e)) / (2 * h)
                             for e in np.eye(objective.n_params)])
    assert_allclose(grad, numeric_grad, rtol=1e-6, atol=1e-8)
    rows = rng.permutation(n)
    assert_allclose(objective.minibatch_gradient(theta, rows), grad, rtol=1e-12, atol=1e-14)


def test_learns_xor() -> None:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    model = MLPClassifier(hidden=4, l2=0.0, seed=0).fit(X, y)
    assert model.score(X, y) == 1.0 and model.loss_ < 1e-3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linear = LogisticRegression(l2=1e-3).fit(X, y)
    assert linear.score(X, y) <= 0.75  # no line separates XOR


@pytest.mark.parametrize("solver, max_iter", [("lbfgs", None), ("sgd", 150)])
def test_learns_two_moons_that_a_linear_model_cannot(solver: str, max_iter: int | None) -> None:
    X, y = make_moons(400, noise=0.1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier(hidden=16, solver=solver, max_iter=max_iter, seed=1).fit(X, y)
    linear = LogisticRegression(l2=1e-3).fit(X, y)
    assert model.score(X, y) >= 0.97
    assert linear.score(X, y) <= 0.9
    assert np.all(np.isfinite(model.predict_proba(X)))


def test_seeded_and_reproducible() -> None:
    X, y = make_moons(100, noise=0.2, random_state=1)
    fit = lambda seed: MLPClassifier(hidden=5, seed=seed, max_iter=30)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a, b, c = fit(3).fit(X, y), fit(3).fit(X, y), fit(4).fit(X, y)
    assert_allclose(a.coefs_[0], b.coefs_[0], rtol=0, atol=0)
    assert not np.allclose(a.coefs_[0], c.coefs_[0])


def test_three_classes_and_bad_settings() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((150, 2))
    y = np.digitize(np.arctan2(X[:, 1], X[:, 0]), [-1.0, 1.0])  # three angular sectors
    model = MLPClassifier(hidden=12, l2=1e-2, seed=0).fit(X, y)
    assert model.converged_
    assert model.predict_proba(X).shape == (150, 3) and model.score(X, y) > 0.9
    with pytest.raises(ValueError, match="'lbfgs' or 'sgd'"):
        MLPClassifier(solver="newton").fit(X, y)
    with pytest.raises(ValueError, match="hidden must be"):
        MLPClassifier(hidden=0).fit(X, y)
