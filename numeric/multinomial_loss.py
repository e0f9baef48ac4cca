"""The objective of softmax (multinomial) regression: the softmax loss pushed through X.

Shapes as in ``numeric.binary_loss``: X (n, d) dense C-contiguous or sparse CSR, never copied
or densified; W is (K, d), b (K,); θ packs row k = (W_k, b_k) of a (K, d + 1) array, flattened.
A = XWᵀ + 1bᵀ, S = softmax(A) row-wise, Y one-hot, w̃ the rescaled sample weights
(``numeric.design``), and from softmax-ce-gradient ∂ℓ/∂a = s − y (GRADIENT_A) and the
softmax Jacobian ∂s/∂a = diag(s) − ssᵀ (JACOBIAN):

    J(θ)   = (1/n) Σ_i w̃_i [logsumexp(a_i) − y_iᵀa_i] + (l2/2)‖W‖²_F
    ∇_W J  = (w̃∘(S − Y))ᵀX/n + l2·W,   ∇_b J = (S − Y)ᵀw̃/n
    ∇²J    : block (k, l) = X̃ᵀ diag(w̃ ∘ s_k ∘ (δ_kl − s_l)) X̃ / n  (+ l2·I on W),  X̃ = [X, 1]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

from . import stable
from .design import as_design, entries, gram, matvec, rmatvec, row_blocks, scaled_weights, weighted_squares
from .parallel import map_rows
from .solvers import HessianOperator

__all__ = ["MultinomialObjective", "softmax_loss", "softmax_dloss", "softmax_loss_dloss"]

Array = NDArray[np.float64]


def softmax_dloss(A: Array, Y: Array) -> Array:
    """∂ℓ/∂a = softmax(a) − y for every row (softmax-ce-gradient, GRADIENT_A = s − y)."""
    return stable.softmax(A, axis=1) - Y


def softmax_loss(A: Array, Y: Array) -> Array:
    """ℓ(a, y) = −Σ_k y_k log softmax(a)_k = logsumexp(a) − yᵀa for every row."""
    return stable.logsumexp(A, axis=1) - np.einsum("ik,ik->i", Y, A)


def softmax_loss_dloss(A: Array, Y: Array, axis: int = 1) -> tuple[Array, Array]:
    """(softmax_loss(A, Y), softmax_dloss(A, Y)) sharing one exponential of A − max, with the
    classes along ``axis`` (1: a row per example; 0: a column per example, which NumPy
    reduces faster when there are few classes)."""
    m = np.max(A, axis=axis, keepdims=True)
    E = np.exp(A - m)
    total = np.sum(E, axis=axis, keepdims=True)
    loss = np.squeeze(m + np.log(total), axis=axis) - np.sum(Y * A, axis=axis)
    E /= total
    E -= Y
    return loss, E


@dataclass
class MultinomialObjective:
    """J(W, b) = (1/n) Σ w̃_i [logsumexp(a_i) − y_iᵀa_i] + (l2/2)‖W‖²_F, a_i = W x_i + b, Y one-hot (n, K)."""

    X: Array
    Y: Array
    l2: float = 0.0
    sample_weight: Array | None = None

    def __post_init__(self) -> None:
        self.X = as_design(self.X)
        self.n, self.d = self.X.shape
        self.weights = scaled_weights(self.sample_weight, self.n)
        self.weight_total = float(self.n if self.sample_weight is None else np.sum(self.sample_weight))
        self.K = self.Y.shape[1]
        self.last_margin = -np.inf
        self._labels = np.argmax(self.Y, axis=1)
        self._Yt = np.ascontiguousarray(self.Y.T)  # a column per example, as the passes use it

    @property
    def n_params(self) -> int:
        return self.K * (self.d + 1)

    def split(self, theta: Array) -> tuple[Array, Array]:
        P = theta.reshape(self.K, self.d + 1)
        return P[:, :-1], P[:, -1]

    def _map(self, fn) -> list:
        return map_rows(fn, self.n, (entries(self.X) // max(self.n, 1)) * self.K)

    def _logits_t(self, Xb, W: Array, b: Array) -> Array:
        """Logits with a column per example, (K, n_b), C-contiguous."""
        At = W @ Xb.T if not sps.issparse(Xb) else np.ascontiguousarray(matvec(Xb, W.T).T)
        At += b[:, None]
        return At

    def margins(self, theta: Array) -> Array:
        """a_{i,y_i} − max_{k≠y_i} a_ik for every example: positive where its own class leads."""
        A = self.logits(theta)
        own = A[np.arange(self.n), self._labels]
        A[np.arange(self.n), self._labels] = -np.inf
        return own - A.max(axis=1)

    def max_margin(self, theta: Array) -> float:
        """max_i (a_{i,y_i} − max_{k≠y_i} a_ik) over the examples with weight."""
        margins = self.margins(theta)
        if self.weights is not None:
            margins = margins[self.weights > 0]
        return float(np.max(margins, initial=-np.inf))

    def _penalty(self, W: Array) -> float:
        return 0.5 * self.l2 * float(np.sum(W * W))

    def logits(self, theta: Array) -> Array:
        """A = XWᵀ + 1bᵀ, shape (n, K)."""
        W, b = self.split(theta)
        return matvec(self.X, W.T) + b

    def _margin(self, At: Array, labels: NDArray[np.intp]) -> float:
        """min_i (a_{i,y_i} − max_{k≠y_i} a_ik) for logits At (K, n_b): positive when every
        example's own class leads."""
        columns = np.arange(At.shape[1])
        others = At.copy()
        others[labels, columns] = -np.inf
        return float(np.min(At[labels, columns] - others.max(axis=0)))

    def _pass(self, theta: Array, with_gradient: bool) -> tuple[float, Array | None]:
        W, b = self.split(theta)
        # Only an unpenalised fit asks whether θ separates the classes.
        watch = self.l2 == 0 and self.K > 1

        def part(start: int, stop: int):
            total, margin = 0.0, np.inf
            P = np.zeros((self.K, self.d + 1)) if with_gradient else None
            for lo, hi in row_blocks(self.X, start, stop):
                Xb = self.X[lo:hi]
                At = self._logits_t(Xb, W, b)
                if watch:
                    margin = min(margin, self._margin(At, self._labels[lo:hi]))
                loss, Gt = softmax_loss_dloss(At, self._Yt[:, lo:hi], axis=0)
                if self.weights is not None:
                    loss *= self.weights[lo:hi]
                    Gt *= self.weights[lo:hi]
                if with_gradient:
                    P[:, :-1] += rmatvec(Xb, Gt.T).T
                    P[:, -1] += Gt.sum(axis=1)
                total += float(loss.sum())
            return total, margin, P

        parts = self._map(part)
        if watch:
            self.last_margin = min(p[1] for p in parts)
        value = sum(p[0] for p in parts) / self.n + self._penalty(W)
        if not with_gradient:
            return value, None
        P = sum(p[2] for p in parts) / self.n
        P[:, :-1] += self.l2 * W
        return value, P.ravel()

    def value(self, theta: Array) -> float:
        return self._pass(theta, False)[0]

    def value_gradient(self, theta: Array) -> tuple[float, Array]:
        """(J, ∇J) with ∇_W J = (S − Y)ᵀX/n + l2·W and ∇_b J = (S − Y)ᵀ1/n."""
        return self._pass(theta, True)  # type: ignore[return-value]

    def gradient(self, theta: Array) -> Array:
        return self._pass(theta, True)[1]  # type: ignore[return-value]

    def value_gradient_hessian(self, theta: Array) -> tuple[float, Array, Array]:
        """(J, ∇J, ∇²J); block (k, l) of ∇²J is X̃ᵀ diag(w̃ s_k(δ_kl − s_l)) X̃ / n (+ l2·I on W)."""
        value, grad = self.value_gradient(theta)
        W, b = self.split(theta)
        K, d = self.K, self.d
        p = d + 1
        dense = not sps.issparse(self.X)

        def part(start: int, stop: int) -> Array:
            hess = np.zeros((K * p, K * p))
            for lo, hi in row_blocks(self.X, start, stop, K):
                Xb = self.X[lo:hi]
                S = stable.softmax(self._logits_t(Xb, W, b).T, axis=1)
                weights = np.ones(hi - lo) if self.weights is None else self.weights[lo:hi]
                if dense:
                    _add_dense_block(hess, Xb, S, weights)
                    continue
                for k in range(K):
                    for l in range(k, K):
                        h = weights * S[:, k] * ((k == l) - S[:, l])
                        hess[k * p:(k + 1) * p, l * p:(l + 1) * p] += gram(Xb, h)
                        if l != k:
                            hess[l * p:(l + 1) * p, k * p:(k + 1) * p] = hess[k * p:(k + 1) * p, l * p:(l + 1) * p].T
            return hess

        hess = sum(self._map(part)) / self.n
        for k in range(K):
            hess[k * p + np.arange(d), k * p + np.arange(d)] += self.l2
        return value, grad, hess

    def value_gradient_hessp(self, theta: Array) -> tuple[float, Array, HessianOperator]:
        """(J, ∇J, v ↦ ∇²J·v) with S = softmax(A) computed once for all the products.

        With U = X̃Vᵀ the product is ((S∘U − S∘(S∘U)1)ᵀX̃)/n + l2·V_W (the softmax Jacobian
        diag(s) − ssᵀ applied row by row); the diagonal of ∇²J is
        (S∘(1 − S))ᵀ(X̃∘X̃)/n, plus l2 on W.
        """
        value, grad = self.value_gradient(theta)
        S = stable.softmax(self.logits(theta), axis=1)
        # The weights multiply each example's Jacobian diag(s) − ssᵀ: fold them into its rows.
        weights = np.ones(self.n) if self.weights is None else self.weights
        d = self.d
        diagonal = np.empty((self.K, d + 1))
        curvature = S * (1.0 - S) * weights[:, None]
        for k in range(self.K):
            diagonal[k, :d] = weighted_squares(self.X, curvature[:, k]) / self.n + self.l2
        diagonal[:, d] = curvature.sum(axis=0) / self.n

        def product(v: Array) -> Array:
            V, vb = self.split(v)
            SU = S * (matvec(self.X, V.T) + vb)
            G = (SU - S * SU.sum(axis=1, keepdims=True)) * weights[:, None]
            P = np.empty((self.K, d + 1))
            P[:, :d] = rmatvec(self.X, G).T / self.n + self.l2 * V
            P[:, d] = G.sum(axis=0) / self.n
            return P.ravel()

        return value, grad, HessianOperator(product, diagonal.ravel())

    def hessp(self, theta: Array, v: Array) -> Array:
        """∇²J·v: with U = X̃Vᵀ, the product is ((S∘U − S∘(S∘U)1)ᵀX̃)/n plus l2·V_W."""
        W, b = self.split(theta)
        V, vb = self.split(v)

        def part(start: int, stop: int) -> Array:
            P = np.zeros((self.K, self.d + 1))
            for lo, hi in row_blocks(self.X, start, stop, self.K):
                Xb = self.X[lo:hi]
                S = stable.softmax(matvec(Xb, W.T) + b, axis=1)
                SU = S * (matvec(Xb, V.T) + vb)
                G = SU - S * SU.sum(axis=1, keepdims=True)
                if self.weights is not None:
                    G *= self.weights[lo:hi, None]
                P[:, :-1] += rmatvec(Xb, G).T
                P[:, -1] += G.sum(axis=0)
            return P
        P = sum(self._map(part)) / self.n
        P[:, :-1] += self.l2 * V
        return P.ravel()

    def minibatch_gradient(self, theta: Array, rows: NDArray[np.intp]) -> Array:
        """The gradient restricted to ``rows`` (mean over them), plus l2·W."""
        W, b = self.split(theta)
        Xb = self.X[rows]
        G = softmax_dloss(matvec(Xb, W.T) + b, self.Y[rows])
        if self.weights is not None:
            G *= self.weights[rows, None]
        P = np.empty((self.K, self.d + 1))
        P[:, :-1] = rmatvec(Xb, G).T / len(rows) + self.l2 * W
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


def _add_dense_block(hess: Array, Xb: Array, S: Array, weights: Array) -> None:
    """hess += Σ_i w̃_i (diag(s_i) − s_i s_iᵀ) ⊗ x̃_i x̃_iᵀ over a dense block: K products
    X̃ᵀdiag(w̃ s_k)X̃ minus one big VᵀV with rows v_i = √w̃_i s_i ⊗ x̃_i, a few large BLAS
    calls instead of K² small ones."""
    nb, d = Xb.shape
    K, p = S.shape[1], d + 1
    Xt = np.empty((nb, p))
    Xt[:, :d] = Xb
    Xt[:, d] = 1.0
    root = np.sqrt(weights)
    V = ((S * root[:, None])[:, :, None] * Xt[:, None, :]).reshape(nb, K * p)
    hess -= V.T @ V
    for k in range(K):
        hess[k * p:(k + 1) * p, k * p:(k + 1) * p] += (Xt * (weights * S[:, k])[:, None]).T @ Xt
