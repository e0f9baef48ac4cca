"""Every derivation of the lecture: well-formed, and every step proved."""

from __future__ import annotations

import pytest

from derive import REGISTRY, Verdict
from derive.step import Derivation

LECTURE = ["lda-logistic", "lda-softmax", "map-decision", "logistic-geometry", "softmax-properties",
           "sigmoid-derivative", "bernoulli-nll", "bce-gradient", "sgd-update", "bce-hessian",
           "softmax-ce-gradient", "mlp-backprop"]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_step_is_proved(name: str) -> None:
    d = REGISTRY[name]
    assert d.chain_problems() == {}
    results = d.verify()
    failed = [(i + 1, d.steps[i].justification, r.verdict.value, r.method)
              for i, r in enumerate(results) if r.verdict is not Verdict.PROVED]
    assert not failed, failed


@pytest.mark.parametrize("name", list(REGISTRY))
def test_derivations_are_well_formed(name: str) -> None:
    d = REGISTRY[name]
    assert isinstance(d, Derivation) and d.name == name and d.title and d.statement
    assert all(step.justification.strip() for step in d.steps)


def test_the_registry_holds_the_lecture_in_order() -> None:
    assert list(REGISTRY) == LECTURE
