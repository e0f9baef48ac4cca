"""numeric: trainers generated from the derivations in ``derive``.

The per-sample losses and their derivatives are lambdified from the proved formulas
(``numeric.kernels``); the estimators follow scikit-learn's API.  Public names::

    LogisticRegression, SoftmaxRegression, GaussianLDA, MLPClassifier
    SeparableDataWarning (a sklearn ConvergenceWarning)
    binary_kernels()  the generated ℓ, ℓ′, ℓ″ of the logistic loss
"""

from .base import ConvergenceWarning, SeparableDataWarning
from .kernels import binary_kernels
from .lda import GaussianLDA
from .logistic import LogisticRegression
from .mlp import MLPClassifier
from .softmax import SoftmaxRegression

__all__ = ["LogisticRegression", "SoftmaxRegression", "GaussianLDA", "MLPClassifier", "SeparableDataWarning", "ConvergenceWarning", "binary_kernels"]
