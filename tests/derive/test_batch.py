"""verify_many: the same verdicts in worker processes as in this one."""

from __future__ import annotations

import dataclasses

import pytest

from derive import REGISTRY
from derive.batch import verify_many


def test_workers_give_the_same_results_in_order():
    chosen = [REGISTRY["sigmoid-derivative"], REGISTRY["bernoulli-nll"]]
    parallel = verify_many(chosen, jobs=2)
    serial = [d.verify() for d in chosen]
    assert [[(r.verdict, r.method) for r in rs] for rs in parallel] == \
           [[(r.verdict, r.method) for r in rs] for rs in serial]


def test_unregistered_derivations_are_verified_here():
    broken = dataclasses.replace(REGISTRY["sigmoid-derivative"], name="not-registered")
    ((first, *_),) = verify_many([broken], jobs=2)
    assert first.proved


def test_jobs_must_be_positive():
    with pytest.raises(ValueError, match="jobs"):
        verify_many(list(REGISTRY.values())[:1], jobs=0)
