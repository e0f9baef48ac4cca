"""Per-sample loss kernels, generated from the proved formulas in ``derive/derivations``.

Binary logistic regression, for the logit z and a label y ∈ {0, 1}:

    ℓ(z, y)   = softplus(z) − y·z         (bernoulli-nll, LOSS_LOGIT)
    ℓ′(z, y)  = σ(z) − y                  (bce-gradient, DL_DZ)
    ℓ″(z)     = σ(z)(1 − σ(z))            (bce-hessian, D2L_DZ2)

Each is passed through ``codegen.stable_form`` and lambdified twice: into NumPy/SciPy code
(for whole arrays) and into scalar code that numba compiles into the fused pass over X
(``numeric.fused``).  Nothing here restates a formula: the SymPy expressions are imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable

import sympy as sp

from derive.derivations.bce_gradient import DL_DZ
from derive.derivations.bce_hessian import D2L_DZ2
from derive.derivations.bernoulli_nll import LOSS_LOGIT
from derive.symbols import y, z

from .codegen import lambdify_numpy, lambdify_scalar, stable_form

__all__ = ["BinaryKernels", "binary_kernels"]


@dataclass
class BinaryKernels:
    """ℓ, ℓ′ = ∂ℓ/∂z and ℓ″ = ∂²ℓ/∂z² of a binary loss in the logit z, as NumPy functions.

    ``loss(z, y)``, ``dloss(z, y)`` and ``d2loss(z, y)`` take arrays of logits and labels
    (``dloss_d2loss`` returns the last two at once, sharing σ(z) and σ(−z));
    ``fused`` evaluates Σℓ and the gradient through X in one pass (see ``numeric.fused``).
    """

    loss_expr: sp.Expr
    dloss_expr: sp.Expr
    d2loss_expr: sp.Expr
    loss: Callable = field(init=False, repr=False)
    dloss: Callable = field(init=False, repr=False)
    d2loss: Callable = field(init=False, repr=False)
    dloss_d2loss: Callable = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.loss = lambdify_numpy((z, y), self.stable("loss"))
        self.dloss = lambdify_numpy((z, y), self.stable("dloss"))
        self.d2loss = lambdify_numpy((z, y), self.stable("d2loss"))
        # Newton needs ℓ′ and ℓ″ together: one function, so that cse computes σ(z) and σ(−z) once.
        self.dloss_d2loss = lambdify_numpy((z, y), [self.stable("dloss"), self.stable("d2loss")])

    def stable(self, name: str) -> sp.Expr:
        """The expression printed for ``name`` ('loss', 'dloss' or 'd2loss'): its stable form."""
        return stable_form(getattr(self, f"{name}_expr"), y)

    def scalar(self, name: str) -> Callable:
        """A scalar ``(z, y) -> float`` for ``name``, calling the numba stable functions."""
        from .fused import SCALAR_FUNCTIONS
        return lambdify_scalar((z, y), self.stable(name), SCALAR_FUNCTIONS)

    @cached_property
    def fused(self):
        """The compiled one-pass loss and gradient (compiled on first use, ~1 s)."""
        from .fused import FusedPass
        return FusedPass(self.scalar("loss"), self.scalar("dloss"))


@lru_cache(maxsize=None)
def binary_kernels() -> BinaryKernels:
    """The kernels of the Bernoulli negative log-likelihood in the logit (built once)."""
    return BinaryKernels(LOSS_LOGIT, DL_DZ, D2L_DZ2)
