"""The derived objectives over a dask array chunked by rows: one pass over the data per evaluation.

For X split into row chunks X_c (with labels y_c), every quantity the solvers need is a sum
over chunks of what the in-memory objective computes on one chunk:

    J(θ)    = (1/n) Σ_c Σ_{i∈c} ℓ(x_iᵀw + b, y_i)            + (l2/2)‖w‖²
    ∇J(θ)   = (1/n) Σ_c X̃_cᵀ ℓ′_c                             + l2·(w, 0)
    ∇²J(θ)  = (1/n) Σ_c X̃_cᵀ diag(ℓ″_c) X̃_c                   + l2·diag(1, …, 1, 0)

with X̃ = [X, 1].  Each chunk runs ``numeric.linear_loss``'s objective, whose ℓ, ℓ′, ℓ″ are
lambdified from the derivations, so no formula is restated here.  ``map_blocks`` packs a
chunk's sums into one row; dask adds the rows up (a tree reduction on a cluster) and only the
small parameter-sized result reaches the driver, where the solver runs.  With a
``distributed.Client`` in use, the same graph runs on its workers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .linear_loss import BinaryObjective, MultinomialObjective
from .parallel import serial_rows, single_threaded_blas

__all__ = ["is_dask", "ChunkedObjective", "predict_chunked", "chunkwise"]

Array = NDArray[np.float64]


def is_dask(X: Any) -> bool:
    """Whether X is a dask array (checked without importing dask when it is not loaded)."""
    return type(X).__module__.startswith("dask.")


def _block_objective(kind: str, Xb: np.ndarray, yb: np.ndarray, classes: np.ndarray):
    """The in-memory, unpenalised objective of one chunk, with labels encoded against ``classes``."""
    Xb = np.ascontiguousarray(Xb, dtype=np.float64)
    codes = np.searchsorted(classes, yb.ravel())
    if kind == "binary":
        return BinaryObjective(Xb, codes.astype(np.float64), 0.0)
    Y = np.zeros((len(codes), len(classes)))
    Y[np.arange(len(codes)), codes] = 1.0
    return MultinomialObjective(Xb, Y, 0.0)


def _pack(kind: str, what: str, Xb: np.ndarray, yb: np.ndarray, theta: Array, v: Array | None,
          classes: np.ndarray) -> np.ndarray:
    """One chunk's [margin, Σℓ, Σ∇ℓ, Σ∇²ℓ (flattened)] — or [Σ ∇²ℓ·v] for ``what == "hessp"`` —
    as a single row, so that dask can add chunks up with an ordinary sum."""
    n_b = len(Xb)
    width = _width(what, len(theta))
    if n_b == 0:
        out = np.zeros((1, width))
        if what != "hessp":
            out[0, 0] = np.inf
        return out
    # dask already runs a chunk per core: the chunk itself runs on one thread.
    with serial_rows(), single_threaded_blas():
        obj = _block_objective(kind, Xb, yb, classes)
        if what == "hessp":
            return (n_b * obj.hessp(theta, v))[None, :]
        if what == "value":
            parts = [obj.value(theta)]
        elif what == "gradient":
            parts = list(obj.value_gradient(theta))
        else:
            parts = list(obj.value_gradient_hessian(theta))
    margin = obj.last_margin
    flat = [np.atleast_1d(np.asarray(p, dtype=float)).ravel() * n_b for p in parts]
    return np.concatenate([[margin], *flat])[None, :]


def _width(what: str, p: int) -> int:
    return {"value": 2, "gradient": 2 + p, "hessian": 2 + p + p * p, "hessp": p}[what]


@dataclass
class ChunkedObjective:
    """J, ∇J, ∇²J and ∇²J·v of a linear model's mean loss over a row-chunked dask array.

    ``kind`` is "binary" (ℓ of bernoulli-nll, θ = (w, b)) or "multinomial" (softmax
    cross-entropy, θ = rows (W_k, b_k)).  The last evaluation is remembered, so that asking
    for J and ∇J at the θ where ∇²J was just computed costs no further pass over the data.
    """

    kind: str
    X: Any
    y: Any
    classes: np.ndarray
    l2: float = 0.0
    n: int = field(init=False)
    d: int = field(init=False)
    last_margin: float = field(init=False, default=-np.inf)
    _memo: dict = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.X.ndim != 2 or len(self.X.chunks[1]) != 1:
            raise ValueError(f"X must be a 2-D dask array chunked by rows only (one chunk across the "
                             f"{self.X.shape[1]} columns), got chunks {self.X.chunks}")
        self.n, self.d = (int(s) for s in self.X.shape)
        self.y = self.y.rechunk((self.X.chunks[0],))[:, None]
        self.K = 1 if self.kind == "binary" else len(self.classes)

    @property
    def n_params(self) -> int:
        return (self.d + 1) * self.K

    def split(self, theta: Array):
        if self.kind == "binary":
            return theta[:-1], float(theta[-1])
        P = theta.reshape(self.K, self.d + 1)
        return P[:, :-1], P[:, -1]

    def _penalised_mask(self) -> Array:
        """1 where θ holds a coefficient (penalised), 0 where it holds an intercept."""
        mask = np.ones((self.K, self.d + 1))
        mask[:, -1] = 0.0
        return mask.ravel()

    def _reduce(self, what: str, theta: Array, v: Array | None = None) -> np.ndarray:
        import dask.array as da

        width = _width(what, self.n_params)
        rows = da.map_blocks(_pack, self.kind, what, self.X, self.y, theta=theta, v=v, classes=self.classes,
                             chunks=((1,) * self.X.numblocks[0], (width,)), dtype=np.float64)
        if what == "hessp":
            return rows.sum(axis=0).compute()
        sums, margin = da.compute(rows[:, 1:].sum(axis=0), rows[:, 0].min())
        self.last_margin = float(margin)
        return np.asarray(sums)

    def _evaluate(self, what: str, theta: Array) -> list:
        key, need = theta.tobytes(), {"value": 1, "gradient": 2, "hessian": 3}[what]
        memo = self._memo.get(key)
        if memo is not None and len(memo) > need:
            self.last_margin = memo[-1]
            return memo[:need]
        sums = self._reduce(what, theta) / self.n
        p, mask = self.n_params, self._penalised_mask()
        value = float(sums[0]) + 0.5 * self.l2 * float(np.sum(mask * theta * theta))
        out: list = [value]
        if what != "value":
            out.append(sums[1:1 + p] + self.l2 * mask * theta)
        if what == "hessian":
            out.append(sums[1 + p:].reshape(p, p) + np.diag(self.l2 * mask))
        self._memo = {key: [*out, self.last_margin]}
        return out

    def value(self, theta: Array) -> float:
        """J(θ): one pass."""
        return self._evaluate("value", theta)[0]

    def value_gradient(self, theta: Array) -> tuple[float, Array]:
        """(J(θ), ∇J(θ)): one pass."""
        value, grad = self._evaluate("gradient", theta)
        return value, grad

    def gradient(self, theta: Array) -> Array:
        return self.value_gradient(theta)[1]

    def value_gradient_hessian(self, theta: Array) -> tuple[float, Array, Array]:
        """(J, ∇J, ∇²J): one pass, each chunk contributing X̃_cᵀ diag(ℓ″_c) X̃_c."""
        value, grad, hess = self._evaluate("hessian", theta)
        return value, grad, hess

    def hessp(self, theta: Array, v: Array) -> Array:
        """∇²J(θ)·v: one pass."""
        return self._reduce("hessp", theta, v) / self.n + self.l2 * self._penalised_mask() * v

    def separates(self) -> bool:
        """Whether the last evaluated θ put every example on its own side with a positive margin."""
        return self.last_margin > 0.0

    def null_directions(self) -> Array:
        """As ``MultinomialObjective.null_directions`` (they depend only on K, d and l2)."""
        shape_only = MultinomialObjective(np.zeros((1, self.d)), np.eye(self.K)[:1], self.l2)
        return shape_only.null_directions()


def predict_chunked(X, fn, n_outputs: int | None, dtype) -> Any:
    """``fn`` (a fitted model's predict, predict_proba, ...) applied chunk by chunk: a lazy dask
    array of shape (n,) when ``n_outputs`` is None, else (n, n_outputs)."""
    X = X.rechunk({1: -1}) if X.numblocks[1] != 1 else X
    if n_outputs is None:
        return X.map_blocks(fn, drop_axis=1, dtype=dtype)
    return X.map_blocks(fn, chunks=(X.chunks[0], (n_outputs,)), dtype=dtype)


def chunkwise(method):
    """Let a prediction method take a dask array too: it then returns a lazy dask array, computed
    chunk by chunk by ``method`` itself (its output shape and dtype read off one row of zeros)."""
    @functools.wraps(method)
    def wrapper(self, X, *args, **kwargs):
        if not is_dask(X):
            return method(self, X, *args, **kwargs)
        probe = np.asarray(method(self, np.zeros((1, X.shape[1])), *args, **kwargs))
        return predict_chunked(X, lambda block: method(self, block, *args, **kwargs),
                               None if probe.ndim == 1 else probe.shape[1], probe.dtype)
    return wrapper
