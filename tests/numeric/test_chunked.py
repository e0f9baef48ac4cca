"""The estimators on dask arrays: the same derived objective, one pass over the chunks per evaluation.

Each fit is compared with the in-memory NumPy fit of the same data (an independent code path
for X: whole-array passes instead of chunk sums), on a real ``LocalCluster`` of two worker
processes as well as on dask's local threads.
"""

from __future__ import annotations

import warnings

import dask.array as da
import numpy as np
import pytest
from numpy.testing import assert_allclose

from numeric import GaussianLDA, LogisticRegression, SoftmaxRegression
from numeric.chunked import ChunkedObjective, is_dask

from .conftest import binary_objective, multinomial_objective, standardised



@pytest.fixture(scope="module")
def cluster_client():
    """A two-process LocalCluster, as the scale issue specifies (one thread per worker)."""
    from distributed import Client, LocalCluster

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def chunked(X: np.ndarray, y: np.ndarray, rows: int):
    return da.from_array(np.asarray(X), chunks=(rows, -1)), da.from_array(np.asarray(y), chunks=rows)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_logistic_on_chunks_matches_in_memory(solver):
    X, y = standardised("breast_cancer")
    Xd, yd = chunked(X, y, 97)  # uneven chunks: the last one is short
    reference = LogisticRegression(l2=1e-2, solver=solver).fit(X, y)
    model = LogisticRegression(l2=1e-2, solver=solver).fit(Xd, yd)
    assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-10)
    assert_allclose(model.intercept_, reference.intercept_, rtol=1e-8, atol=1e-10)
    assert model.converged_
    assert_allclose(model.loss_, binary_objective(X, y, model.coef_, model.intercept_, 1e-2), rtol=1e-12)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_softmax_on_chunks_matches_in_memory(solver):
    X, y = standardised("wine")
    Xd, yd = chunked(X, y, 40)
    reference = SoftmaxRegression(l2=1e-3, solver=solver).fit(X, y)
    model = SoftmaxRegression(l2=1e-3, solver=solver).fit(Xd, yd)
    assert_allclose(model.coef_, reference.coef_, rtol=1e-7, atol=1e-9)
    assert_allclose(model.loss_, multinomial_objective(X, y, model.coef_, model.intercept_, 1e-3), rtol=1e-12)


def test_lda_on_chunks_matches_in_memory():
    X, y = standardised("wine")
    Xd, yd = chunked(X, y, 33)
    reference, model = GaussianLDA().fit(X, y), GaussianLDA().fit(Xd, yd)
    for name in ("priors_", "means_", "covariance_", "coef_", "intercept_"):
        assert_allclose(getattr(model, name), getattr(reference, name), rtol=1e-10, atol=1e-12, err_msg=name)


def test_predictions_on_dask_input_are_lazy_dask_arrays():
    X, y = standardised("wine")
    Xd, yd = chunked(X, y, 50)
    model = SoftmaxRegression(l2=1e-2).fit(X, y)
    proba, labels = model.predict_proba(Xd), model.predict(Xd)
    assert is_dask(proba) and is_dask(labels)
    assert proba.shape == (len(X), 3) and labels.shape == (len(X),)
    assert_allclose(proba.compute(), model.predict_proba(X), rtol=1e-14)
    assert np.array_equal(labels.compute(), model.predict(X))


def test_every_evaluation_is_one_pass_and_a_repeated_theta_costs_none():
    """Count chunk reads: J, ∇J and ∇²J at one θ together read each chunk once."""
    X, y = standardised("breast_cancer")
    reads = []

    def counted(block):
        reads.append(len(block))
        return block

    Xd = da.from_array(np.asarray(X), chunks=(100, -1)).map_blocks(counted, dtype=float)
    objective = ChunkedObjective("binary", Xd, da.from_array(y, chunks=100), np.array([0, 1]), 0.1)
    theta = np.linspace(-0.1, 0.1, objective.n_params)
    objective.value_gradient_hessian(theta)
    assert sum(reads) == len(X)
    objective.value_gradient(theta)
    objective.value(theta)
    assert sum(reads) == len(X), "a remembered θ must not read the data again"


def test_multiclass_fit_is_right_where_dask_ml_is_not(cluster_client):
    """dask-ml's LogisticRegression treats three classes as two and is silently wrong on wine;
    the chunked softmax fit equals the NumPy fit (and scikit-learn's accuracy of 1.0)."""
    dask_ml = pytest.importorskip("dask_ml.linear_model")
    X, y = standardised("wine")
    Xd, yd = chunked(X, y, 45)
    ours = SoftmaxRegression(l2=1e-2).fit(Xd, yd)
    reference = SoftmaxRegression(l2=1e-2).fit(X, y)
    assert_allclose(ours.coef_, reference.coef_, rtol=1e-7, atol=1e-9)
    assert float((ours.predict(Xd) == yd).mean().compute()) == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = dask_ml.LogisticRegression(C=1.0 / (len(X) * 1e-2)).fit(Xd, yd)
    assert float((theirs.predict(Xd) == yd).mean().compute()) < 0.9


def test_a_distributed_client_runs_the_same_fit(cluster_client):
    X, y = standardised("breast_cancer")
    Xd, yd = chunked(X, y, 120)
    reference = LogisticRegression(l2=1e-3).fit(X, y)
    model = LogisticRegression(l2=1e-3).fit(Xd, yd)
    assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-10)
    assert cluster_client.run(lambda: 1), "the fit must have run with the cluster's workers up"


def test_bad_chunked_input_gets_a_clear_error():
    X, y = standardised("wine")
    Xd, yd = chunked(X, y, 50)
    with pytest.raises(ValueError, match="one label per row"):
        SoftmaxRegression().fit(Xd, yd[:-1])
    bad = da.concatenate([Xd[:10], da.full((1, X.shape[1]), np.nan)])
    with pytest.raises(ValueError, match="NaN or infinity"):
        SoftmaxRegression().fit(bad, da.concatenate([yd[:10], yd[:1]]))
    with pytest.raises(ValueError, match="binary"):
        LogisticRegression().fit(Xd, yd)
