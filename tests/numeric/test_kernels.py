"""The generated kernels are the derivations' formulas: symbolically, against hand-written NumPy,
against mpmath at 50 digits out to |z| = 1000, and against finite differences."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.special import expit

from derive.derivations.bce_gradient import DL_DZ
from derive.derivations.bce_hessian import D2L_DZ2
from derive.derivations.bernoulli_nll import LOSS_LOGIT
from derive.functions import to_elementary
from derive.symbols import y, z
from numeric.fused import FusedPass
from numeric.kernels import binary_kernels

K = binary_kernels()
LOGITS = [-1000.0, -800.0, -745.0, -700.0, -40.0, -30.0, -5.0, -0.5, 0.0, 0.5, 5.0, 30.0, 40.0, 700.0, 745.0, 800.0, 1000.0]
#: e^{−1000} ≈ 10^{−434}: 1 + e^{−1000} needs ~434 digits before the 50 that are compared.
WORKING_DIGITS = 550


def test_kernels_are_built_from_the_derivation_constants() -> None:
    assert (K.loss_expr, K.dloss_expr, K.d2loss_expr) == (LOSS_LOGIT, DL_DZ, D2L_DZ2)
    # And the constants are consistent: ℓ′ = dℓ/dz, ℓ″ = dℓ′/dz.
    assert sp.simplify(to_elementary(sp.diff(LOSS_LOGIT, z) - DL_DZ)) == 0
    assert sp.simplify(to_elementary(sp.diff(DL_DZ, z) - D2L_DZ2)) == 0


@pytest.mark.parametrize("name", ["loss", "dloss", "d2loss"])
def test_the_printed_stable_form_equals_the_constant(name: str) -> None:
    original = getattr(K, f"{name}_expr")
    assert sp.simplify(to_elementary(K.stable(name) - original)) == 0


def _exact(expr: sp.Expr):
    """The derive formula evaluated by mpmath, with enough digits for 50 correct ones."""
    f = sp.lambdify((z, y), to_elementary(expr), "mpmath")

    def value(zv: float, yv: float) -> mpmath.mpf:
        with mpmath.workdps(WORKING_DIGITS):
            return +f(mpmath.mpf(zv), mpmath.mpf(yv))
    return value


@pytest.mark.parametrize("name, expr", [("loss", LOSS_LOGIT), ("dloss", DL_DZ), ("d2loss", D2L_DZ2)])
@pytest.mark.parametrize("label", [0.0, 1.0])
def test_kernels_match_mpmath_to_the_last_bits_out_to_1000(name: str, expr: sp.Expr, label: float) -> None:
    exact = _exact(expr)
    zs = np.array(LOGITS)
    got = getattr(K, name)(zs, np.full_like(zs, label))
    want = np.array([float(exact(v, label)) for v in LOGITS])
    assert np.all(np.isfinite(got))
    normal = np.abs(want) >= np.finfo(float).tiny
    # Relative accuracy wherever the answer is a normal float, even when it is 1e-300.
    assert_allclose(got[normal], want[normal], rtol=5e-15, atol=0)
    assert_allclose(got[~normal], want[~normal], rtol=0, atol=1e-320)


@pytest.mark.parametrize("name", ["loss", "dloss"])
def test_compiled_scalar_kernels_match_mpmath_too(name: str) -> None:
    scalar = K.scalar(name)
    exact = _exact(getattr(K, f"{name}_expr"))
    for label in (0.0, 1.0):
        for v in LOGITS:
            want = float(exact(v, label))
            assert scalar(v, label) == pytest.approx(want, rel=5e-15, abs=1e-320)


def test_kernels_match_hand_written_numpy(rng: np.random.Generator) -> None:
    zs = rng.normal(0, 4, 500)
    labels = (rng.random(500) < 0.5).astype(float)
    p = expit(zs)
    assert_allclose(K.loss(zs, labels), np.logaddexp(0, zs) - labels * zs, rtol=1e-13, atol=1e-15)
    assert_allclose(K.dloss(zs, labels), p - labels, rtol=1e-12, atol=1e-15)
    # p(1 − p) itself loses digits to the cancellation in 1 − p for large |z|; σ(z)σ(−z) does not.
    assert_allclose(K.d2loss(zs, labels), p * (1 - p), rtol=1e-10, atol=1e-300)


def test_naive_kernels_lose_what_the_generated_ones_keep() -> None:
    # At z = 40, y = 1: σ(z) − y = −4.2e-18, which σ(z) − 1 rounds to 0.
    assert expit(40.0) - 1.0 == 0.0
    assert K.dloss(np.array([40.0]), np.array([1.0]))[0] == pytest.approx(-np.exp(-40.0), rel=1e-14)


@pytest.mark.parametrize("name, derivative", [("loss", "dloss"), ("dloss", "d2loss")])
def test_derivatives_match_central_differences_at_mpmath_precision(name: str, derivative: str) -> None:
    """(f(z + h) − f(z − h))/2h with h = 1e-30, in mpmath: the slope the kernel must equal."""
    f = _exact(getattr(K, f"{name}_expr"))
    h = mpmath.mpf("1e-30")
    for label in (0.0, 1.0):
        for v in [-30.0, -5.0, -0.5, 0.0, 0.5, 5.0, 30.0]:
            with mpmath.workdps(WORKING_DIGITS):
                slope = (f(mpmath.mpf(v) + h, label) - f(mpmath.mpf(v) - h, label)) / (2 * h)
            got = getattr(K, derivative)(np.array([v]), np.array([label]))[0]
            assert got == pytest.approx(float(slope), rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_fused_pass_equals_numpy_on_every_thread_count(rng: np.random.Generator, threads: int) -> None:
    n, d = 3001, 7
    X = rng.standard_normal((n, d))
    labels = (rng.random(n) < 0.4).astype(float)
    w, b = rng.standard_normal(d), -0.3
    loss, grad, grad_b, margin = K.fused(X, labels, w, b, n_threads=threads)
    zs = X @ w + b
    r = expit(zs) - labels
    assert_allclose(loss, np.sum(np.logaddexp(0, zs) - labels * zs), rtol=1e-12)
    assert_allclose(grad, X.T @ r, rtol=1e-11, atol=1e-11)
    assert_allclose(grad_b, r.sum(), rtol=1e-11, atol=1e-11)
    assert margin == pytest.approx(np.min((2 * labels - 1) * zs), rel=1e-14)


def test_fused_pass_stays_finite_at_huge_logits(rng: np.random.Generator) -> None:
    X = rng.choice([-1.0, 1.0], size=(200, 3)) * 400.0  # logits up to ±1200
    labels = (rng.random(200) < 0.5).astype(float)
    w = np.array([1.0, 1.0, 0.5])
    loss, grad, grad_b, _ = K.fused(X, labels, w, 0.0)
    zs = X @ w
    assert np.isfinite(loss) and np.all(np.isfinite(grad)) and np.isfinite(grad_b)
    assert_allclose(loss, np.sum(K.loss(zs, labels)), rtol=1e-14)


def test_fused_pass_uses_the_kernels_it_is_given(rng: np.random.Generator) -> None:
    # A different ℓ′ gives a different gradient: the loop really calls the generated kernel.
    doubled = FusedPass(K.scalar("loss"), lambda zv, yv: 2.0 * (zv - yv))
    X = rng.standard_normal((50, 2))
    labels = np.ones(50)
    _, grad, _, _ = doubled(X, labels, np.zeros(2), 0.0)
    assert_allclose(grad, X.T @ (2.0 * (0.0 - labels)), rtol=1e-13)
