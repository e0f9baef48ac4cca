"""softmax-properties against a NumPy softmax: shift invariance, the two-class logistic, and
saturation; and the verifier refutes a wrong limit."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.special import expit, softmax

from derive import REGISTRY, Positive, Verdict, verify_claim
from derive.basis import UnitVector
from derive.derivations.softmax_properties import GAPS, SATURATING, SOFTMAX_TWO_CLASS, a0, a1, c, t
from derive.ops import Softmax
from derive.symbols import K

from .values import value


def _np_softmax(v: np.ndarray) -> np.ndarray:
    e = np.exp(v - v.max())
    return e / e.sum()


@pytest.mark.parametrize("classes", [2, 3, 7])
def test_shift_invariance(classes):
    rng = np.random.default_rng(classes)
    logits = rng.normal(size=classes)
    for shift in (-5.0, 0.3, 40.0):
        assert_allclose(_np_softmax(logits + shift), _np_softmax(logits), rtol=1e-13)
    assert_allclose(softmax(logits), _np_softmax(logits), rtol=1e-13)


def test_two_classes_are_logistic():
    for u, w in [(-2.0, 1.5), (0.0, 0.0), (3.0, -0.25)]:
        probs = _np_softmax(np.array([u, w]))
        assert_allclose(probs[1], expit(w - u), rtol=1e-13)
        assert_allclose(value(SOFTMAX_TWO_CLASS, {}, {a0: u, a1: w}), probs[1], rtol=1e-13)


def test_saturation():
    gaps = np.array([0.5, 2.0, 0.1])
    logits = value(SATURATING, {K: 4}, {c: -1.3, GAPS: gaps}).ravel()
    assert_allclose(logits, [-1.3, -1.8, -3.3, -1.4])
    for scale, tol in [(50.0, 1e-2), (500.0, 1e-20)]:
        assert_allclose(_np_softmax(scale * logits), [1, 0, 0, 0], atol=tol)


def test_a_wrong_limit_is_refuted():
    wrong = sp.Eq(sp.Limit(Softmax(t * SATURATING), t, sp.oo), UnitVector(K, 2), evaluate=False)
    assert verify_claim(wrong, [Positive(GAPS, t)]).verdict is Verdict.REFUTED


def test_statement():
    derivation = REGISTRY["softmax-properties"]
    assert derivation.chain_problems() == {}
    assert derivation.statement[2].rhs == UnitVector(K, 1)
