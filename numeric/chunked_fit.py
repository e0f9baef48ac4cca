"""Fitting the estimators on dask arrays chunked by rows, without ever materialising X.

The solver (Newton or L-BFGS) runs on the driver over the small parameter vector; every
evaluation of J, ∇J or ∇²J is one pass over the chunks (``numeric.chunked``).  Gaussian LDA
needs one pass in all: per chunk, the class counts n_k, the class sums Σ_{i∈k} x_i and XᵀX, from
which the pooled covariance is

    Σ̂ = (XᵀX − Σ_k n_k μ̂_k μ̂_kᵀ) / n.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .base import ProgressCallback
from .chunked import ChunkedObjective, is_dask
from .fitting import SeparableDataWarning, run_solver
from .inference import record_fit
from .parallel import single_threaded_blas

__all__ = ["as_row_chunked", "fit_chunked", "lda_statistics"]


def as_row_chunked(X: Any, y: Any) -> tuple[Any, Any, np.ndarray, NDArray[np.int64]]:
    """(X, y as dask arrays with matching row chunks, the sorted classes, their counts).

    One pass over the data checks that every feature is finite and counts the labels.
    """
    import dask.array as da

    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got a dask array of shape {X.shape}")
    if np.isnan(X.shape[0]):
        raise ValueError("X has chunks of unknown length; call X.compute_chunk_sizes() first")
    if X.dtype.kind not in "fiub":
        raise ValueError(f"X must hold numbers, got dtype {X.dtype}")
    X = X.rechunk({1: -1}) if X.numblocks[1] != 1 else X
    y = y if is_dask(y) else da.from_array(np.asarray(y), chunks=(X.chunks[0],))
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must be 1-D with one label per row of X ({X.shape[0]}), got shape {y.shape}")
    y = y.rechunk((X.chunks[0],))
    (classes, counts), finite = da.compute(da.unique(y, return_counts=True), da.isfinite(X).all())
    if not finite:
        raise ValueError("X contains NaN or infinity; remove or impute those values before fitting")
    if len(classes) < 2:
        raise ValueError(f"need examples of at least two classes to fit, but y contains only {classes.tolist()}")
    return X, y, np.asarray(classes), np.asarray(counts, dtype=np.int64)


def fit_chunked(estimator, kind: str, X, y, sample_weight=None, callback: ProgressCallback | None = None):
    """``fit`` of LogisticRegression (``kind="binary"``) or SoftmaxRegression (``"multinomial"``) on
    chunked data: the same objective, starting point and solver as in memory.

    Separation is watched through the margins the passes compute: a θ that puts every example
    on its own side stops an unpenalised fit with a SeparableDataWarning (``separable_`` =
    "complete").  The linear program that also finds quasi-complete separation needs the data
    in memory, so an unpenalised chunked fit without complete separation reports "unchecked".
    Standard errors are not computed for chunked fits.
    """
    if sample_weight is not None:
        raise ValueError(f"{type(estimator).__name__}: sample_weight is not supported with dask input")
    X, y, classes, counts = as_row_chunked(X, y)
    if kind == "binary" and len(classes) > 2:
        raise ValueError(f"Only binary classification is supported. LogisticRegression got {len(classes)} "
                         f"classes; use SoftmaxRegression for more than two.")
    objective = ChunkedObjective(kind, X, y, classes, float(estimator.l2))
    estimator.classes_, estimator.n_features_in_ = classes, objective.d
    log_prior = np.log(counts / counts.sum())
    theta0 = np.zeros((objective.K, objective.d + 1))
    # Start at the best constant model: the log-odds of the positive rate, or the centred log-priors.
    theta0[:, -1] = log_prior[1] - log_prior[0] if kind == "binary" else log_prior - log_prior.mean()
    null = objective.null_directions() if kind == "multinomial" else None
    result, separated = run_solver(estimator, objective, theta0.ravel(), callback, null=null)
    W, b = objective.split(result.theta)
    if kind == "binary":
        estimator.coef_, estimator.intercept_ = np.array(W), float(b)
    else:
        estimator.coef_ = np.array(W - W.mean(axis=0) if estimator.l2 == 0 else W)
        estimator.intercept_ = np.array(b - b.mean())
    separation = "complete" if separated else ("unchecked" if estimator.l2 == 0 else "none")
    record_fit(estimator, result, objective, separation, estimator.l2,
               refused="standard errors are not computed for chunked (dask) fits")
    estimator.converged_ = estimator.converged_ and not separated
    if separated:
        warnings.warn(f"{type(estimator).__name__}: the training classes are linearly separable (complete "
                      f"separation, found at iteration {result.n_iter}), so with l2=0 the loss has no finite "
                      f"minimiser; the coefficients returned separate the classes. Set l2 > 0 for a finite, "
                      f"unique solution.", SeparableDataWarning, stacklevel=3)
    return estimator


def _lda_block(Xb: np.ndarray, yb: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """One chunk's [n_k (K), Σ_{i∈k} x_i (K·d), XᵀX (d·d)] as a single row."""
    Xb = np.asarray(Xb, dtype=np.float64)
    K, d = len(classes), Xb.shape[1]
    codes = np.searchsorted(classes, yb.ravel())
    sums = np.zeros((K, d))
    np.add.at(sums, codes, Xb)
    with single_threaded_blas():
        gram = Xb.T @ Xb
    return np.concatenate([np.bincount(codes, minlength=K).astype(float), sums.ravel(), gram.ravel()])[None, :]


def lda_statistics(X, y) -> tuple[np.ndarray, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """(classes, counts n_k, means μ̂_k (K, d), pooled Σ̂ (d, d)) in one pass over the chunks."""
    import dask.array as da

    X, y, classes, _ = as_row_chunked(X, y)
    K, d = len(classes), int(X.shape[1])
    rows = da.map_blocks(_lda_block, X, y[:, None], classes=classes,
                         chunks=((1,) * X.numblocks[0], (K + K * d + d * d,)), dtype=np.float64)
    total = rows.sum(axis=0).compute()
    counts = total[:K]
    means = total[K:K + K * d].reshape(K, d) / counts[:, None]
    gram = total[K + K * d:].reshape(d, d)
    n = counts.sum()
    covariance = (gram - (means.T * counts) @ means) / n
    return classes, counts, means, (covariance + covariance.T) / 2
