"""σ′ = σ(1 − σ), σ(−z) = 1 − σ(z), and the logit is the inverse of σ."""

from __future__ import annotations

import sympy as sp

from ..assumptions import Probability, Real
from ..functions import sigmoid
from ..step import Derivation, chain

z = sp.Symbol("z", real=True)
p = sp.Symbol("p", real=True)

#: σ′(z) = σ(z)(1 − σ(z)): the rule every gradient in the lecture uses.
DERIVATIVE = sigmoid(z) * (1 - sigmoid(z))
#: The logit, σ⁻¹(p) = log(p / (1 − p)).
LOGIT = sp.log(p / (1 - p))

_e = sp.exp(-z)

DERIVATION = Derivation(
    name="sigmoid-derivative",
    title="The derivative of the logistic sigmoid",
    summary="σ′(z) = σ(z)(1 − σ(z)); σ(−z) = 1 − σ(z); σ(logit p) = p",
    statement=(
        sp.Eq(sp.Derivative(sigmoid(z), z), DERIVATIVE, evaluate=False),
        sp.Eq(sigmoid(-z), 1 - sigmoid(z), evaluate=False),
        sp.Eq(sigmoid(LOGIT), p, evaluate=False),
    ),
    assumptions=(Real(z), Probability(p)),
    steps=[
        *chain(
            sp.Derivative(sigmoid(z), z),
            (sp.Derivative(1 / (1 + _e), z), "definition σ(z) = 1/(1 + e^{−z})"),
            (_e / (1 + _e) ** 2, "chain rule: d/dz (1 + e^{−z})^{−1} = e^{−z}/(1 + e^{−z})²"),
            (sp.Mul(1 / (1 + _e), _e / (1 + _e), evaluate=False), "split the square into two factors"),
            (1 / (1 + _e) * (1 - 1 / (1 + _e)), "e^{−z}/(1 + e^{−z}) = 1 − 1/(1 + e^{−z})"),
            (DERIVATIVE, "definition of σ, read backwards"),
        ),
        *chain(
            sigmoid(-z),
            (1 / (1 + sp.exp(z)), "definition of σ at −z"),
            (_e / (_e + 1), "multiply numerator and denominator by e^{−z}"),
            (1 - 1 / (1 + _e), "e^{−z}/(1 + e^{−z}) = 1 − 1/(1 + e^{−z})"),
            (1 - sigmoid(z), "definition of σ"),
        ),
        *chain(
            sigmoid(LOGIT),
            (1 / (1 + sp.exp(-LOGIT, evaluate=False)), "definition of σ"),
            (1 / (1 + (1 - p) / p), "e^{−log(p/(1−p))} = (1 − p)/p"),
            (p, "1 + (1 − p)/p = 1/p"),
        ),
    ],
)
