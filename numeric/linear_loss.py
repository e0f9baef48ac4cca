"""Objectives of linear models: the pointwise loss pushed through X by the chain rule.

Shapes, fixed once: X is (n, d), C-contiguous float64 and never copied; coefficients w are
(d,) for two classes and W is (K, d) for K classes; the intercept is b (a float) or (K,).
Parameters are packed into one flat vector θ for the solvers: (w, b) for two classes, and
row k = (W_k, b_k) of a (K, d + 1) array, flattened, for K classes.  The intercept is never
penalised and never appended to X as a column (that would copy X).

Two classes, ℓ, ℓ′, ℓ″ generated from the derivations (``numeric.kernels``), z = Xw + b:

    J(θ)   = (1/n) Σ_i ℓ(z_i, y_i) + (l2/2)‖w‖²
    ∇_w J  = Xᵀℓ′/n + l2·w,        ∂_b J = 1ᵀℓ′/n
    ∇²J    = [XᵀDX/n + l2·I,  XᵀD1/n;  1ᵀDX/n,  1ᵀD1/n],   D = diag(ℓ″)

K classes (softmax-ce-gradient: ∂ℓ/∂a = s − y), A = XWᵀ + 1bᵀ, S = softmax(A) row-wise,
Y one-hot:

    J(θ)   = (1/n) Σ_i [logsumexp(a_i) − y_iᵀa_i] + (l2/2)‖W‖²_F
    ∇_W J  = (S − Y)ᵀX/n + l2·W,   ∇_b J = (S − Y)ᵀ1/n
    ∇²J    : block (k, l) = X̃ᵀ diag(s_k ∘ (δ_kl − s_l)) X̃ / n  (+ l2·I on W),  X̃ = [X, 1]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from . import stable
from .kernels import BinaryKernels, binary_kernels

__all__ = ["BinaryObjective", "MultinomialObjective", "softmax_loss", "softmax_dloss", "softmax_loss_dloss"]

Array = NDArray[np.float64]

#: Rows per block of the Hessian pass: a block of √ℓ″-weighted rows stays around 16 MB.
_BLOCK_BYTES = 1 << 24


def _rows_per_block(d: int) -> int:
    return max(1, _BLOCK_BYTES // (8 * max(d, 1)))


def softmax_dloss(A: Array, Y: Array) -> Array:
    """∂ℓ/∂a = softmax(a) − y for every row (softmax-ce-gradient, GRADIENT_A = s − y)."""
    return stable.softmax(A, axis=1) - Y


def softmax_loss(A: Array, Y: Array) -> Array:
    """ℓ(a, y) = −Σ_k y_k log softmax(a)_k = logsumexp(a) − yᵀa for every row."""
    return stable.logsumexp(A, axis=1) - np.einsum("ik,ik->i", Y, A)


def softmax_loss_dloss(A: Array, Y: Array) -> tuple[Array, Array]:
    """(softmax_loss(A, Y), softmax_dloss(A, Y)) sharing one exponential of A − max."""
    m = np.max(A, axis=1, keepdims=True)
    E = np.exp(A - m)
    total = np.sum(E, axis=1, keepdims=True)
    loss = (m + np.log(total))[:, 0] - np.einsum("ik,ik->i", Y, A)
    E /= total
    E -= Y
    return loss, E


@dataclass
class BinaryObjective:
    """J(w, b) = (1/n) Σ ℓ(x_iᵀw + b, y_i) + (l2/2)‖w‖² for labels y_i ∈ {0, 1}."""

    X: Array
    y: Array
    l2: float = 0.0
    kernels: BinaryKernels | None = None

    def __post_init__(self) -> None:
        if self.kernels is None:
            self.kernels = binary_kernels()
        self.n, self.d = self.X.shape
        #: min_i (2y_i − 1) z_i at the last evaluated θ: positive means θ separates the classes.
        self.last_margin = -np.inf

    @property
    def n_params(self) -> int:
        return self.d + 1

    def split(self, theta: Array) -> tuple[Array, float]:
        return theta[:-1], float(theta[-1])

    def logits(self, theta: Array) -> Array:
        """z = Xw + b."""
        w, b = self.split(theta)
        z = self.X @ w
        z += b
        return z

    def _penalty(self, w: Array) -> float:
        return 0.5 * self.l2 * float(w @ w)

    def _logits_and_loss(self, theta: Array) -> tuple[Array, float]:
        """(z, Σℓ) at θ, remembered for the last θ: Newton's line search evaluates J at the
        point where the next Hessian is needed, and this saves the second pass."""
        cached = getattr(self, "_cache", None)
        if cached is not None and np.array_equal(cached[0], theta):
            return cached[1], cached[2]
        z = self.logits(theta)
        self.last_margin = float(np.min((2.0 * self.y - 1.0) * z)) if self.n else -np.inf
        total = float(np.sum(self.kernels.loss(z, self.y)))
        self._cache = (theta.copy(), z, total)
        return z, total

    def value(self, theta: Array) -> float:
        """J(θ)."""
        _, total = self._logits_and_loss(theta)
        return total / self.n + self._penalty(self.split(theta)[0])

    def value_gradient(self, theta: Array) -> tuple[float, Array]:
        """(J(θ), ∇J(θ)) in one pass over X (the fused, threaded kernel)."""
        w, b = self.split(theta)
        total, gw, gb, margin = self.kernels.fused(self.X, self.y, w, b)
        self.last_margin = margin
        grad = np.empty(self.n_params)
        grad[:-1] = gw / self.n + self.l2 * w
        grad[-1] = gb / self.n
        return total / self.n + self._penalty(w), grad

    def gradient(self, theta: Array) -> Array:
        """∇J(θ) = (Xᵀℓ′/n + l2·w, 1ᵀℓ′/n)."""
        w, b = self.split(theta)
        _, gw, gb, margin = self.kernels.fused(self.X, self.y, w, b, with_loss=False)
        self.last_margin = margin
        grad = np.empty(self.n_params)
        grad[:-1] = gw / self.n + self.l2 * w
        grad[-1] = gb / self.n
        return grad

    def value_gradient_hessian(self, theta: Array) -> tuple[float, Array, Array]:
        """(J, ∇J, ∇²J) at θ; the Hessian is accumulated over row blocks."""
        w, _ = self.split(theta)
        z, total = self._logits_and_loss(theta)
        value = total / self.n + self._penalty(w)
        r = self.kernels.dloss(z, self.y)
        h = self.kernels.d2loss(z, self.y)
        grad = np.empty(self.n_params)
        grad[:-1] = (r @ self.X) / self.n + self.l2 * w
        grad[-1] = float(r.sum()) / self.n
        return value, grad, self.hessian_from_weights(h)

    def hessian_from_weights(self, h: Array) -> Array:
        """[XᵀDX/n + l2·I, XᵀD1/n; 1ᵀDX/n, 1ᵀD1/n] for D = diag(h), h ≥ 0."""
        d, n = self.d, self.n
        hess = np.empty((d + 1, d + 1))
        root = np.sqrt(h)
        step = _rows_per_block(d)
        gram = np.zeros((d, d))
        for start in range(0, n, step):
            block = self.X[start:start + step] * root[start:start + step, None]
            # (√D X)ᵀ(√D X) = XᵀDX; NumPy hands Aᵀ·A to BLAS syrk, half the work of a product.
            gram += block.T @ block
        hess[:d, :d] = gram
        hess[:d, :d] /= n
        hess[np.arange(d), np.arange(d)] += self.l2
        cross = (h @ self.X) / n
        hess[:d, d] = cross
        hess[d, :d] = cross
        hess[d, d] = float(h.sum()) / n
        return hess

    def hessp(self, theta: Array, v: Array) -> Array:
        """∇²J(θ)·v = (Xᵀ(ℓ″ ∘ (Xv_w + v_b))/n + l2·v_w, 1ᵀ(ℓ″ ∘ (Xv_w + v_b))/n)."""
        z = self.logits(theta)
        h = self.kernels.d2loss(z, self.y)
        u = h * (self.X @ v[:-1] + v[-1])
        out = np.empty(self.n_params)
        out[:-1] = (u @ self.X) / self.n + self.l2 * v[:-1]
        out[-1] = float(u.sum()) / self.n
        return out

    def minibatch_gradient(self, theta: Array, rows: NDArray[np.intp]) -> Array:
        """The gradient of the objective restricted to ``rows``: mean over them of (p − y)(x, 1), plus l2·w."""
        w, b = self.split(theta)
        Xb = self.X[rows]
        r = self.kernels.dloss(Xb @ w + b, self.y[rows])
        grad = np.empty(self.n_params)
        grad[:-1] = (r @ Xb) / len(rows) + self.l2 * w
        grad[-1] = float(r.mean())
        return grad

    def separates(self) -> bool:
        """Whether the last evaluated θ classified every example correctly with a positive margin."""
        return self.last_margin > 0.0


@dataclass
class MultinomialObjective:
    """J(W, b) = (1/n) Σ [logsumexp(a_i) − y_iᵀa_i] + (l2/2)‖W‖²_F, a_i = W x_i + b, Y one-hot (n, K)."""

    X: Array
    Y: Array
    l2: float = 0.0

    def __post_init__(self) -> None:
        self.n, self.d = self.X.shape
        self.K = self.Y.shape[1]
        self.last_margin = -np.inf
        self._labels = np.argmax(self.Y, axis=1)

    @property
    def n_params(self) -> int:
        return self.K * (self.d + 1)

    def split(self, theta: Array) -> tuple[Array, Array]:
        P = theta.reshape(self.K, self.d + 1)
        return P[:, :-1], P[:, -1]

    def logits(self, theta: Array) -> Array:
        """A = XWᵀ + 1bᵀ, shape (n, K)."""
        W, b = self.split(theta)
        A = self.X @ W.T
        A += b
        return A

    def _record_margin(self, A: Array) -> None:
        # Only an unpenalised fit asks whether θ separates the classes.
        if not self.n or self.l2 != 0:
            return
        rows = np.arange(self.n)
        true = A[rows, self._labels]
        others = A.copy()
        others[rows, self._labels] = -np.inf
        self.last_margin = float(np.min(true - others.max(axis=1))) if self.K > 1 else -np.inf

    def value(self, theta: Array) -> float:
        W, _ = self.split(theta)
        A = self.logits(theta)
        self._record_margin(A)
        return float(softmax_loss(A, self.Y).sum()) / self.n + 0.5 * self.l2 * float(np.sum(W * W))

    def _pack(self, G: Array, W: Array) -> Array:
        P = np.empty((self.K, self.d + 1))
        P[:, :-1] = (G.T @ self.X) / self.n + self.l2 * W
        P[:, -1] = G.sum(axis=0) / self.n
        return P.ravel()

    def value_gradient(self, theta: Array) -> tuple[float, Array]:
        """(J, ∇J) with ∇_W J = (S − Y)ᵀX/n + l2·W and ∇_b J = (S − Y)ᵀ1/n."""
        W, _ = self.split(theta)
        A = self.logits(theta)
        self._record_margin(A)
        loss, G = softmax_loss_dloss(A, self.Y)
        return float(loss.sum()) / self.n + 0.5 * self.l2 * float(np.sum(W * W)), self._pack(G, W)

    def gradient(self, theta: Array) -> Array:
        return self.value_gradient(theta)[1]

    def value_gradient_hessian(self, theta: Array) -> tuple[float, Array, Array]:
        """(J, ∇J, ∇²J); block (k, l) of ∇²J is X̃ᵀ diag(s_k(δ_kl − s_l)) X̃ / n (+ l2·I on W)."""
        W, _ = self.split(theta)
        A = self.logits(theta)
        self._record_margin(A)
        value = float(softmax_loss(A, self.Y).sum()) / self.n + 0.5 * self.l2 * float(np.sum(W * W))
        S = stable.softmax(A, axis=1)
        grad = self._pack(S - self.Y, W)
        K, d, n = self.K, self.d, self.n
        p = d + 1
        hess = np.empty((K * p, K * p))
        for k in range(K):
            for l in range(k, K):
                weight = S[:, k] * ((1.0 if k == l else 0.0) - S[:, l])
                WX = self.X * weight[:, None]
                block = np.empty((p, p))
                block[:d, :d] = self.X.T @ WX
                cross = WX.sum(axis=0)
                block[:d, d] = cross
                block[d, :d] = cross
                block[d, d] = weight.sum()
                block /= n
                if k == l:
                    block[np.arange(d), np.arange(d)] += self.l2
                hess[k * p:(k + 1) * p, l * p:(l + 1) * p] = block
                if l != k:
                    hess[l * p:(l + 1) * p, k * p:(k + 1) * p] = block.T
        return value, grad, hess

    def hessp(self, theta: Array, v: Array) -> Array:
        """∇²J·v: with U = X̃Vᵀ, the product is ((S∘U − S∘(S∘U)1)ᵀX̃)/n plus l2·V_W."""
        A = self.logits(theta)
        S = stable.softmax(A, axis=1)
        V, vb = self.split(v)
        U = self.X @ V.T + vb
        SU = S * U
        G = SU - S * SU.sum(axis=1, keepdims=True)
        return self._pack(G, V)

    def minibatch_gradient(self, theta: Array, rows: NDArray[np.intp]) -> Array:
        """The gradient restricted to ``rows`` (mean over them), plus l2·W."""
        W, b = self.split(theta)
        Xb = self.X[rows]
        G = softmax_dloss(Xb @ W.T + b, self.Y[rows])
        P = np.empty((self.K, self.d + 1))
        P[:, :-1] = (G.T @ Xb) / len(rows) + self.l2 * W
        P[:, -1] = G.mean(axis=0)
        return P.ravel()

    def null_directions(self) -> Array:
        """Orthonormal directions along which J is constant: a common shift of every class's
        intercept, and with l2 = 0 also of every class's coefficient on each feature."""
        p = self.d + 1
        columns = range(p) if self.l2 == 0 else [self.d]
        out = np.zeros((len(columns), self.K * p))
        for i, j in enumerate(columns):
            out[i, j::p] = 1.0 / np.sqrt(self.K)
        return out

    def separates(self) -> bool:
        return self.last_margin > 0.0
