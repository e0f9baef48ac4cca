"""A worked example with numbers: one example (x, y) from z to p to L to the gradient to one SGD step.

The numbers are computed by ``numeric``: its kernels are generated from the proved formulas
(ℓ = softplus(z) − yz, ℓ′ = σ(z) − y), so the example runs the same code the trainers run.
``worked_example()`` returns the numbers; ``example_subsection()`` typesets them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["WorkedExample", "worked_example", "example_subsection", "example_job", "X", "THETA", "THETA0", "Y", "EPS"]

#: The example: two features, a positive label, a small learning rate.
X = (1.5, -0.5)
THETA = (0.5, 0.8)
THETA0 = -0.1
Y = 1.0
EPS = 0.5


@dataclass(frozen=True)
class WorkedExample:
    """Every number of the example, in the order the text uses them."""

    z: float
    p: float
    loss: float
    dz: float               # ∂L/∂z = p − y
    gradient: tuple[float, ...]
    gradient_bias: float
    theta_next: tuple[float, ...]
    theta0_next: float
    z_next: float
    loss_next: float


def worked_example() -> WorkedExample:
    """The numbers, from numeric's generated kernels and stable functions."""
    from numeric import binary_kernels
    from numeric.stable import sigmoid

    kernels = binary_kernels()
    x, theta = np.array(X), np.array(THETA)
    z = float(theta @ x + THETA0)
    p = float(sigmoid(z))
    loss = float(kernels.loss(np.array([z]), np.array([Y]))[0])
    dz = float(kernels.dloss(np.array([z]), np.array([Y]))[0])
    gradient = dz * x
    theta_next = theta - EPS * gradient
    theta0_next = THETA0 - EPS * dz
    z_next = float(theta_next @ x + theta0_next)
    loss_next = float(kernels.loss(np.array([z_next]), np.array([Y]))[0])
    return WorkedExample(z, p, loss, dz, tuple(map(float, gradient)), dz, tuple(map(float, theta_next)),
                         float(theta0_next), z_next, loss_next)


def _f(v: float) -> str:
    return ("%.4f" % v).replace("-", "-")


def _vec(values) -> str:
    return r"\begin{pmatrix}%s\end{pmatrix}" % r"\\ ".join(_f(v) for v in values)


def example_subsection() -> str:
    """The example as a subsection: each quantity, the formula it comes from, and its value."""
    e = worked_example()
    x, th = _vec(X), _vec(THETA)
    return "\n".join([
        r"\subsection*{A worked example}",
        r"Take one example with $\mathbf{x} = %s$ and $y = %g$, the parameters $\boldsymbol{\theta} = %s$ and "
        r"$\theta_{0} = %g$, and the learning rate $\varepsilon = %g$. The numbers below are computed by the "
        r"toolkit's trainers, whose code is generated from the theorems." % (x, Y, th, THETA0, EPS),
        r"\begin{align*}",
        r"z &= \boldsymbol{\theta}^{\top}\mathbf{x} + \theta_{0} = %s, &"
        r"p &= \sigma(z) = %s, \\" % (_f(e.z), _f(e.p)),
        r"L &= -y\log p - (1 - y)\log(1 - p) = %s, &"
        r"\frac{\partial L}{\partial z} &= p - y = %s, \\" % (_f(e.loss), _f(e.dz)),
        r"\nabla_{\boldsymbol{\theta}} L &= (p - y)\,\mathbf{x} = %s, &"
        r"\frac{\partial L}{\partial \theta_{0}} &= p - y = %s, \\" % (_vec(e.gradient), _f(e.gradient_bias)),
        r"\boldsymbol{\theta}' &= \boldsymbol{\theta} - \varepsilon\nabla_{\boldsymbol{\theta}} L = %s, &"
        r"\theta_{0}' &= \theta_{0} - \varepsilon\,\frac{\partial L}{\partial \theta_{0}} = %s." % (
            _vec(e.theta_next), _f(e.theta0_next)),
        r"\end{align*}",
        r"After the step the logit of $\mathbf{x}$ has risen from $%s$ to $%s$ and the loss has fallen from "
        r"$%s$ to $%s$: for $y = 1$ the step moves $\boldsymbol{\theta}$ toward $\mathbf{x}$, as "
        r"Theorem~\ref{sec:sgd-update} says." % (_f(e.z), _f(e.z_next), _f(e.loss), _f(e.loss_next))])


def example_job() -> str:
    """The subsection, or '' when ``numeric`` is missing (a job for the report's worker pool)."""
    try:
        return example_subsection()
    except ImportError:
        return ""
