"""The stable elementwise functions against mpmath at 50 digits, out to |z| = 1000."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from numeric import fused, stable

mpmath.mp.dps = 50
Z = np.array([-1000.0, -745.0, -700.0, -40.0, -30.0, -1.5, -1e-8, 0.0, 1e-8, 1.5, 30.0, 40.0, 700.0, 745.0, 1000.0])


def _sigmoid(z: float) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-mpmath.mpf(z)))


def _softplus(z: float) -> mpmath.mpf:
    return mpmath.log1p(mpmath.exp(mpmath.mpf(z)))  # log1p: 1 + e^{−700} would round to 1


def _close(got: np.ndarray, exact: list[mpmath.mpf]) -> None:
    """Relative error ≤ 1e-15 where the exact value is a normal float; below that (subnormal
    results, |v| < 2.2e-308) an absolute error of a few subnormal steps."""
    want = np.array([float(v) for v in exact])
    assert np.all(np.isfinite(got)), got
    normal = np.abs(want) >= np.finfo(float).tiny
    assert_allclose(got[normal], want[normal], rtol=1e-15, atol=0)
    assert_allclose(got[~normal], want[~normal], rtol=0, atol=1e-322)


@pytest.mark.parametrize("impl", [stable.sigmoid, np.vectorize(fused.sigmoid.py_func)], ids=["numpy", "scalar"])
def test_sigmoid_is_accurate_everywhere(impl) -> None:
    _close(impl(Z), [_sigmoid(z) for z in Z])


@pytest.mark.parametrize("impl", [stable.softplus, np.vectorize(fused.softplus.py_func)], ids=["numpy", "scalar"])
def test_softplus_is_accurate_everywhere(impl) -> None:
    _close(impl(Z), [_softplus(z) for z in Z])


def test_compiled_scalars_agree_with_their_python_source() -> None:
    assert_allclose([fused.sigmoid(z) for z in Z], [fused.sigmoid.py_func(z) for z in Z], rtol=1e-15, atol=0)
    assert_allclose([fused.softplus(z) for z in Z], [fused.softplus.py_func(z) for z in Z], rtol=1e-15, atol=0)


def test_log_sigmoid_is_minus_softplus_of_minus_z() -> None:
    _close(stable.log_sigmoid(Z), [-_softplus(-z) for z in Z])


def test_the_naive_forms_fail_where_the_stable_ones_do_not() -> None:
    # Why the stable forms exist: 1/(1 + e^{−z}) and log(1 + e^z) overflow at |z| = 1000.
    with np.errstate(over="ignore"):
        assert np.isinf(np.log1p(np.exp(1000.0)))
        assert np.isfinite(stable.softplus(1000.0))


def test_logsumexp_softmax_and_log_softmax_on_huge_logits() -> None:
    A = np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -1002.0], [0.0, 0.0, 0.0]])
    for row in A:
        exact_lse = mpmath.log(sum(mpmath.exp(mpmath.mpf(a)) for a in row))
        exact_s = [mpmath.exp(mpmath.mpf(a) - exact_lse) for a in row]
        assert_allclose(stable.logsumexp(row), float(exact_lse), rtol=1e-15)
        assert_allclose(stable.softmax(row), [float(v) for v in exact_s], rtol=1e-14, atol=1e-300)
        assert_allclose(stable.log_softmax(row), [float(mpmath.mpf(a) - exact_lse) for a in row], rtol=1e-15)
    assert_allclose(stable.softmax(A, axis=1).sum(axis=1), 1.0, rtol=1e-15)
