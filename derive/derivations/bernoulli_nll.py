"""The loss of logistic regression: the Bernoulli negative log-likelihood, and its logit form.

A label y ∈ {0, 1} with P(1|x) = p has likelihood p^y (1 − p)^{1−y}; its negative log is

    L = −y log p − (1 − y) log(1 − p),

and at p = σ(z) the same loss is  softplus(z) − y·z,  the form the numeric kernels use
(it never takes the log of a probability that has rounded to 0).
"""

from __future__ import annotations

import sympy as sp

from ..assumptions import Binary, Probability, Real
from ..functions import sigmoid, softplus
from ..step import Derivation, chain
from ..symbols import p, y, z

#: The likelihood of a label y ∈ {0, 1} when P(1|x) = p:  p^y (1 − p)^{1−y}.
LIKELIHOOD = p**y * (1 - p) ** (1 - y)
#: L(p, y) = −y log p − (1 − y) log(1 − p): the loss of one example (p = P(1|x), y ∈ {0, 1}).
LOSS = -y * sp.log(p) - (1 - y) * sp.log(1 - p)
#: L(z, y) = softplus(z) − y·z = log(1 + e^z) − y·z: the same loss at p = σ(z), z the logit.
LOSS_LOGIT = softplus(z) - y * z

_L_at_sigma = LOSS.subs(p, sigmoid(z))

DERIVATION = Derivation(
    name="bernoulli-nll",
    title="The Bernoulli negative log-likelihood (binary cross-entropy)",
    summary="L = −log(p^y (1 − p)^{1−y}) = −y log p − (1 − y) log(1 − p) = softplus(z) − y·z at p = σ(z)",
    statement=(
        sp.Eq(-sp.log(LIKELIHOOD), LOSS, evaluate=False),
        sp.Eq(_L_at_sigma, LOSS_LOGIT, evaluate=False),
    ),
    assumptions=(Probability(p), Real(z)),
    notes=(
        "Since y is 0 or 1, one of the two terms of L is always zero: the loss is −log p for "
        "y = 1 and −log(1 − p) for y = 0.",
        "The logit form softplus(z) − y·z is what a program should evaluate: it needs neither "
        "σ(z) nor a logarithm of a number that may round to 0.",
    ),
    steps=[
        *chain(
            -sp.log(LIKELIHOOD),
            (-sp.log(p**y) - sp.log((1 - p) ** (1 - y)), "the log of a product is the sum of the logs"),
            (LOSS, "log(a^b) = b·log(a) for a > 0 (here a = p or 1 − p)"),
            # Only the likelihood needs y ∈ {0, 1}; the logit form below holds for any real y.
            assumptions=(Binary(y),),
        ),
        *chain(
            _L_at_sigma,
            (-y * sp.log(sigmoid(z)) - (1 - y) * sp.log(sigmoid(-z)),
             "1 − σ(z) = σ(−z) (sigmoid-derivative)"),
            (y * softplus(-z) + (1 - y) * softplus(z),
             "−log σ(t) = log(1 + e^{−t}) = softplus(−t), at t = z and at t = −z"),
            (y * (softplus(z) - z) + (1 - y) * softplus(z),
             "softplus(−z) = log(e^{−z}(e^{z} + 1)) = softplus(z) − z"),
            (LOSS_LOGIT, "collect the softplus terms: y + (1 − y) = 1"),
        ),
    ],
)
