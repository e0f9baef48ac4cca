"""map-decision: brute force over every decision rule on a small finite problem finds no rule
better than MAP; the MapDecision assumption samples and splits into cases correctly."""

from __future__ import annotations

import itertools
import random

import mpmath
import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive import REGISTRY, OneHot, Verdict, verify_claim
from derive.assumptions import instantiate
from derive.derivations.map_decision import misclassification, R, R_MAP, MapDecision
from derive.symbols import K, s

from .values import value


@pytest.mark.parametrize("classes, inputs", [(2, 4), (3, 3), (4, 2)])
def test_no_decision_rule_beats_map(classes, inputs):
    # An independent check of the theorem: enumerate all classes**inputs decision rules.
    rng = np.random.default_rng(classes)
    joint = rng.dirichlet(np.ones(classes * inputs)).reshape(inputs, classes)   # p(x, k)
    def error(rule):
        return sum(joint[i].sum() - joint[i, k] for i, k in enumerate(rule))
    errors = {rule: error(rule) for rule in itertools.product(range(classes), repeat=inputs)}
    map_rule = tuple(int(np.argmax(joint[i] / joint[i].sum())) for i in range(inputs))
    assert min(errors.values()) == pytest.approx(errors[map_rule], abs=1e-15)


def test_error_is_one_minus_the_decided_posterior():
    posterior = np.array([0.2, 0.5, 0.3])
    for j in range(3):
        decision = np.eye(3)[j]
        assert_allclose(value(misclassification(R), {K: 3}, {R: decision, s: posterior}), 1 - posterior[j])


def test_map_decision_samples_the_argmax_of_a_posterior():
    instance = instantiate(sp.Eq(misclassification(R_MAP), 0), [MapDecision(R_MAP, s)], {K: 4})
    rng = random.Random(1)
    for _ in range(20):
        with mpmath.workdps(50):
            point = MapDecision(R_MAP, s).sample(rng, instance.entries, instance.sizes)
            probs = [point[e] for e in instance.entries[s.subs(K, 4)]]
            onehot = [point[e] for e in instance.entries[R_MAP.subs(K, 4)]]
            assert abs(sum(probs) - 1) < mpmath.mpf(10) ** -45 and min(probs) > 0
        assert sum(onehot) == 1 and probs[onehot.index(1)] == max(probs)


def test_the_cases_cover_every_posterior():
    # Each posterior s is the argmax case of its largest entry, with gaps g_j = max(s) − s_j ≥ 0.
    instance = instantiate(sp.Eq(misclassification(R_MAP), 0), [MapDecision(R_MAP, s)], {K: 3})
    cases = MapDecision(R_MAP, s).cases(instance.entries, instance.sizes)
    entries = list(instance.entries[s.subs(K, 3)])
    target = [0.25, 0.45, 0.30]
    case = cases[int(np.argmax(target))]
    gaps = {g: max(target) - target[int(g.name[-1]) - 1] for g in set().union(*(sp.sympify(v).free_symbols for v in case.values()))}
    assert all(v >= 0 for v in gaps.values())
    assert_allclose([float(sp.sympify(case[e]).subs(gaps)) for e in entries], target, rtol=1e-12)


def test_a_decision_other_than_map_can_be_worse():
    # Without the MAP assumption the inequality is false, and the verifier says so.
    other = sp.MatrixSymbol("q", K, 1)
    claim = sp.Ge(misclassification(other), misclassification(R), evaluate=False)
    assert verify_claim(claim, [OneHot(other), MapDecision(R_MAP, s), OneHot(R)]).verdict is Verdict.REFUTED


def test_pointwise_and_averaged_statements():
    derivation = REGISTRY["map-decision"]
    assert derivation.chain_problems() == {}
    assert [type(rel).__name__ for rel in derivation.statement] == ["GreaterThan", "GreaterThan"]
