"""The verifier: ``verify_claim`` proves a claim, refutes it, or says honestly that it cannot.

Modules: ``core`` (the contract), ``prepare`` (definitions in, operators carried out),
``prove`` (symbolic methods), ``symbolic`` (proofs for symbolic sizes), ``search`` (the
50-digit numeric search), ``sizes`` (the larger sizes a proof must also agree at) and
``result`` (``StepResult``, ``Verdict``, ``Scope``).  The proof cache is ``derive.cache``.
"""

from .core import PREPARE_SECONDS, cached_result, clear_cache, verify_claim
from .prove import METHOD_SECONDS, PROOF_METHODS
from .result import Scope, StepResult, Verdict
from .search import DIGITS, N_POINTS, N_QUICK

__all__ = ["Verdict", "StepResult", "Scope", "verify_claim", "cached_result", "clear_cache", "PROOF_METHODS", "DIGITS", "N_POINTS",
           "N_QUICK", "METHOD_SECONDS", "PREPARE_SECONDS"]
