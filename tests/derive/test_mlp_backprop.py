"""mlp-backprop: the four gradients against finite differences of a NumPy forward pass."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose
from scipy.special import logsumexp

from derive import REGISTRY, Verdict, verify_claim
from derive.derivations.mlp_backprop import GRAD_B1, GRAD_B2, GRAD_W1, GRAD_W2, HIDDEN, LOSS, PROBS, SIZES
from derive.ops import Grad, Hadamard
from derive.symbols import K, Y, W1, W2, b1, b2, d, m, x

from .concrete import at, central_difference

RNG = np.random.default_rng(23)


def forward_loss(w1, c1, w2, c2, xv, label) -> float:
    """L = −yᵀ log softmax(W₂ tanh(W₁x + b₁) + b₂), written out in NumPy."""
    logits = w2 @ np.tanh(w1 @ xv + c1) + c2
    return float(-(label @ (logits - logsumexp(logits))))


def test_the_theorem_states_the_constants():
    assert [rel.rhs for rel in REGISTRY["mlp-backprop"].statement] == [GRAD_B2, GRAD_W2, GRAD_B1, GRAD_W1]


@pytest.mark.parametrize("classes,inputs,hidden", [(3, 4, 5), (2, 1, 3), (4, 2, 2)])
def test_gradients_match_finite_differences(classes, inputs, hidden):
    w1, c1 = RNG.normal(size=(hidden, inputs)), RNG.normal(size=hidden)
    w2, c2 = RNG.normal(size=(classes, hidden)), RNG.normal(size=classes)
    xv, label = RNG.normal(size=inputs), np.eye(classes)[int(RNG.integers(classes))]
    sizes = {K: classes, d: inputs, m: hidden}
    values = {W1: w1, b1: c1, W2: w2, b2: c2, x: xv, Y: label}
    numeric = {
        "W1": central_difference(lambda v: forward_loss(v, c1, w2, c2, xv, label), w1),
        "b1": central_difference(lambda v: forward_loss(w1, v, w2, c2, xv, label), c1),
        "W2": central_difference(lambda v: forward_loss(w1, c1, v, c2, xv, label), w2),
        "b2": central_difference(lambda v: forward_loss(w1, c1, w2, v, xv, label), c2),
    }
    for name, formula in (("W1", GRAD_W1), ("b1", GRAD_B1), ("W2", GRAD_W2), ("b2", GRAD_B2)):
        ours = np.reshape(at(formula, sizes, values), numeric[name].shape)
        assert_allclose(ours, numeric[name], rtol=1e-6, atol=1e-9, err_msg=name)


def test_the_loss_is_the_forward_pass():
    w1, c1, w2, c2 = RNG.normal(size=(3, 2)), RNG.normal(size=3), RNG.normal(size=(2, 3)), RNG.normal(size=2)
    xv, label = RNG.normal(size=2), np.array([0.0, 1.0])
    ours = at(LOSS, {K: 2, d: 2, m: 3}, {W1: w1, b1: c1, W2: w2, b2: c2, x: xv, Y: label})
    assert_allclose(ours, forward_loss(w1, c1, w2, c2, xv, label), rtol=1e-12)


def test_the_check_sizes_tell_a_transpose():
    # At each size of the check, K, d and m are not all equal, so W₂ and W₂ᵀ differ in shape.
    assert all(len({s[K], s[m]}) == 2 for s in SIZES)


def test_sigmoid_derivative_in_place_of_tanh_derivative_is_refuted():
    # A classic slip: h(1 − h) (the sigmoid's derivative) where 1 − h² belongs.
    wrong = Hadamard(W2.T * (PROBS - Y), Hadamard(HIDDEN, sp.OneMatrix(m, 1) - HIDDEN))
    result = verify_claim(sp.Eq(Grad(LOSS, b1), wrong, evaluate=False), sizes=SIZES)
    assert result.verdict is Verdict.REFUTED
