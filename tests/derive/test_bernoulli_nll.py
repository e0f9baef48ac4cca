"""bernoulli-nll: the loss is −log of the Bernoulli likelihood, and its logit form is the same loss."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.stats import bernoulli

from derive import REGISTRY, Binary, Probability, Real, Verdict, softplus, verify_claim
from derive.derivations.bernoulli_nll import LIKELIHOOD, LOSS, LOSS_LOGIT
from derive.symbols import p, y, z

from .concrete import at

RNG = np.random.default_rng(7)


def test_the_theorem_states_the_constants():
    d = REGISTRY["bernoulli-nll"]
    assert [rel.rhs for rel in d.statement] == [LOSS, LOSS_LOGIT]
    assert d.statement[0].lhs == -sp.log(LIKELIHOOD)


@pytest.mark.parametrize("label", [0, 1])
def test_loss_is_minus_the_bernoulli_log_pmf(label):
    probs = RNG.uniform(0.01, 0.99, size=8)
    ours = [at(LOSS, {}, {p: q, y: label}) for q in probs]
    assert_allclose(ours, -bernoulli.logpmf(label, probs), rtol=1e-12)


@pytest.mark.parametrize("label", [0, 1])
@pytest.mark.parametrize("logit", [-40.0, -3.2, -0.1, 0.0, 0.8, 5.0, 40.0])
def test_logit_form_equals_the_loss_at_sigma(label, logit):
    with mpmath.workdps(50):
        prob = 1 / (1 + mpmath.exp(-mpmath.mpf(logit)))
        reference = -label * mpmath.log(prob) - (1 - label) * mpmath.log(1 - prob)
    assert_allclose(at(LOSS_LOGIT, {}, {z: logit, y: label}), float(reference), rtol=1e-12)


def test_the_loss_is_smallest_at_the_right_label():
    # −log p for y = 1 falls as p rises; −log(1 − p) for y = 0 rises.
    grid = np.linspace(0.05, 0.95, 10)
    ones = [at(LOSS, {}, {p: q, y: 1}) for q in grid]
    zeros = [at(LOSS, {}, {p: q, y: 0}) for q in grid]
    assert np.all(np.diff(ones) < 0) and np.all(np.diff(zeros) > 0)


@pytest.mark.parametrize("wrong", [softplus(z) + y * z, softplus(-z) - y * z, softplus(z) - (1 - y) * z])
def test_a_wrong_logit_form_is_refuted(wrong):
    claim = sp.Eq(LOSS.subs(p, 1 / (1 + sp.exp(-z))), wrong, evaluate=False)
    result = verify_claim(claim, [Binary(y), Probability(p), Real(z)])
    assert result.verdict is Verdict.REFUTED
    point = {k: float(v) for k, v in result.counterexample.items()}
    # At the reported point the loss and the wrong form really differ.
    lhs = at(LOSS, {}, {p: 1 / (1 + np.exp(-point["z"])), y: point["y"]})
    assert abs(lhs - at(wrong, {}, {z: point["z"], y: point["y"]})) > 1e-6
