"""Objectives of linear models: the pointwise loss pushed through X by the chain rule.

Differentiate only the scalar per-sample loss ℓ symbolically and leave X to NumPy/BLAS:
gradient = Xᵀℓ′/n, Hessian = Xᵀdiag(ℓ″)X/n.  The two-class objective is in
``numeric.binary_loss``, the K-class one in ``numeric.multinomial_loss``; the products
through a dense or sparse X, and the sample weights, in ``numeric.design``.  This layer holds
no solver: each objective exposes value, gradient, Hessian (or Hessian–vector products) over
any block of rows, so the same kernels can run per chunk of a larger array.
"""

from .binary_loss import BinaryObjective
from .multinomial_loss import MultinomialObjective, softmax_dloss, softmax_loss, softmax_loss_dloss

__all__ = ["BinaryObjective", "MultinomialObjective", "softmax_loss", "softmax_dloss", "softmax_loss_dloss"]
