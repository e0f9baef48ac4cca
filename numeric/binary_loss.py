"""The objective of two-class logistic regression: the pointwise loss pushed through X.

Shapes, fixed once: X is (n, d), a C-contiguous float64 ndarray that is never copied, or a
``scipy.sparse`` CSR matrix that is never densified (``numeric.design``); every pass walks it
in row blocks, one contiguous range of rows per core (``numeric.parallel``).  θ = (w, b):
coefficients w (d,) then the intercept b.  The intercept is never penalised and never
appended to X as a column (that would copy X).

ℓ, ℓ′, ℓ″ are generated from the derivations (``numeric.kernels``: bernoulli-nll,
bce-gradient, bce-hessian), z = Xw + b, w̃ the rescaled sample weights (all 1 without them):

    J(θ)   = (1/n) Σ_i w̃_i ℓ(z_i, y_i) + (l2/2)‖w‖²      (= Σ w_i ℓ_i / Σ w_i + penalty)
    ∇_w J  = Xᵀ(w̃∘ℓ′)/n + l2·w,        ∂_b J = 1ᵀ(w̃∘ℓ′)/n
    ∇²J    = [XᵀDX/n + l2·I,  XᵀD1/n;  1ᵀDX/n,  1ᵀD1/n],   D = diag(w̃∘ℓ″)

Dense unweighted X takes the fused, compiled one-pass kernel (``numeric.fused``); weighted or
sparse X takes plain NumPy/SciPy products over the same kernels, block by block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

from . import design
from .design import as_design, entries, gram, matvec, rmatvec, row_blocks, scaled_weights, weighted_squares
from .kernels import BinaryKernels, binary_kernels
from .parallel import map_rows
from .solvers import HessianOperator

__all__ = ["BinaryObjective"]

Array = NDArray[np.float64]


def _blocks(start: int, stop: int, d: int, width: int = 1):
    """(lo, hi) blocks of rows of a dense (·, d) X covering start..stop−1."""
    step = max(1, design.BLOCK_BYTES // (8 * max(d, 1) * max(width, 1)))
    for lo in range(start, stop, step):
        yield lo, min(stop, lo + step)


@dataclass
class BinaryObjective:
    """J(w, b) = (1/n) Σ w̃_i ℓ(x_iᵀw + b, y_i) + (l2/2)‖w‖² for labels y_i ∈ {0, 1}."""

    X: Array
    y: Array
    l2: float = 0.0
    kernels: BinaryKernels | None = None
    sample_weight: Array | None = None

    def __post_init__(self) -> None:
        if self.kernels is None:
            self.kernels = binary_kernels()
        self.X = as_design(self.X)
        self.n, self.d = self.X.shape
        self.weights = scaled_weights(self.sample_weight, self.n)
        #: Σ w_i (n without weights): the number of observations the weighted mean stands for.
        self.weight_total = float(self.n if self.sample_weight is None else np.sum(self.sample_weight))
        #: min_i (2y_i − 1) z_i at the last evaluated θ: positive means θ separates the classes.
        self.last_margin = -np.inf
        self._by_blocks = sps.issparse(self.X) or self.weights is not None

    @property
    def n_params(self) -> int:
        return self.d + 1

    @property
    def cg_above(self) -> int:
        """Newton's parameter count above which it uses Hessian–vector products: forming the
        (d+1)² Hessian of a sparse X would dwarf X itself; a dense X is read n·d per pass anyway."""
        from . import solvers
        return solvers.CG_ABOVE if sps.issparse(self.X) else max(solvers.CG_ABOVE, 4096)

    def split(self, theta: Array) -> tuple[Array, float]:
        return theta[:-1], float(theta[-1])

    def _penalty(self, w: Array) -> float:
        return 0.5 * self.l2 * float(w @ w)

    def _map(self, fn) -> list:
        return map_rows(fn, self.n, entries(self.X) // max(self.n, 1))

    def _weighted(self, values: Array, lo: int, hi: int) -> Array:
        return values if self.weights is None else values * self.weights[lo:hi]

    def _block_part(self, theta: Array, start: int, stop: int, value: bool, grad: bool, hess: bool):
        """Over rows start..stop−1: (Σ w̃ℓ, min margin, Σ w̃ℓ′x̃, Σ w̃ℓ″x̃x̃ᵀ), each only if asked."""
        w, b = self.split(theta)
        total, margin = 0.0, np.inf
        g = np.zeros(self.d + 1) if grad else None
        H = np.zeros((self.d + 1, self.d + 1)) if hess else None
        for lo, hi in row_blocks(self.X, start, stop):
            Xb, yb = self.X[lo:hi], self.y[lo:hi]
            z = matvec(Xb, w) + b
            if value:
                total += float(np.sum(self._weighted(self.kernels.loss(z, yb), lo, hi)))
                margin = min(margin, float(np.min((2.0 * yb - 1.0) * z)))
            if grad or hess:
                r, h = self.kernels.dloss_d2loss(z, yb) if hess else (self.kernels.dloss(z, yb), None)
                r = self._weighted(r, lo, hi)
                g[:-1] += rmatvec(Xb, r)
                g[-1] += r.sum()
                if hess:
                    H += gram(Xb, self._weighted(h, lo, hi))
        return total, margin, g, H

    def _block_pass(self, theta: Array, value: bool = True, grad: bool = True, hess: bool = False):
        """(J, ∇J, ∇²J) by the block products of ``numeric.design`` (None where not asked)."""
        parts = self._map(lambda lo, hi: self._block_part(theta, lo, hi, value, grad, hess))
        w, _ = self.split(theta)
        J = G = H = None
        if value:
            self.last_margin = min(p[1] for p in parts)
            J = sum(p[0] for p in parts) / self.n + self._penalty(w)
        if grad:
            G = sum(p[2] for p in parts) / self.n
            G[:-1] += self.l2 * w
        if hess:
            H = sum(p[3] for p in parts) / self.n
            H[np.arange(self.d), np.arange(self.d)] += self.l2
        return J, G, H

    def margins(self, theta: Array) -> Array:
        """(2y_i − 1) z_i for every example: positive where its own class is predicted."""
        return (2.0 * self.y - 1.0) * self.logits(theta)

    def max_margin(self, theta: Array) -> float:
        """max_i (2y_i − 1) z_i over the examples with weight: how far the most confident
        prediction leads (a hint of separation when it is large)."""
        margins = self.margins(theta)
        if self.weights is not None:
            margins = margins[self.weights > 0]
        return float(np.max(margins, initial=-np.inf))

    def logits(self, theta: Array) -> Array:
        """z = Xw + b."""
        w, b = self.split(theta)
        if sps.issparse(self.X):
            return matvec(self.X, w) + b
        z = np.empty(self.n)

        def part(start: int, stop: int) -> None:
            np.dot(self.X[start:stop], w, out=z[start:stop])
        self._map(part)
        z += b
        return z

    def value(self, theta: Array) -> float:
        """J(θ)."""
        if self._by_blocks:
            return self._block_pass(theta, grad=False)[0]
        w, b = self.split(theta)

        def part(start: int, stop: int) -> tuple[float, float]:
            total, margin = 0.0, np.inf
            for lo, hi in _blocks(start, stop, self.d):
                z = self.X[lo:hi] @ w + b
                total += float(np.sum(self.kernels.loss(z, self.y[lo:hi])))
                margin = min(margin, float(np.min((2.0 * self.y[lo:hi] - 1.0) * z)))
            return total, margin
        parts = self._map(part)
        self.last_margin = min(p[1] for p in parts)
        value = sum(p[0] for p in parts) / self.n + self._penalty(w)
        # Newton's line search evaluates J where the next Hessian is needed: remember it.
        self._last_value = (theta.copy(), value, self.last_margin)
        return value

    def _remembered_value(self, theta: Array) -> tuple[float, float] | None:
        last = getattr(self, "_last_value", None)
        if last is not None and np.array_equal(last[0], theta):
            return last[1], last[2]
        return None

    def value_gradient(self, theta: Array) -> tuple[float, Array]:
        """(J(θ), ∇J(θ)) in one pass over X (the fused, threaded kernel when X is dense and unweighted)."""
        if self._by_blocks:
            return self._block_pass(theta)[:2]
        w, b = self.split(theta)
        total, gw, gb, margin = self.kernels.fused(self.X, self.y, w, b)
        self.last_margin = margin
        grad = np.empty(self.n_params)
        grad[:-1] = gw / self.n + self.l2 * w
        grad[-1] = gb / self.n
        return total / self.n + self._penalty(w), grad

    def gradient(self, theta: Array) -> Array:
        """∇J(θ) = (Xᵀ(w̃∘ℓ′)/n + l2·w, 1ᵀ(w̃∘ℓ′)/n)."""
        if self._by_blocks:
            return self._block_pass(theta, value=False)[1]
        w, b = self.split(theta)
        _, gw, gb, margin = self.kernels.fused(self.X, self.y, w, b, with_loss=False)
        self.last_margin = margin
        grad = np.empty(self.n_params)
        grad[:-1] = gw / self.n + self.l2 * w
        grad[-1] = gb / self.n
        return grad

    def value_gradient_hessian(self, theta: Array) -> tuple[float, Array, Array]:
        """(J, ∇J, ∇²J) at θ, in one pass over X.  Per block: z, ℓ′ and ℓ″ (and ℓ, unless J
        at θ is remembered), Xᵀℓ′, and AᵀA for A = √ℓ″ ∘ [X, 1], which is the whole Hessian
        block [XᵀDX, XᵀD1; 1ᵀDX, 1ᵀD1] in one product that NumPy hands to BLAS syrk."""
        if self._by_blocks:
            return self._block_pass(theta, hess=True)
        w, b = self.split(theta)
        d = self.d
        remembered = self._remembered_value(theta)

        def part(start: int, stop: int):
            total, margin = 0.0, np.inf
            hess = np.zeros((d + 1, d + 1))
            grad = np.zeros(d + 1)
            buffer = None
            for lo, hi in _blocks(start, stop, d):
                Xb, yb = self.X[lo:hi], self.y[lo:hi]
                z = Xb @ w + b
                if remembered is None:
                    total += float(np.sum(self.kernels.loss(z, yb)))
                    margin = min(margin, float(np.min((2.0 * yb - 1.0) * z)))
                r, h = self.kernels.dloss_d2loss(z, yb)
                grad[:d] += r @ Xb
                grad[d] += r.sum()
                if buffer is None:
                    buffer = np.empty((hi - lo, d + 1))
                A = buffer[:hi - lo]
                root = np.sqrt(h)
                np.multiply(Xb, root[:, None], out=A[:, :d])
                A[:, d] = root
                hess += A.T @ A
            return total, margin, grad, hess

        parts = self._map(part)
        n = self.n
        if remembered is None:
            self.last_margin = min(p[1] for p in parts)
            value = sum(p[0] for p in parts) / n + self._penalty(w)
        else:
            value, self.last_margin = remembered
        grad = sum(p[2] for p in parts) / n
        grad[:-1] += self.l2 * w
        hess = sum(p[3] for p in parts) / n
        hess[np.arange(d), np.arange(d)] += self.l2
        return value, grad, hess

    def hessp(self, theta: Array, v: Array) -> Array:
        """∇²J(θ)·v = (Xᵀ(w̃∘ℓ″∘(Xv_w + v_b))/n + l2·v_w, 1ᵀ(w̃∘ℓ″∘(Xv_w + v_b))/n)."""
        w, b = self.split(theta)

        def part(start: int, stop: int) -> Array:
            out = np.zeros(self.n_params)
            for lo, hi in row_blocks(self.X, start, stop):
                Xb = self.X[lo:hi]
                h = self._weighted(self.kernels.d2loss(matvec(Xb, w) + b, self.y[lo:hi]), lo, hi)
                u = h * (matvec(Xb, v[:-1]) + v[-1])
                out[:-1] += rmatvec(Xb, u)
                out[-1] += u.sum()
            return out
        out = sum(self._map(part)) / self.n
        out[:-1] += self.l2 * v[:-1]
        return out

    def value_gradient_hessp(self, theta: Array) -> tuple[float, Array, HessianOperator]:
        """(J, ∇J, v ↦ ∇²J·v) with D = w̃∘ℓ″ kept from one pass; the diagonal of ∇²J is
        (Σ_i D_i x_ij²/n + l2, Σ_i D_i/n).  Memory: a few n-vectors, never a (d, d) matrix."""
        value, grad = self.value_gradient(theta)
        w, b = self.split(theta)
        curvature = np.empty(self.n)
        diagonal = np.zeros(self.n_params)
        for lo, hi in row_blocks(self.X, 0, self.n):
            Xb = self.X[lo:hi]
            h = self._weighted(self.kernels.d2loss(matvec(Xb, w) + b, self.y[lo:hi]), lo, hi)
            curvature[lo:hi] = h
            diagonal[:-1] += weighted_squares(Xb, h)
        diagonal[-1] = curvature.sum()
        diagonal /= self.n
        diagonal[:-1] += self.l2

        def matvec_hessian(v: Array) -> Array:
            u = curvature * (matvec(self.X, v[:-1]) + v[-1])
            out = np.empty(self.n_params)
            out[:-1] = rmatvec(self.X, u) / self.n + self.l2 * v[:-1]
            out[-1] = u.sum() / self.n
            return out

        return value, grad, HessianOperator(matvec_hessian, diagonal)

    def minibatch_gradient(self, theta: Array, rows: NDArray[np.intp]) -> Array:
        """The gradient of the objective restricted to ``rows``: mean over them of w̃(p − y)(x, 1),
        plus l2·w (an unbiased estimate of ∇J for rows drawn uniformly)."""
        w, b = self.split(theta)
        Xb = self.X[rows]
        r = self.kernels.dloss(matvec(Xb, w) + b, self.y[rows])
        if self.weights is not None:
            r = r * self.weights[rows]
        grad = np.empty(self.n_params)
        grad[:-1] = rmatvec(Xb, r) / len(rows) + self.l2 * w
        grad[-1] = float(r.mean())
        return grad

    def separates(self) -> bool:
        """Whether the last evaluated θ classified every example correctly with a positive margin."""
        return self.last_margin > 0.0


