"""The registry of derivations, in the order the lecture meets them."""

from __future__ import annotations

import importlib

from .step import Derivation

__all__ = ["REGISTRY", "MODULES", "get"]

#: Module names under ``derive.derivations``, in lecture order.
MODULES = (
    "lda_logistic",
    "lda_softmax",
    "map_decision",
    "logistic_geometry",
    "softmax_properties",
    "sigmoid_derivative",
    "bernoulli_nll",
    "bce_gradient",
    "sgd_update",
    "bce_hessian",
    "softmax_ce_gradient",
    "mlp_backprop",
)


def _load() -> dict[str, Derivation]:
    registry: dict[str, Derivation] = {}
    for module_name in MODULES:
        derivation = importlib.import_module(f"derive.derivations.{module_name}").DERIVATION
        if derivation.name in registry:
            raise ValueError(f"two derivations are named {derivation.name!r}")
        registry[derivation.name] = derivation
    return registry


#: name → Derivation
REGISTRY: dict[str, Derivation] = _load()


def get(name: str) -> Derivation:
    """The derivation called ``name``; a ValueError listing the known names otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown derivation {name!r}; known: {', '.join(REGISTRY)}") from None
