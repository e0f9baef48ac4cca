"""derive: the lecture's results, derived as chains of machine-checked steps.

Public API (the contract the numeric, reports and checker packages rely on)::

    REGISTRY            name -> Derivation
    Derivation          .name .title .statement .steps .verify() -> list[StepResult]
    Step                .claim .justification .assumptions
    verify_claim(claim, assumptions) -> StepResult(verdict, method, residual, counterexample, seconds)

Writing your own derivations and problems (a course): ``help(derive.courses)``.
"""

from ._quiet import install_when_command

install_when_command()   # before the slow imports below: a Ctrl-C during them prints one line

from .assumptions import (Binary, Interval, OneHot, Positive, Probability, Real, Simplex,
                          SymmetricPositiveDefinite, dimension)
from .functions import logsumexp, sigmoid, softplus
from .registry import REGISTRY, get
from .step import Derivation, Step, chain
from .verify import StepResult, Verdict, verify_claim

__version__ = "0.1.0"

__all__ = [
    "REGISTRY", "get", "Derivation", "Step", "chain", "StepResult", "Verdict", "verify_claim",
    "sigmoid", "softplus", "logsumexp", "dimension",
    "Real", "Positive", "Interval", "Probability", "Binary", "OneHot", "Simplex", "SymmetricPositiveDefinite",
    "__version__",
]
