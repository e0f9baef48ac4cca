"""Objectives of linear models: the pointwise loss pushed through X by the chain rule.

Shapes, fixed once: X is (n, d), C-contiguous float64 and never copied: every pass walks it
in row blocks, one contiguous range of rows per core (``numeric.parallel``).  Coefficients w
are (d,) for two classes and W is (K, d) for K classes; the intercept is b (a float) or (K,).
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
from .parallel import map_rows
from .solvers import HessianOperator

__all__ = ["BinaryObjective", "MultinomialObjective", "softmax_loss", "softmax_dloss", "softmax_loss_dloss"]

Array = NDArray[np.float64]

#: Each thread walks its rows in blocks of about this many bytes of X (a core's L2 cache here):
#: a block read by one product is still in cache for the next, and the temporaries (logits, a
#: weighted copy for the Hessian) never grow with n.
_BLOCK_BYTES = 1 << 20


def _blocks(start: int, stop: int, d: int, width: int = 1):
    """(lo, hi) blocks of rows covering start..stop−1 (``width`` columns per row of temporaries)."""
    step = max(1, _BLOCK_BYTES // (8 * max(d, 1) * max(width, 1)))
    for lo in range(start, stop, step):
        yield lo, min(stop, lo + step)


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

    def _penalty(self, w: Array) -> float:
        return 0.5 * self.l2 * float(w @ w)

    def _map(self, fn) -> list:
        return map_rows(fn, self.n, self.d)

    def logits(self, theta: Array) -> Array:
        """z = Xw + b."""
        w, b = self.split(theta)
        z = np.empty(self.n)

        def part(start: int, stop: int) -> None:
            np.dot(self.X[start:stop], w, out=z[start:stop])
        self._map(part)
        z += b
        return z

    def value(self, theta: Array) -> float:
        """J(θ)."""
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
        """(J, ∇J, ∇²J) at θ, in one pass over X.  Per block: z, ℓ′ and ℓ″ (and ℓ, unless J
        at θ is remembered), Xᵀℓ′, and AᵀA for A = √ℓ″ ∘ [X, 1], which is the whole Hessian
        block [XᵀDX, XᵀD1; 1ᵀDX, 1ᵀD1] in one product that NumPy hands to BLAS syrk."""
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
        """∇²J(θ)·v = (Xᵀ(ℓ″ ∘ (Xv_w + v_b))/n + l2·v_w, 1ᵀ(ℓ″ ∘ (Xv_w + v_b))/n)."""
        w, b = self.split(theta)

        def part(start: int, stop: int) -> Array:
            out = np.zeros(self.n_params)
            for lo, hi in _blocks(start, stop, self.d):
                Xb = self.X[lo:hi]
                u = self.kernels.d2loss(Xb @ w + b, self.y[lo:hi]) * (Xb @ v[:-1] + v[-1])
                out[:-1] += u @ Xb
                out[-1] += u.sum()
            return out
        out = sum(self._map(part)) / self.n
        out[:-1] += self.l2 * v[:-1]
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
        self._Yt = np.ascontiguousarray(self.Y.T)  # a column per example, as the passes use it

    @property
    def n_params(self) -> int:
        return self.K * (self.d + 1)

    def split(self, theta: Array) -> tuple[Array, Array]:
        P = theta.reshape(self.K, self.d + 1)
        return P[:, :-1], P[:, -1]

    def _map(self, fn) -> list:
        return map_rows(fn, self.n, self.d * self.K)

    def _penalty(self, W: Array) -> float:
        return 0.5 * self.l2 * float(np.sum(W * W))

    def logits(self, theta: Array) -> Array:
        """A = XWᵀ + 1bᵀ, shape (n, K)."""
        W, b = self.split(theta)
        return self.X @ W.T + b

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
            for lo, hi in _blocks(start, stop, self.d):
                Xb = self.X[lo:hi]
                # Logits with a column per example: (K, n_b).
                At = W @ Xb.T
                At += b[:, None]
                if watch:
                    margin = min(margin, self._margin(At, self._labels[lo:hi]))
                loss, Gt = softmax_loss_dloss(At, self._Yt[:, lo:hi], axis=0)
                if with_gradient:
                    P[:, :-1] += Gt @ Xb
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
        """(J, ∇J, ∇²J); block (k, l) of ∇²J is X̃ᵀ diag(s_k(δ_kl − s_l)) X̃ / n (+ l2·I on W)."""
        value, grad = self.value_gradient(theta)
        W, b = self.split(theta)
        K, d = self.K, self.d
        p = d + 1

        def part(start: int, stop: int) -> Array:
            # Σ_i (diag(s_i) − s_i s_iᵀ) ⊗ x̃_i x̃_iᵀ, as K products X̃ᵀdiag(s_k)X̃ minus one big
            # VᵀV with rows v_i = s_i ⊗ x̃_i: a few large BLAS calls instead of K² small ones.
            hess = np.zeros((K * p, K * p))
            for lo, hi in _blocks(start, stop, d, K):
                Xt = np.empty((hi - lo, p))
                Xt[:, :d] = self.X[lo:hi]
                Xt[:, d] = 1.0
                S = stable.softmax(Xt[:, :d] @ W.T + b, axis=1)
                V = (S[:, :, None] * Xt[:, None, :]).reshape(hi - lo, K * p)
                hess -= V.T @ V
                for k in range(K):
                    hess[k * p:(k + 1) * p, k * p:(k + 1) * p] += (Xt * S[:, k:k + 1]).T @ Xt
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
        W, b = self.split(theta)
        S = stable.softmax(self.logits(theta), axis=1)
        d = self.d
        diagonal = np.empty((self.K, d + 1))
        curvature = S * (1.0 - S)
        diagonal[:, :d] = curvature.T @ np.square(self.X) / self.n + self.l2
        diagonal[:, d] = curvature.sum(axis=0) / self.n

        def matvec(v: Array) -> Array:
            V, vb = self.split(v)
            SU = S * (self.X @ V.T + vb)
            G = SU - S * SU.sum(axis=1, keepdims=True)
            P = np.empty((self.K, d + 1))
            P[:, :d] = G.T @ self.X / self.n + self.l2 * V
            P[:, d] = G.sum(axis=0) / self.n
            return P.ravel()

        return value, grad, HessianOperator(matvec, diagonal.ravel())

    def hessp(self, theta: Array, v: Array) -> Array:
        """∇²J·v: with U = X̃Vᵀ, the product is ((S∘U − S∘(S∘U)1)ᵀX̃)/n plus l2·V_W."""
        W, b = self.split(theta)
        V, vb = self.split(v)

        def part(start: int, stop: int) -> Array:
            P = np.zeros((self.K, self.d + 1))
            for lo, hi in _blocks(start, stop, self.d, self.K):
                Xb = self.X[lo:hi]
                S = stable.softmax(Xb @ W.T + b, axis=1)
                SU = S * (Xb @ V.T + vb)
                G = SU - S * SU.sum(axis=1, keepdims=True)
                P[:, :-1] += G.T @ Xb
                P[:, -1] += G.sum(axis=0)
            return P
        P = sum(self._map(part)) / self.n
        P[:, :-1] += self.l2 * V
        return P.ravel()

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
