"""The registry of derivations: the lecture's, in the order the lecture meets them, then the courses'.

``REGISTRY`` maps a name to its ``Derivation``; ``WHERE`` says where each came from (a module
of the lecture or a course's file), and ``constant("NAME:CONSTANT")`` fetches a constant of
the module that defines derivation NAME (how a problem file's ``key_from`` finds its key).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from sympy import Basic

from .step import Derivation

__all__ = ["REGISTRY", "MODULES", "WHERE", "get", "add", "remove", "constant"]

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

#: name → Derivation
REGISTRY: dict[str, Derivation] = {}
#: name → where the derivation was defined ("derive/derivations/bce_gradient.py", or a course's file)
WHERE: dict[str, str] = {}
#: name → (the module that defines it, a short label such as "bce_gradient", the origin)
_MODULES: dict[str, tuple[ModuleType, str, str]] = {}


def add(derivation: Derivation, module: ModuleType, where: str, *, label: str | None = None,
        origin: str = "lecture") -> None:
    """Register ``derivation`` (defined in ``module``, found at ``where``); a ValueError naming both
    places when the name is taken."""
    if not isinstance(derivation, Derivation):
        raise TypeError(f"{where}: DERIVATION must be a derive.Derivation, got {type(derivation).__name__}")
    if derivation.name in REGISTRY:
        raise ValueError(f"derivation {derivation.name!r} of {where} clashes with the derivation of the same "
                         f"name in {WHERE[derivation.name]}")
    REGISTRY[derivation.name] = derivation
    WHERE[derivation.name] = where
    _MODULES[derivation.name] = (module, label or module.__name__.rsplit(".", 1)[-1], origin)


def remove(origin: str) -> list[str]:
    """Forget every derivation that ``origin`` (a course) added; returns their names."""
    gone = [n for n, (_, _, o) in _MODULES.items() if o == origin]
    for n in gone:
        del REGISTRY[n], WHERE[n], _MODULES[n]
    return gone


def _load() -> None:
    for module_name in MODULES:
        module = importlib.import_module(f"derive.derivations.{module_name}")
        add(module.DERIVATION, module, f"derive/derivations/{module_name}.py")


def get(name: str) -> Derivation:
    """The derivation called ``name``; a ValueError listing the known names otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown derivation {name!r}; known: {', '.join(REGISTRY)}") from None


def constant(ref: str) -> tuple[object, str]:
    """``"DERIVATION-NAME:CONSTANT"`` → (that constant of the derivation's module, "module.CONSTANT").

    A ValueError says what is missing: the derivation, or the constant in its module.
    """
    name, sep, const = ref.partition(":")
    if not sep or not name or not const.isidentifier() or const.startswith("_"):
        raise ValueError(f"key_from must be \"DERIVATION-NAME:CONSTANT\" (a public name), got {ref!r}")
    if name not in _MODULES:
        raise ValueError(f"key_from {ref!r}: no derivation is named {name!r}; known: {', '.join(REGISTRY)}")
    module, label, _ = _MODULES[name]
    if not hasattr(module, const):
        raise ValueError(f"key_from {ref!r}: {WHERE[name]} defines no {const}")
    value = getattr(module, const)
    if not isinstance(value, Basic):
        raise ValueError(f"key_from {ref!r}: {const} in {WHERE[name]} is not a SymPy expression "
                         f"(it is a {type(value).__name__})")
    return value, f"{label}.{const}"


_load()
