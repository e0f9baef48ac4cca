"""Shared data for the numeric tests: scikit-learn's bundled data sets, standardised."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from sklearn import datasets
from sklearn.preprocessing import StandardScaler


@lru_cache(maxsize=None)
def standardised(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) of sklearn.datasets.load_<name>, each feature scaled to mean 0 and variance 1."""
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    X = np.ascontiguousarray(StandardScaler().fit_transform(X))
    X.setflags(write=False)
    return X, y


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240919)


def fit_quietly(model, X, y, **fit_params):
    """``model.fit`` with BLAS on one thread (these problems are small: threads only add
    contention on a shared machine) and ConvergenceWarnings from scikit-learn silenced."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **fit_params)


def binary_objective(X, y, coef, intercept, l2: float) -> float:
    """mean(softplus(z) − y·z) + (l2/2)‖coef‖², evaluated here with NumPy, independently."""
    z = X @ np.ravel(coef) + float(np.ravel(intercept)[0])
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * np.sum(np.square(coef)))


def multinomial_objective(X, y, coef, intercept, l2: float) -> float:
    """mean(logsumexp(a) − a_y) + (l2/2)‖coef‖²_F, evaluated here with NumPy, independently."""
    from scipy.special import logsumexp

    A = X @ np.asarray(coef).T + intercept
    return float(np.mean(logsumexp(A, axis=1) - A[np.arange(len(y)), y]) + 0.5 * l2 * np.sum(np.square(coef)))


def evaluate_constant(expr, sizes: dict, values: dict[str, np.ndarray], scalars: dict | None = None):
    """A derive formula at explicit sizes and values: sizes maps dimension symbols to integers,
    values maps matrix-symbol names to arrays, scalars maps scalar symbols to numbers.  SymPy
    carries out every operator (softmax, tanh, Hadamard, ...) entry by entry; no NumPy code
    from numeric is involved."""
    import sympy as sp

    from derive.ops import explicit

    e = expr.subs(sizes)
    e = e.xreplace({ms: sp.ImmutableMatrix(np.atleast_2d(values[ms.name])) for ms in e.atoms(sp.MatrixSymbol)})
    if scalars:
        e = e.xreplace({s: sp.Float(v) for s, v in scalars.items()})
    e = e.doit()
    if getattr(e, "shape", None):
        return np.array(explicit(e).evalf(30), dtype=float)
    return float(sp.N(e, 30))
