"""Backpropagation through a network with one tanh hidden layer and a softmax cross-entropy output.

Forward:  z₁ = W₁x + b₁,  h = tanh(z₁),  a = W₂h + b₂,  s = softmax(a),  L = −yᵀ log s,
where for a one-hot y the loss is written  L = log Σ_k e^{a_k} − yᵀa  (softmax-ce-gradient).
Backward, one layer at a time, each by the chain rule:

    δ₂ = ∂L/∂a = s − y,                       ∂L/∂b₂ = δ₂,   ∂L/∂W₂ = δ₂ hᵀ,
    δ₁ = ∂L/∂z₁ = (W₂ᵀδ₂) ⊙ (1 − h ⊙ h),      ∂L/∂b₁ = δ₁,   ∂L/∂W₁ = δ₁ xᵀ.

Shapes: x ∈ ℝ^d, h ∈ ℝ^m, a ∈ ℝ^K; W₁ is m×d and W₂ is K×m; y is one-hot.  Every step is
checked by differentiating L entry by entry at explicit sizes: the component-wise cross-check.
"""

from __future__ import annotations


import sympy as sp

from ..ops import Elementwise, Grad, GradAt, GradMatrix, Hadamard, Softmax
from ..step import Derivation, at_sizes, chain
from ..symbols import K, Y, W1, W2, a, b1, b2, d, h, m, x
from .softmax_ce_gradient import LOSS_STABLE as CROSS_ENTROPY

#: The hidden pre-activation as a free m-vector, for the chain rule through the tanh layer.
z1 = sp.MatrixSymbol("z_1", m, 1)

#: The forward pass:  z₁ = W₁x + b₁,  h = tanh(z₁)  (m-vector),  a = W₂h + b₂  (K-vector).
PRE_ACTIVATION = W1 * x + b1
HIDDEN = Elementwise(sp.tanh, PRE_ACTIVATION)
LOGITS = W2 * HIDDEN + b2
#: s = softmax(a): the predicted class probabilities.
PROBS = Softmax(LOGITS)
#: L = log Σ_k e^{a_k} − yᵀa at a = W₂ tanh(W₁x + b₁) + b₂: the loss of one example (x, y),
#: which is −yᵀ log softmax(a) for a one-hot y (softmax-ce-gradient).
LOSS = CROSS_ENTROPY.xreplace({a: LOGITS})

#: ∂L/∂b₂ = s − y  (δ₂, a K-vector).
GRAD_B2 = PROBS - Y
#: ∂L/∂W₂ = (s − y) hᵀ  (K×m).
GRAD_W2 = GRAD_B2 * HIDDEN.T
#: ∂L/∂b₁ = (W₂ᵀ(s − y)) ⊙ (1 − h ⊙ h)  (δ₁, an m-vector; 1 − h² is tanh′).
GRAD_B1 = Hadamard(W2.T * GRAD_B2, sp.OneMatrix(m, 1) - Hadamard(HIDDEN, HIDDEN))
#: ∂L/∂W₁ = ((W₂ᵀ(s − y)) ⊙ (1 − h ⊙ h)) xᵀ  (m×d).
GRAD_W1 = GRAD_B1 * x.T

# The loss as a function of each intermediate, for the chain rule taken at the forward values.
_L_of_z1 = CROSS_ENTROPY.xreplace({a: W2 * Elementwise(sp.tanh, z1) + b2})
_L_of_h = CROSS_ENTROPY.xreplace({a: W2 * h + b2})
_tanh_prime = sp.OneMatrix(m, 1) - Hadamard(HIDDEN, HIDDEN)


#: The explicit sizes every step is checked at: small, so that differentiating L entry by
#: entry stays fast, and with K, d and m not all equal, so a misplaced transpose shows.
SIZES = ({K: 2, d: 2, m: 3}, {K: 3, d: 1, m: 2})


DERIVATION = Derivation(
    name="mlp-backprop",
    title="Backpropagation through one tanh hidden layer with a softmax output",
    summary="∂L/∂W₂ = (s − y)hᵀ, ∂L/∂b₂ = s − y, ∂L/∂W₁ = ((W₂ᵀ(s − y)) ⊙ (1 − h⊙h))xᵀ, ∂L/∂b₁ = δ₁",
    statement=(
        sp.Eq(Grad(LOSS, b2), GRAD_B2, evaluate=False),
        sp.Eq(GradMatrix(LOSS, W2), GRAD_W2, evaluate=False),
        sp.Eq(Grad(LOSS, b1), GRAD_B1, evaluate=False),
        sp.Eq(GradMatrix(LOSS, W1), GRAD_W1, evaluate=False),
    ),
    notes=(
        "The loss is the cross-entropy −yᵀ log softmax(a) in the form log Σ_k e^{a_k} − yᵀa, "
        "equal to it for a one-hot y (softmax-ce-gradient); its gradient in a is softmax(a) − y "
        "for every y.",
        "Here h = tanh(W₁x + b₁) and s = softmax(W₂h + b₂) are the forward values; a program "
        "computes them once and reuses them on the way back.",
        "Each weight gradient is the gradient of the layer's bias times the layer's input "
        "transposed: a weight W_ij multiplies input j into unit i, just as b_i enters unit i.",
        "The left-hand sides are differentiated entry by entry at explicit sizes, (K, d, m) = "
        "(2, 2, 3) and (3, 1, 2), so every step is also a component-wise check of the matrix "
        "formulas.",
    ),
    steps=[
        # Output layer.
        *at_sizes(SIZES, chain(
            Grad(LOSS, b2),
            (GradAt(CROSS_ENTROPY, a, LOGITS), "chain rule through a = W₂h + b₂, where ∂a/∂b₂ = I"),
            (GRAD_B2, "∇_aL = softmax(a) − y (softmax-ce-gradient)"),
        )),
        *at_sizes(SIZES, chain(
            GradMatrix(LOSS, W2),
            (sp.MatMul(Grad(LOSS, b2), HIDDEN.T),
             "∂L/∂(W₂)_kl = (∂L/∂a_k)h_l, and ∂L/∂a_k = ∂L/∂(b₂)_k"),
            (GRAD_W2, "∂L/∂b₂ = s − y (above)"),
        )),
        # Hidden layer.
        *at_sizes(SIZES, chain(
            Grad(LOSS, b1),
            (GradAt(_L_of_z1, z1, PRE_ACTIVATION), "chain rule through z₁ = W₁x + b₁, where ∂z₁/∂b₁ = I"),
            (Hadamard(GradAt(_L_of_h, h, HIDDEN), _tanh_prime),
             "h = tanh(z₁) entrywise: ∂h_i/∂z_i = 1 − tanh²(z_i) = 1 − h_i²"),
            (Hadamard(sp.MatMul(W2.T, GradAt(CROSS_ENTROPY, a, LOGITS)), _tanh_prime),
             "a = W₂h + b₂: ∂a_k/∂h_l = (W₂)_kl, so ∇_hL = W₂ᵀ∇_aL"),
            (GRAD_B1, "∇_aL = softmax(a) − y (softmax-ce-gradient)"),
        )),
        *at_sizes(SIZES, chain(
            GradMatrix(LOSS, W1),
            (sp.MatMul(Grad(LOSS, b1), x.T), "∂L/∂(W₁)_ij = (∂L/∂z_i)x_j, and ∂L/∂z_i = ∂L/∂(b₁)_i"),
            (GRAD_W1, "∂L/∂b₁ = δ₁ (above)"),
        )),
    ],
)
