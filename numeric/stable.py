"""Numerically stable elementwise functions on NumPy arrays.

Each one is written in the form that never overflows and never subtracts two nearly equal
numbers, so it stays finite and accurate for arguments up to ±1000 and beyond:

* σ(z) = 1 / (1 + e^{−z}) is SciPy's ``expit``;
* log σ(z) = −softplus(−z) is SciPy's ``log_expit``;
* softplus(z) = log(1 + e^{z}) = −log σ(−z);
* logsumexp and softmax shift by the maximum m before exponentiating, so every e^{a − m} ≤ 1.

The scalar twins used inside compiled loops live in ``numeric.fused``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

__all__ = ["sigmoid", "log_sigmoid", "softplus", "logsumexp", "softmax", "log_softmax"]


def sigmoid(z: ArrayLike) -> NDArray[np.float64]:
    """σ(z) = 1 / (1 + e^{−z}), evaluated as e^{z}/(1 + e^{z}) for z < 0."""
    return special.expit(z)


def log_sigmoid(z: ArrayLike) -> NDArray[np.float64]:
    """log σ(z) = −softplus(−z) = −log(1 + e^{−z})."""
    return special.log_expit(z)


def softplus(z: ArrayLike) -> NDArray[np.float64]:
    """softplus(z) = log(1 + e^{z}) = −log σ(−z); equals z + log(1 + e^{−z}) for large z."""
    return -special.log_expit(-np.asarray(z, dtype=np.float64))


def _shift(a: ArrayLike, axis: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(a − m, m) with m = max along ``axis`` (kept as a size-1 axis); m = 0 where it is ±inf."""
    a = np.asarray(a, dtype=np.float64)
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return a - m, m


def logsumexp(a: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """logsumexp(a) = log Σ_j e^{a_j} = m + log Σ_j e^{a_j − m} with m = max_j a_j."""
    shifted, m = _shift(a, axis)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(shifted), axis=axis))


def softmax(a: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """softmax(a)_k = e^{a_k} / Σ_j e^{a_j} = e^{a_k − m} / Σ_j e^{a_j − m}, m = max_j a_j."""
    e = np.exp(_shift(a, axis)[0])
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def log_softmax(a: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """log softmax(a)_k = a_k − logsumexp(a) = (a_k − m) − log Σ_j e^{a_j − m}."""
    shifted, _ = _shift(a, axis)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
