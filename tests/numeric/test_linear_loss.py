"""Objectives through X: gradients against finite differences, Hessian–vector products against
the slope of the gradient, and the blocked Hessian against the one-shot product."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, logsumexp

from derive.derivations import bce_gradient, bce_hessian, softmax_ce_gradient
from derive.symbols import K as K_SYM
from derive.symbols import d as D_SYM
from derive.symbols import theta0 as THETA0_SYM
from derive.symbols import y as Y_SYM
from numeric import design, linear_loss, parallel
from numeric.linear_loss import BinaryObjective, MultinomialObjective

from .conftest import evaluate_constant


def _binary(rng: np.random.Generator, n: int = 400, d: int = 5, l2: float = 0.03) -> BinaryObjective:
    X = rng.standard_normal((n, d))
    labels = (rng.random(n) < expit(X @ rng.standard_normal(d))).astype(float)
    return BinaryObjective(X, labels, l2)


def _multinomial(rng: np.random.Generator, n: int = 300, d: int = 4, K: int = 3, l2: float = 0.02) -> MultinomialObjective:
    X = rng.standard_normal((n, d))
    labels = rng.integers(0, K, n)
    return MultinomialObjective(X, np.eye(K)[labels], l2)


def _central_gradient(f, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    out = np.empty_like(theta)
    for j in range(len(theta)):
        e = np.zeros_like(theta)
        e[j] = h
        out[j] = (f(theta + e) - f(theta - e)) / (2 * h)
    return out


def test_binary_value_is_the_hand_written_objective(rng: np.random.Generator) -> None:
    obj = _binary(rng)
    theta = rng.standard_normal(obj.n_params)
    zs = obj.X @ theta[:-1] + theta[-1]
    want = np.mean(np.logaddexp(0, zs) - obj.y * zs) + 0.5 * obj.l2 * theta[:-1] @ theta[:-1]
    assert obj.value(theta) == pytest.approx(want, rel=1e-13)
    assert obj.value_gradient(theta)[0] == pytest.approx(want, rel=1e-13)


@pytest.mark.parametrize("make", [_binary, _multinomial], ids=["binary", "multinomial"])
def test_gradient_matches_central_differences(rng: np.random.Generator, make) -> None:
    obj = make(rng)
    theta = 0.3 * rng.standard_normal(obj.n_params)
    value, grad = obj.value_gradient(theta)
    assert_allclose(grad, _central_gradient(obj.value, theta), rtol=1e-6, atol=1e-8)
    assert_allclose(obj.gradient(theta), grad, rtol=1e-12, atol=1e-14)
    assert obj.value(theta) == pytest.approx(value, rel=1e-13)


@pytest.mark.parametrize("make", [_binary, _multinomial], ids=["binary", "multinomial"])
def test_hessian_vector_product_is_the_slope_of_the_gradient(rng: np.random.Generator, make) -> None:
    obj = make(rng)
    theta = 0.3 * rng.standard_normal(obj.n_params)
    v = rng.standard_normal(obj.n_params)
    t = 1e-5
    slope = (obj.gradient(theta + t * v) - obj.gradient(theta - t * v)) / (2 * t)
    assert_allclose(obj.hessp(theta, v), slope, rtol=1e-6, atol=1e-9)
    _, grad, hess = obj.value_gradient_hessian(theta)
    assert_allclose(hess @ v, obj.hessp(theta, v), rtol=1e-10, atol=1e-12)
    assert_allclose(hess, hess.T, rtol=0, atol=1e-14)
    assert_allclose(grad, obj.gradient(theta), rtol=1e-11, atol=1e-14)


def test_a_wrong_hessian_would_be_caught(rng: np.random.Generator) -> None:
    # The check above can fail: dropping the intercept cross terms breaks it.
    obj = _binary(rng)
    theta = 0.3 * rng.standard_normal(obj.n_params)
    _, _, hess = obj.value_gradient_hessian(theta)
    broken = hess.copy()
    broken[:-1, -1] = broken[-1, :-1] = 0.0
    v = rng.standard_normal(obj.n_params)
    assert not np.allclose(broken @ v, obj.hessp(theta, v), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("make", [_binary, _multinomial], ids=["binary", "multinomial"])
def test_blocks_and_threads_do_not_change_the_results(rng: np.random.Generator, make,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    obj = make(rng)
    theta = 0.2 * rng.standard_normal(obj.n_params)
    v = rng.standard_normal(obj.n_params)
    one_block = obj.value_gradient_hessian(theta), obj.hessp(theta, v)
    monkeypatch.setattr(design, "BLOCK_BYTES", 8 * 37)  # blocks of a few rows
    monkeypatch.setattr(parallel, "_MIN_ENTRIES_PER_THREAD", 1)  # one range per core
    many = obj.value_gradient_hessian(theta), obj.hessp(theta, v)
    assert many[0][0] == pytest.approx(one_block[0][0], rel=1e-13)
    for got, want in ((many[0][1], one_block[0][1]), (many[0][2], one_block[0][2]), (many[1], one_block[1])):
        assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_binary_hessian_is_the_hand_written_product(rng: np.random.Generator) -> None:
    obj = _binary(rng, n=1000, d=6)
    theta = 0.2 * rng.standard_normal(obj.n_params)
    h = obj.kernels.d2loss(obj.X @ theta[:-1] + theta[-1], obj.y)
    Xt = np.column_stack([obj.X, np.ones(len(obj.X))])
    direct = Xt.T @ (h[:, None] * Xt) / obj.n
    direct[np.arange(6), np.arange(6)] += obj.l2
    assert_allclose(obj.value_gradient_hessian(theta)[2], direct, rtol=1e-12, atol=1e-15)


def test_intercept_is_not_penalised(rng: np.random.Generator) -> None:
    obj = _binary(rng, l2=10.0)
    theta = np.zeros(obj.n_params)
    theta[-1] = 3.0
    zs = np.full(obj.n, 3.0)
    assert obj.value(theta) == pytest.approx(np.mean(np.logaddexp(0, zs) - obj.y * zs), rel=1e-14)


def test_multinomial_value_and_gradient_are_the_hand_written_ones(rng: np.random.Generator) -> None:
    obj = _multinomial(rng)
    theta = 0.4 * rng.standard_normal(obj.n_params)
    W, b = theta.reshape(obj.K, obj.d + 1)[:, :-1], theta.reshape(obj.K, obj.d + 1)[:, -1]
    A = obj.X @ W.T + b
    S = np.exp(A - logsumexp(A, axis=1, keepdims=True))
    want = np.mean(logsumexp(A, axis=1) - np.sum(obj.Y * A, axis=1)) + 0.5 * obj.l2 * np.sum(W * W)
    value, grad = obj.value_gradient(theta)
    assert value == pytest.approx(want, rel=1e-13)
    G = grad.reshape(obj.K, obj.d + 1)
    assert_allclose(G[:, :-1], (S - obj.Y).T @ obj.X / obj.n + obj.l2 * W, rtol=1e-12, atol=1e-15)
    assert_allclose(G[:, -1], (S - obj.Y).mean(axis=0), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_multinomial_null_directions_leave_the_objective_unchanged(rng: np.random.Generator, l2: float) -> None:
    # A common shift of the intercepts never matters; with l2 = 0 neither does a common
    # shift of the coefficients of a feature.  The gradient is orthogonal to all of them.
    obj = _multinomial(rng, l2=l2)
    theta = 0.4 * rng.standard_normal(obj.n_params)
    null = obj.null_directions()
    assert_allclose(null @ null.T, np.eye(len(null)), atol=1e-15)
    assert len(null) == (obj.d + 1 if l2 == 0 else 1)
    grad = obj.gradient(theta)
    for v in null:
        assert obj.value(theta + 2.5 * v) == pytest.approx(obj.value(theta), rel=1e-13)
        assert abs(v @ grad) < 1e-12
    if l2 > 0:  # ... and a coefficient shift does change a penalised objective
        shift = np.zeros((obj.K, obj.d + 1))
        shift[:, 0] = 1.0
        assert obj.value(theta + shift.ravel()) != pytest.approx(obj.value(theta), rel=1e-6)


@pytest.mark.parametrize("make", [_binary, _multinomial], ids=["binary", "multinomial"])
def test_minibatch_gradient_over_all_rows_is_the_gradient(rng: np.random.Generator, make) -> None:
    obj = make(rng)
    theta = 0.3 * rng.standard_normal(obj.n_params)
    rows = rng.permutation(obj.n)
    assert_allclose(obj.minibatch_gradient(theta, rows), obj.gradient(theta), rtol=1e-11, atol=1e-14)


def test_separation_is_recorded_from_the_margins(rng: np.random.Generator) -> None:
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    obj = BinaryObjective(X, np.array([0.0, 0.0, 1.0, 1.0]))
    obj.value(np.array([1.0, 0.0]))
    assert obj.separates()
    obj.value(np.array([-1.0, 0.0]))
    assert not obj.separates()
    obj.gradient(np.array([1.0, 0.0]))  # the fused pass records it too
    assert obj.separates()


def test_shared_softmax_pass_equals_the_two_kernels(rng: np.random.Generator) -> None:
    A = rng.normal(0, 30, (50, 4))
    A[0] = [1000.0, -1000.0, 999.0, 0.0]
    Y = np.eye(4)[rng.integers(0, 4, 50)]
    loss, G = linear_loss.softmax_loss_dloss(A, Y)
    assert_allclose(loss, linear_loss.softmax_loss(A, Y), rtol=1e-13, atol=1e-13)
    assert_allclose(G, linear_loss.softmax_dloss(A, Y), rtol=1e-13, atol=1e-300)
    assert np.all(np.isfinite(loss)) and np.all(np.isfinite(G))


# ---- The matrix side against the proved formulas, evaluated by SymPy at small sizes ----------

@pytest.mark.parametrize("label", [0.0, 1.0])
def test_one_example_gradient_and_hessian_are_bce_gradient_and_bce_hessian(rng: np.random.Generator, label: float) -> None:
    d = 3
    x, w, b = rng.standard_normal(d), rng.standard_normal(d), 0.7
    obj = BinaryObjective(x[None, :], np.array([label]), l2=0.0)
    _, grad, hess = obj.value_gradient_hessian(np.append(w, b))
    values = {"x": x[:, None], "theta": w[:, None]}
    scalars = {THETA0_SYM: b, Y_SYM: label}
    sizes = {D_SYM: d}
    assert_allclose(grad[:-1], evaluate_constant(bce_gradient.GRADIENT, sizes, values, scalars).ravel(), rtol=1e-13)
    assert grad[-1] == pytest.approx(evaluate_constant(bce_gradient.GRADIENT_BIAS, sizes, values, scalars), rel=1e-13)
    assert_allclose(hess[:-1, :-1], evaluate_constant(bce_hessian.HESSIAN, sizes, values, scalars), rtol=1e-12)


def test_softmax_kernels_are_softmax_ce_gradient(rng: np.random.Generator) -> None:
    K = 4
    for _ in range(3):
        a = rng.normal(0, 3, K)
        y = np.eye(K)[rng.integers(0, K)]
        values = {"a": a[:, None], "y": y[:, None]}
        want_loss = evaluate_constant(softmax_ce_gradient.LOSS, {K_SYM: K}, values)
        want_grad = evaluate_constant(softmax_ce_gradient.GRADIENT_A, {K_SYM: K}, values).ravel()
        assert linear_loss.softmax_loss(a[None, :], y[None, :])[0] == pytest.approx(want_loss, rel=1e-13)
        assert_allclose(linear_loss.softmax_dloss(a[None, :], y[None, :])[0], want_grad, rtol=1e-13, atol=1e-15)


def test_one_example_multinomial_gradient_and_hessian_are_the_proved_ones(rng: np.random.Generator) -> None:
    K, d = 3, 2
    x = rng.standard_normal(d)
    Theta, theta0 = rng.standard_normal((K, d)), rng.standard_normal(K)
    y = np.eye(K)[1]
    obj = MultinomialObjective(x[None, :], y[None, :], l2=0.0)
    theta = np.column_stack([Theta, theta0]).ravel()
    _, grad, hess = obj.value_gradient_hessian(theta)
    sizes = {K_SYM: K, D_SYM: d}
    values = {"x": x[:, None], "Theta": Theta, "theta_0": theta0[:, None], "y": y[:, None]}
    G = grad.reshape(K, d + 1)
    assert_allclose(G[:, :-1], evaluate_constant(softmax_ce_gradient.GRADIENT_THETA, sizes, values), rtol=1e-13)
    # The Hessian in the logits is the softmax Jacobian diag(s) − ssᵀ, times x̃x̃ᵀ per block.
    a = Theta @ x + theta0
    jac = evaluate_constant(softmax_ce_gradient.JACOBIAN, {K_SYM: K}, {"a": a[:, None]})
    xt = np.append(x, 1.0)
    assert_allclose(hess, np.kron(jac, np.outer(xt, xt)), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_hessian_operator_is_the_hessian(rng: np.random.Generator, l2: float) -> None:
    obj = _multinomial(rng, l2=l2)
    theta = 0.4 * rng.standard_normal(obj.n_params)
    value, grad, hess = obj.value_gradient_hessian(theta)
    value_op, grad_op, op = obj.value_gradient_hessp(theta)
    assert value_op == pytest.approx(value, rel=1e-14)
    assert_allclose(grad_op, grad, rtol=1e-13, atol=1e-15)
    assert_allclose(op.diagonal, np.diag(hess), rtol=1e-12, atol=1e-15)
    for v in rng.standard_normal((3, obj.n_params)):
        assert_allclose(op.matvec(v), hess @ v, rtol=1e-11, atol=1e-14)


def test_shared_softmax_pass_gives_the_same_with_classes_along_columns(rng: np.random.Generator) -> None:
    A = rng.normal(0, 20, (30, 5))
    Y = np.eye(5)[rng.integers(0, 5, 30)]
    rows = linear_loss.softmax_loss_dloss(A, Y)
    columns = linear_loss.softmax_loss_dloss(A.T.copy(), Y.T.copy(), axis=0)
    assert_allclose(columns[0], rows[0], rtol=1e-14, atol=1e-14)
    assert_allclose(columns[1], rows[1].T, rtol=1e-14, atol=1e-300)
