"""The figures' numbers come from the derived formulas: checked against independent NumPy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit

from derive import REGISTRY
from reports import figures as F
from reports import numeric_report as N


def _softmax(a: np.ndarray) -> np.ndarray:
    e = np.exp(a - a.max(axis=0))
    return e / e.sum(axis=0)


def test_sigmoid_derivative_matches_finite_differences():
    from derive.derivations.sigmoid_derivative import DERIVATIVE, z

    ds = F.numeric_function(DERIVATIVE, [z])
    grid = np.linspace(-8, 8, 33)
    h = 1e-5
    # central differences are accurate to O(h²) ≈ 1e-10 relative to σ‴: far tighter than any slip
    assert_allclose(ds(grid), (expit(grid + h) - expit(grid - h)) / (2 * h), rtol=1e-6, atol=1e-12)


def test_logistic_plane_and_boundary_distance():
    p = F._logistic_plane()
    rng = np.random.default_rng(3)
    theta, theta0, x = rng.normal(size=2), float(rng.normal()), rng.normal(size=(2, 50))
    assert_allclose(p(*theta, theta0, *x), expit(theta @ x + theta0), rtol=1e-12)
    distance = F._boundary_distance()(*theta, theta0)
    assert_allclose(distance, -theta0 / np.linalg.norm(theta), rtol=1e-12)
    # the point at that distance along θ/‖θ‖ is on the boundary
    foot = distance * theta / np.linalg.norm(theta)
    assert abs(theta @ foot + theta0) < 1e-12


def test_softmax_and_its_saturation():
    a = np.random.default_rng(5).normal(size=(3, 20)) * 3
    assert_allclose(np.array(F._softmax3()(*a)), _softmax(a), rtol=1e-12)
    t = np.array([0.0, 1.0, 7.5, 40.0])
    c, (g2, g3) = F.SATURATION_C, F.SATURATION_GAPS
    expected = _softmax(np.outer([c, c - g2, c - g3], t))
    got = np.array([np.broadcast_to(v, t.shape) for v in F._saturating3()(t)])
    assert_allclose(got, expected, rtol=1e-12, atol=1e-300)
    assert_allclose(got[:, -1], [1.0, 0.0, 0.0], atol=1e-6)


def test_lda_parameters_match_the_closed_form():
    theta, theta0 = F._lda_parameters()
    (m0, m1), var, p1 = F.LDA_MU, F.LDA_VAR, F.LDA_PRIOR1
    assert_allclose(theta, (m1 - m0) / var, rtol=1e-12)
    assert_allclose(theta0, -(m1 ** 2 - m0 ** 2) / (2 * var) + np.log(p1 / (1 - p1)), rtol=1e-12)


def test_make_figures_draws_pdfs_and_skips_a_broken_one(tmp_path, monkeypatch):
    def broken(path):
        raise KeyError("a constant that was renamed")

    specs = (F.FigureSpec("broken", "sigmoid-derivative", "never drawn", broken),) + F.FIGURES
    monkeypatch.setattr(F, "FIGURES", specs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = F.make_figures(tmp_path, list(REGISTRY))
    assert any("figure 'broken' skipped" in str(w.message) for w in caught)
    names = [name for figures in drawn.values() for name, _ in figures]
    assert "broken.pdf" not in names and "sigmoid.pdf" in names
    for name in names:
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    # figures go only to derivations that exist
    assert set(drawn) <= set(REGISTRY)


def test_numeric_experiment_data_and_true_parameters():
    pytest.importorskip("numeric")
    theta, theta0 = N.true_parameters()
    precision = np.linalg.inv(N.SIGMA)
    m0, m1 = N.MU
    assert_allclose(theta, precision @ (m1 - m0), rtol=1e-12)
    expected0 = -0.5 * m1 @ precision @ m1 + 0.5 * m0 @ precision @ m0 + np.log(N.PRIOR1 / (1 - N.PRIOR1))
    assert_allclose(theta0, expected0, rtol=1e-12)
    X, y = N.model_data(np.random.default_rng(0), 20000)
    assert_allclose(y.mean(), N.PRIOR1, atol=0.02)
    assert_allclose(np.cov(X[y == 0].T), N.SIGMA, atol=0.08)
    V, v = N.violating_data(np.random.default_rng(0), 20000)
    far = np.linalg.norm(V - N.FAR_CLUSTER, axis=1) < 2
    assert_allclose(far[v == 1].mean(), N.FAR_SHARE, atol=0.03)
    assert not far[v == 0].any()
