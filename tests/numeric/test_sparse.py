"""Sparse X (CSR, CSC): the same fit as dense, through sparse products, never densified."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sps
from numpy.testing import assert_allclose

from numeric import LogisticRegression, SoftmaxRegression

from .conftest import standardised


def _sparsified(name: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = standardised(name)
    X = np.where(np.abs(X) < 0.5, 0.0, X)  # about half the entries become structural zeros
    return np.ascontiguousarray(X), y


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
@pytest.mark.parametrize("cls, name", [(LogisticRegression, "breast_cancer"), (SoftmaxRegression, "wine")])
def test_sparse_matches_dense(cls, name: str, solver: str, fmt: str) -> None:
    X, y = _sparsified(name)
    dense = cls(l2=1e-2, solver=solver, tol=1e-12).fit(X, y)
    sparse = cls(l2=1e-2, solver=solver, tol=1e-12).fit(sps.csr_matrix(X).asformat(fmt), y)
    assert_allclose(sparse.coef_, dense.coef_, atol=1e-10)
    assert_allclose(sparse.intercept_, dense.intercept_, atol=1e-10)
    assert_allclose(sparse.predict_proba(sps.csr_matrix(X).asformat(fmt)), dense.predict_proba(X), atol=1e-10)


def test_sparse_weighted_unpenalised_fit_with_inference_matches_dense() -> None:
    X, y = _sparsified("breast_cancer")
    X, w = X[:, :4], np.random.default_rng(2).integers(1, 3, len(y)).astype(float)
    dense = LogisticRegression().fit(X, y, sample_weight=w)
    sparse = LogisticRegression().fit(sps.csr_matrix(X), y, sample_weight=w)
    assert_allclose(sparse.params_, dense.params_, atol=1e-10)
    assert_allclose(sparse.bse_, dense.bse_, rtol=1e-10)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_a_large_sparse_fit_stays_within_three_times_the_matrix(solver: str) -> None:
    # 1e5 × 1e4 at 0.1% non-zeros: the 1e6 × 1e4 case of bench/bench_numeric_memory.py at a
    # tenth of the rows, with the same non-zeros per row.
    rng = np.random.default_rng(0)
    X = sps.random(100_000, 10_000, density=1e-3, format="csr", random_state=rng, dtype=np.float64)
    y = (X @ rng.standard_normal(10_000) + 0.1 * rng.standard_normal(100_000) > 0).astype(int)
    size = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    tracemalloc.start()
    try:
        model = LogisticRegression(l2=1e-4, solver=solver, tol=1e-6).fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert model.converged_
    assert peak <= 2 * size, f"fit allocated {peak / size:.2f}× the matrix on top of it"
