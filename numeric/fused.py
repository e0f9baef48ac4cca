"""One pass over X for the loss and gradient of a linear model, compiled with numba.

For z_i = x_iᵀw + b the chain rule through X gives

    Σ_i ℓ(z_i, y_i),    ∇_w = Σ_i ℓ′(z_i, y_i) x_i,    ∂_b = Σ_i ℓ′(z_i, y_i).

NumPy evaluates this as two BLAS passes, z = Xw then Xᵀℓ′, and so reads X twice.  The loop
here reads each row once: it forms z_i, and adds ℓ′(z_{i−1}) x_{i−1} for the row before
(still in the L1 cache) while σ of this row is being computed, so neither waits for the
other.  Rows are split into contiguous ranges, one per thread; the compiled loop releases
the GIL, and it calls no BLAS, so nothing else competes for the cores.  (As in
``numeric.parallel``, there are a few more ranges than threads, for balance on a busy machine.)

ℓ and ℓ′ are not written here: they are the kernels generated from the derivations
(``numeric.kernels``), compiled from their scalar form.
"""

from __future__ import annotations

import math
from typing import Callable

import numba
import numpy as np
from numpy.typing import NDArray

from .parallel import RANGES_PER_THREAD, n_threads_for, pool, row_ranges

__all__ = ["sigmoid", "softplus", "SCALAR_FUNCTIONS", "FusedPass"]

# Reassociation lets LLVM vectorise the dot products; it is applied to the loop only.  The
# generated kernels are compiled without it, so identities such as (1 − y)σ(z) − yσ(−z) are
# evaluated exactly as written and keep their accuracy.
_LOOP_FLAGS = {"reassoc", "contract"}
# error_model="numpy": 1/0 gives inf instead of a Python exception (and no branch per division).
_jit_scalar = numba.njit(error_model="numpy", cache=True)
# Generated kernels are made at run time (no source file), so numba cannot cache them.
_jit_generated = numba.njit(error_model="numpy")


@_jit_scalar
def sigmoid(z: float) -> float:
    """σ(z) = 1/(1 + e^{−z}) = e^{z}/(1 + e^{z}); e = e^{−|z|} ≤ 1 never overflows."""
    e = math.exp(-abs(z))
    s = 1.0 / (1.0 + e)
    return s if z >= 0.0 else e * s


@_jit_scalar
def softplus(z: float) -> float:
    """softplus(z) = log(1 + e^{z}) = max(z, 0) + log1p(e^{−|z|})."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


SCALAR_FUNCTIONS = {"sigmoid": sigmoid, "softplus": softplus}

def _compile_rows(loss: Callable, dloss: Callable) -> Callable:
    loss_jit = _jit_generated(loss)
    dloss_jit = _jit_generated(dloss)

    @numba.njit(nogil=True, fastmath=_LOOP_FLAGS, error_model="numpy")
    def rows(X, y, w, b, lo, hi, g, with_loss):  # pragma: no cover - compiled
        """Over rows lo..hi−1: add Σ ℓ′(z_i) x_i to g; return (Σ ℓ(z_i), Σ ℓ′(z_i), min_i (2y_i−1) z_i)."""
        d = X.shape[1]
        total_loss = 0.0
        total_r = 0.0
        min_margin = np.inf
        r_prev = 0.0
        for i in range(lo, hi):
            z = b
            for j in range(d):
                z += X[i, j] * w[j]
            if i > lo:
                for j in range(d):
                    g[j] += r_prev * X[i - 1, j]
            yi = y[i]
            r_prev = dloss_jit(z, yi)
            total_r += r_prev
            if with_loss:
                total_loss += loss_jit(z, yi)
            min_margin = min(min_margin, (2.0 * yi - 1.0) * z)
        if hi > lo:
            for j in range(d):
                g[j] += r_prev * X[hi - 1, j]
        return total_loss, total_r, min_margin

    return rows


class FusedPass:
    """Σ ℓ(x_iᵀw + b, y_i), Σ ℓ′(·) x_i and Σ ℓ′(·) in one threaded pass over the rows of X.

    ``loss`` and ``dloss`` are scalar functions ``(z, y) -> float`` that numba can compile,
    e.g. ``codegen.lambdify_scalar(..., SCALAR_FUNCTIONS)``.
    """

    def __init__(self, loss: Callable, dloss: Callable) -> None:
        self._rows = _compile_rows(loss, dloss)

    def __call__(self, X: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64],
                 b: float, with_loss: bool = True,
                 n_threads: int | None = None) -> tuple[float, NDArray[np.float64], float, float]:
        """(Σ_i ℓ_i, Σ_i ℓ′_i x_i, Σ_i ℓ′_i, min_i (2y_i − 1) z_i) for z_i = x_iᵀw + b.

        X must be a C-contiguous float64 array (n, d), y float64 (n,), w float64 (d,).
        """
        n, d = X.shape
        threads = n_threads_for(n, d) if n_threads is None else max(1, min(int(n_threads), max(n, 1)))
        b = float(b)
        if threads == 1:
            g = np.zeros(d)
            loss, r, margin = self._rows(X, y, w, b, 0, n, g, with_loss)
            return loss, g, r, margin
        ranges = row_ranges(n, threads * RANGES_PER_THREAD)
        # One accumulator per range, at least a cache line (8 doubles) apart: threads that wrote
        # into neighbouring rows sharing a line would stall on each other at every row of X.
        stride = -(-d // 8) * 8 + 8
        grads = np.zeros((len(ranges), stride))
        futures = [pool(threads).submit(self._rows, X, y, w, b, lo, hi, grads[t, :d], with_loss)
                   for t, (lo, hi) in enumerate(ranges)]
        parts = [f.result() for f in futures]
        return (math.fsum(p[0] for p in parts), grads[:, :d].sum(axis=0),
                math.fsum(p[1] for p in parts), min(p[2] for p in parts))
