"""The design matrix X, dense or sparse, walked in blocks of rows; sample weights.

Every product a linear model needs is of one of four kinds, written here once for a block
Xb of rows (a C-contiguous ndarray, or a ``scipy.sparse`` CSR matrix, never densified):

    Xb·v,   Xbᵀ·r,   Σ_i h_i x̃_i x̃_iᵀ  (x̃ = (x, 1)),   Σ_i h_i x_ij²  per column j.

Sample weights w_i ≥ 0 enter the weighted mean J = Σ w_i ℓ_i / Σ w_i; they are stored
rescaled as w̃_i = w_i·n/Σw, so that J = (1/n) Σ w̃_i ℓ_i and every formula written with
1/n holds unchanged with ℓ, ℓ′ and ℓ″ multiplied by w̃_i.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

__all__ = ["BLOCK_BYTES", "as_design", "row_blocks", "matvec", "rmatvec", "gram", "weighted_squares",
           "scaled_weights", "entries"]

Array = NDArray[np.float64]

#: Each thread walks its rows in blocks of about this many bytes of X (a core's L2 cache here):
#: a block read by one product is still in cache for the next, and the temporaries (logits, a
#: weighted copy for the Hessian) never grow with n.
BLOCK_BYTES = 1 << 20


def as_design(X):
    """X as the objectives use it: an ndarray as it is; sparse as CSR (CSC is converted once,
    a copy of the same size, because the passes walk rows)."""
    if sps.issparse(X):
        return X if X.format == "csr" else sps.csr_matrix(X)
    return X


def entries(X) -> int:
    """Stored entries of X: n·d dense, nnz sparse (the work of one pass)."""
    return int(X.nnz) if sps.issparse(X) else int(X.size)


def row_blocks(X, start: int, stop: int, width: int = 1) -> Iterator[tuple[int, int]]:
    """(lo, hi) blocks of rows covering start..stop−1 (``width`` columns of temporaries per
    stored entry of a row)."""
    n, d = X.shape
    per_row = entries(X) / max(n, 1) if sps.issparse(X) else d
    step = max(1, int(BLOCK_BYTES // (8 * max(per_row, 1) * max(width, 1))))
    for lo in range(start, stop, step):
        yield lo, min(stop, lo + step)


def matvec(Xb, v: Array) -> Array:
    """Xb·v (v a vector or a matrix of columns)."""
    return np.asarray(Xb @ v)


def rmatvec(Xb, r: Array) -> Array:
    """Xbᵀ·r, shape (d,) or (d, K) (dense: computed as (rᵀXb)ᵀ, a view)."""
    if sps.issparse(Xb):
        return np.asarray(Xb.T @ r)
    return (r.T @ Xb).T if r.ndim > 1 else r @ Xb


def gram(Xb, h: Array) -> Array:
    """Σ_i h_i x̃_i x̃_iᵀ for x̃ = (x, 1): a (d + 1)² block of a Hessian."""
    d = Xb.shape[1]
    out = np.empty((d + 1, d + 1))
    if sps.issparse(Xb):
        scaled = Xb.multiply(h[:, None]).tocsr()
        out[:d, :d] = (Xb.T @ scaled).toarray()
    elif np.all(h >= 0):
        A = Xb * np.sqrt(h)[:, None]
        out[:d, :d] = A.T @ A  # symmetric rank-k update: half the work of a general product
    else:
        out[:d, :d] = Xb.T @ (Xb * h[:, None])
    out[:d, d] = out[d, :d] = rmatvec(Xb, h)
    out[d, d] = h.sum()
    return out


def weighted_squares(Xb, h: Array) -> Array:
    """Σ_i h_i x_ij² for each column j (the diagonal of Xbᵀdiag(h)Xb)."""
    if sps.issparse(Xb):
        return np.asarray(Xb.multiply(Xb).T @ h).ravel()
    return h @ np.square(Xb)


def scaled_weights(sample_weight: Array | None, n: int) -> Array | None:
    """w̃ = w·n/Σw (None stays None: every weight 1); ValueError if Σw is not positive."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"sample_weight has shape {w.shape}; expected ({n},)")
    total = float(w.sum())
    if not (np.all(np.isfinite(w)) and np.all(w >= 0) and total > 0):
        raise ValueError("sample_weight must be finite and ≥ 0 with a positive sum")
    return w * (n / total)
