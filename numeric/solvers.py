"""Minimisers of a smooth convex objective J(θ) given as an object with

    value(θ) -> J,  value_gradient(θ) -> (J, ∇J),  value_gradient_hessian(θ) -> (J, ∇J, ∇²J),
    minibatch_gradient(θ, rows) -> ∇J on those rows,  n (rows),  n_params

(``numeric.linear_loss`` and the MLP provide them).  Every solver stops when
max_j |∂J/∂θ_j| ≤ tol, or after max_iter iterations (epochs for SGD), or when
``callback(iteration, θ, J)`` returns True; it never returns NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np
import scipy.linalg
import scipy.optimize
from scipy.linalg import lapack
from numpy.typing import NDArray

__all__ = ["SolverResult", "HessianOperator", "CG_ABOVE", "newton", "lbfgs", "gd", "sgd", "SOLVERS"]

Array = NDArray[np.float64]
Callback = Callable[[int, Array, float], bool]

_EPS = float(np.finfo(float).eps)


class Objective(Protocol):
    """What the solvers need (Newton also value_gradient_hessian, SGD minibatch_gradient)."""

    n: int
    n_params: int

    def value(self, theta: Array) -> float: ...
    def value_gradient(self, theta: Array) -> tuple[float, Array]: ...
    def separates(self) -> bool: ...


@dataclass
class SolverResult:
    """Where a solver stopped: θ, J(θ), the iterations taken and whether max|∇J| ≤ tol there."""

    theta: Array
    value: float
    n_iter: int
    converged: bool
    message: str
    stopped_by_callback: bool = False
    #: max_j |∂J/∂θ_j| at ``theta`` (the gradient of the mean objective, penalty included).
    grad_max: float = math.nan


def _check_finite(value: float, where: str) -> None:
    if not math.isfinite(value):
        raise FloatingPointError(f"the objective became {value} {where}; the data or the step size "
                                 "is badly scaled (standardise the features)")


def _newton_direction(hess: Array, grad: Array, null: Array | None) -> Array:
    """Solve ∇²J·δ = −∇J by Cholesky; on a singular ∇²J, add the smallest ridge that works.

    ``null`` holds orthonormal directions along which J is constant (∇J is orthogonal to
    them); adding their projector makes ∇²J invertible without changing δ elsewhere.
    """
    if null is not None and len(null):
        hess = hess + null.T @ null
    scale = max(float(np.max(np.abs(np.diag(hess)))), 1e-300)
    ridge = 0.0
    for _ in range(30):
        # LAPACK's posv (Cholesky, then two triangular solves) in one call: on small
        # problems the per-call overhead of the higher-level wrappers is most of the cost.
        system = hess + ridge * np.eye(len(grad)) if ridge else hess
        _, step, info = lapack.dposv(system, -grad)
        if info == 0 and np.all(np.isfinite(step)):
            return step
        ridge = scale * 1e-12 if ridge == 0.0 else ridge * 10.0
    return -grad


@dataclass(frozen=True)
class HessianOperator:
    """v ↦ ∇²J·v at a fixed θ, and the diagonal of ∇²J (for preconditioning)."""

    matvec: Callable[[Array], Array]
    diagonal: Array


#: Above this many parameters Newton finds its step by conjugate gradients on Hessian–vector
#: products instead of forming and factoring ∇²J: forming it costs n·p² (p = 650 for a
#: 10-class model of 64 features), a product only n·p.
CG_ABOVE = 256


def _cg_direction(op: HessianOperator, grad: Array, null: Array | None) -> Array:
    """δ with ‖∇²J·δ + ∇J‖ ≤ η‖∇J‖ by Jacobi-preconditioned conjugate gradients.

    η = min(0.5, √max|∇J|) shrinks with the gradient, which keeps Newton's fast local
    convergence (an inexact Newton method).  Search directions are kept orthogonal to the
    ``null`` directions, where ∇²J vanishes.
    """
    def project(v: Array) -> Array:
        return v - null.T @ (null @ v) if null is not None and len(null) else v

    precondition = 1.0 / np.maximum(op.diagonal, 1e-12 * max(float(np.max(op.diagonal)), 1e-300))
    eta = min(0.5, math.sqrt(float(np.max(np.abs(grad)))))
    target = eta * float(np.linalg.norm(grad))
    step = np.zeros_like(grad)
    residual = -project(grad)
    z = project(precondition * residual)
    direction = z.copy()
    rz = float(residual @ z)
    for _ in range(10 * len(grad)):
        product = op.matvec(direction)
        curvature = float(direction @ product)
        if curvature <= 0.0:
            break
        alpha = rz / curvature
        step += alpha * direction
        residual -= alpha * product
        if float(np.linalg.norm(residual)) <= target:
            break
        z = project(precondition * residual)
        rz, previous = float(residual @ z), rz
        direction = z + (rz / previous) * direction
    return step if np.any(step) else -grad


def newton(objective: Objective, theta0: Array, *, tol: float = 1e-10, max_iter: int = 100,
           callback: Callback | None = None, null: Array | None = None) -> SolverResult:
    """Newton's method with a backtracking (Armijo) line search: θ ← θ + t·δ, ∇²J δ = −∇J.

    δ comes from a Cholesky factorisation of ∇²J, or, for more than ``CG_ABOVE``
    parameters when the objective offers Hessian–vector products, from conjugate gradients.
    Near the optimum the predicted decrease −∇Jᵀδ/2 falls below what floating point can
    resolve in J, and the full step is taken without the line search.
    """
    use_cg = (objective.n_params > getattr(objective, "cg_above", CG_ABOVE)
              and hasattr(objective, "value_gradient_hessp"))

    def model(theta: Array):
        if use_cg:
            return objective.value_gradient_hessp(theta)
        return objective.value_gradient_hessian(theta)

    def direction(curvature, grad: Array) -> Array:
        return _cg_direction(curvature, grad, null) if use_cg else _newton_direction(curvature, grad, null)

    theta = np.array(theta0, dtype=float)
    value, grad, curvature = model(theta)
    _check_finite(value, "at the starting point")
    for it in range(1, max_iter + 1):
        if _max_abs(grad) <= tol:
            return SolverResult(theta, value, it - 1, True, "gradient below tol", grad_max=_max_abs(grad))
        step = direction(curvature, grad)
        slope = float(grad @ step)
        if slope >= 0:  # not a descent direction (numerically singular Hessian): fall back
            step, slope = -grad, -float(grad @ grad)
        t, trial = 1.0, theta + step
        # The full step is tried with the whole model, which it needs next if accepted (as it
        # nearly always is): one pass over the data instead of a value pass and then a model pass.
        at_trial = model(trial)
        if -slope > 64 * _EPS * max(1.0, abs(value)) and not at_trial[0] <= value + 1e-4 * slope:
            for _ in range(60):
                t *= 0.5
                trial = theta + t * step
                if objective.value(trial) <= value + 1e-4 * t * slope:
                    break
            else:
                return SolverResult(theta, value, it, False, "line search failed", grad_max=_max_abs(grad))
            at_trial = model(trial)
        theta = trial
        value, grad, curvature = at_trial
        _check_finite(value, f"at iteration {it}")
        if callback is not None and callback(it, theta, value):
            return SolverResult(theta, value, it, False, "stopped by callback", True, _max_abs(grad))
    return _finished(theta, value, grad, max_iter, tol)


def _max_abs(grad: Array) -> float:
    return float(np.max(np.abs(grad))) if len(grad) else 0.0


def _finished(theta: Array, value: float, grad: Array, max_iter: int, tol: float) -> SolverResult:
    """The result after the last iteration: converged when every |∂J/∂θ_i| ≤ tol."""
    grad_max = _max_abs(grad)
    converged = grad_max <= tol
    return SolverResult(theta, value, max_iter, converged,
                        "gradient below tol" if converged else "max_iter reached", grad_max=grad_max)


def _two_loop(grad: Array, pairs: list[tuple[Array, Array]]) -> Array:
    """−H·∇J for the L-BFGS inverse-Hessian estimate H built from the (s, y) pairs, oldest first."""
    q = grad.copy()
    alphas = []
    for s, y in reversed(pairs):
        alpha = float(s @ q) / float(y @ s)
        q -= alpha * y
        alphas.append(alpha)
    if pairs:
        s, y = pairs[-1]
        q *= float(s @ y) / float(y @ y)
    for (s, y), alpha in zip(pairs, reversed(alphas)):
        q += (alpha - float(y @ q) / float(y @ s)) * s
    return -q


def _lbfgs_polish(fun: Callable, theta: Array, value: float, grad: Array, *, tol: float, budget: int,
                  memory: int, on_step: Callable[[Array, float], bool]) -> tuple[Array, float, Array, int, bool]:
    """L-BFGS iterations whose line search also accepts a step that J cannot tell apart from the
    current point (within rounding) but that lowers ‖∇J‖, as ``gd`` does: the last digits of
    the gradient lie below what J's rounding lets an Armijo test see.
    Returns (θ, J, ∇J, iterations, stopped by the callback)."""
    pairs: list[tuple[Array, Array]] = []
    for it in range(budget):
        if _max_abs(grad) <= tol:
            return theta, value, grad, it, False
        step = _two_loop(grad, pairs)
        slope = float(grad @ step)
        if slope >= 0:
            step, slope, pairs = -grad, -float(grad @ grad), []
        t = 1.0
        for _ in range(40):
            trial = theta + t * step
            trial_value, trial_grad = fun(trial)
            if trial_value <= value + 1e-4 * t * slope:
                break
            if (abs(trial_value - value) <= 16 * _EPS * max(1.0, abs(value))
                    and float(trial_grad @ trial_grad) < float(grad @ grad)):
                break
            t *= 0.5
        else:
            return theta, value, grad, it, False
        s, y = trial - theta, trial_grad - grad
        if float(s @ y) > 0:
            pairs = (pairs + [(s, y)])[-memory:]
        theta, value, grad = trial, trial_value, trial_grad
        if on_step(theta, value):
            return theta, value, grad, it + 1, True
    return theta, value, grad, budget, False


def lbfgs(objective: Objective, theta0: Array, *, tol: float = 1e-10, max_iter: int = 1000,
          callback: Callback | None = None, memory: int = 10) -> SolverResult:
    """L-BFGS-B from ``scipy.optimize`` on (J, ∇J) computed together in one pass over X.

    SciPy stops, and calls it success, when J no longer changes by a relative ftol; that says
    nothing about the gradient, and near the optimum J's rounding hides the last digits of
    θ.  So when SciPy stops short of max|∇J| ≤ tol, the run continues with ``_lbfgs_polish``,
    whose line search also accepts a step that lowers ‖∇J‖ where J cannot see a change.
    Convergence is judged by the final gradient alone, never by SciPy's status.
    """
    state = {"it": 0}

    def fun(theta: Array) -> tuple[float, Array]:
        value, grad = objective.value_gradient(theta)
        _check_finite(value, "during L-BFGS")
        return value, grad

    def on_step(theta: Array, value: float) -> bool:
        state["it"] += 1
        return callback is not None and bool(callback(state["it"], theta, value))

    def on_iteration(intermediate_result: scipy.optimize.OptimizeResult) -> None:
        if on_step(intermediate_result.x.copy(), float(intermediate_result.fun)):
            raise StopIteration

    result = scipy.optimize.minimize(
        fun, np.array(theta0, dtype=float), jac=True, method="L-BFGS-B", callback=on_iteration,
        options={"maxiter": max_iter, "maxcor": memory, "gtol": tol, "ftol": 64 * _EPS, "maxls": 50})
    theta, value = np.asarray(result.x, dtype=float), float(result.fun)
    grad = np.asarray(result.jac, dtype=float)
    stopped = result.status == 99 or "callback" in str(result.message).lower()
    message = str(result.message)
    if not stopped and _max_abs(grad) > tol and state["it"] < max_iter:
        theta, value, grad, _, stopped = _lbfgs_polish(fun, theta, value, grad, tol=tol, memory=memory,
                                                       budget=max_iter - state["it"], on_step=on_step)
        message += "; then L-BFGS on the gradient"
    grad_max = _max_abs(grad)
    converged = grad_max <= tol and not stopped
    return SolverResult(theta, value, state["it"], converged, message, stopped, grad_max)


def gd(objective: Objective, theta0: Array, *, tol: float = 1e-10, max_iter: int = 10_000,
       callback: Callback | None = None) -> SolverResult:
    """Gradient descent θ ← θ − t·∇J, with t found by backtracking (Armijo) and doubled after
    each accepted step, so it adapts to the curvature without a hand-set learning rate."""
    theta = np.array(theta0, dtype=float)
    value, grad = objective.value_gradient(theta)
    _check_finite(value, "at the starting point")
    t = 1.0
    for it in range(1, max_iter + 1):
        gnorm2 = float(grad @ grad)
        if _max_abs(grad) <= tol:
            return SolverResult(theta, value, it - 1, True, "gradient below tol", grad_max=_max_abs(grad))
        for _ in range(60):
            trial = theta - t * grad
            trial_value, trial_grad = objective.value_gradient(trial)
            if trial_value <= value - 0.5 * t * gnorm2:
                break
            # Within rounding of J the decrease cannot be seen; a smaller gradient still can.
            if (abs(trial_value - value) <= 16 * _EPS * max(1.0, abs(value))
                    and float(trial_grad @ trial_grad) < gnorm2):
                break
            t *= 0.5
        else:
            return SolverResult(theta, value, it, False, "line search failed", grad_max=_max_abs(grad))
        theta, value, grad = trial, trial_value, trial_grad
        t *= 2.0
        if callback is not None and callback(it, theta, value):
            return SolverResult(theta, value, it, False, "stopped by callback", True, _max_abs(grad))
    return _finished(theta, value, grad, max_iter, tol)


def sgd(objective: Objective, theta0: Array, *, tol: float = 1e-10, max_iter: int = 200,
        callback: Callback | None = None, learning_rate: float | None = None,
        batch_size: int = 32, seed: int = 0, averaging: bool = True) -> SolverResult:
    """Minibatch SGD, the lecture's update θ ← θ − ε_t·(p − y)x averaged over a batch.

    Each epoch visits the rows in a fresh shuffle from ``numpy.random.default_rng(seed)``.
    With a penalty l2 > 0 (J is then l2-strongly convex) the step after t minibatches is
    ε_t = ε₀/(1 + ε₀·l2·t), which makes the error fall like 1/t; with l2 = 0 it is
    ε₀/√(1 + t/(batches per epoch)).  ε₀ defaults to 1/λ_max(∇²J(θ₀)).  With ``averaging``
    the result is the mean of the iterates of the second half of the epochs
    (Polyak–Ruppert), which removes most of the noise of the last iterate.
    ``max_iter`` counts epochs; the full gradient is checked against ``tol`` after each.
    """
    rng = np.random.default_rng(seed)
    theta = np.array(theta0, dtype=float)
    n = objective.n
    if not (isinstance(batch_size, (int, np.integer)) and batch_size >= 1):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    eps0 = _default_learning_rate(objective, theta) if learning_rate is None else float(learning_rate)
    if not (math.isfinite(eps0) and eps0 > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    mu = float(getattr(objective, "l2", 0.0))
    per_epoch = max(1, math.ceil(n / batch_size))
    mean, n_mean, t = theta.copy(), 0, 0
    start_averaging = max_iter // 2
    value, grad = objective.value_gradient(theta)
    if _max_abs(grad) <= tol:
        return SolverResult(theta, value, 0, True, "gradient below tol", grad_max=_max_abs(grad))
    for epoch in range(1, max_iter + 1):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            eps = eps0 / (1.0 + eps0 * mu * t) if mu > 0 else eps0 / math.sqrt(1.0 + t / per_epoch)
            theta -= eps * objective.minibatch_gradient(theta, order[start:start + batch_size])
            t += 1
            if averaging and epoch > start_averaging:
                n_mean += 1
                mean += (theta - mean) / n_mean
        current = mean if averaging and n_mean else theta
        value, grad = objective.value_gradient(current)
        _check_finite(value, f"in epoch {epoch}: lower learning_rate")
        if _max_abs(grad) <= tol:
            return SolverResult(current.copy(), value, epoch, True, "gradient below tol", grad_max=_max_abs(grad))
        if callback is not None and callback(epoch, current, value):
            return SolverResult(current.copy(), value, epoch, False, "stopped by callback", True, _max_abs(grad))
    current = mean if averaging and n_mean else theta
    return SolverResult(current.copy(), value, max_iter, False, "max_iter reached", grad_max=_max_abs(grad))


def _default_learning_rate(objective: Objective, theta: Array) -> float:
    """1/λ_max(∇²J(θ)), the step that is stable for the full-batch quadratic model; an objective
    without a Hessian may name its own ``default_learning_rate``."""
    if hasattr(objective, "default_learning_rate"):
        return float(objective.default_learning_rate)
    if hasattr(objective, "value_gradient_hessian") and objective.n_params <= 2000:
        hess = objective.value_gradient_hessian(theta)[2]
        top = float(scipy.linalg.eigvalsh(hess, subset_by_index=[len(hess) - 1, len(hess) - 1])[0])
        if top > 0:
            return 1.0 / top
    return 0.1


SOLVERS: dict[str, Callable[..., SolverResult]] = {"newton": newton, "lbfgs": lbfgs, "gd": gd, "sgd": sgd}
