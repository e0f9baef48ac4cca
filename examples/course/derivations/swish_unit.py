"""A network with one swish hidden unit: the gradient of its squared loss by the first weight.

    a = w x + b,   h = swish(a) = a σ(a),   o = v h + c,   L = ½(o − y)²,
    ∂L/∂w = (o − y) v swish′(a) x,   swish′(a) = σ(a) + a σ(a)(1 − σ(a)).

``swish`` is not a function of the lecture: this course defines it in problems/swish.toml
(``[functions] swish = ...``, in the answer language) and gets it here with ``course_function``.
"""

from __future__ import annotations

import sympy as sp

from derive import Derivation, Real, chain, sigmoid
from derive.courses import course_function

swish = course_function("swish")
x, w, b, v, c, y = sp.symbols("x w b v c y", real=True)

#: The hidden unit's input  a = w x + b.
PRE_ACTIVATION = w * x + b
#: The network's output  o = v swish(w x + b) + c.
OUTPUT = v * swish(PRE_ACTIVATION) + c
#: The squared loss of one example.
LOSS = (OUTPUT - y) ** 2 / 2
#: swish′(a) = σ(a) + a σ(a)(1 − σ(a)).
SWISH_PRIME = sigmoid(PRE_ACTIVATION) + PRE_ACTIVATION * sigmoid(PRE_ACTIVATION) * (1 - sigmoid(PRE_ACTIVATION))
#: ∂L/∂w = (o − y) v swish′(w x + b) x.
GRAD_W = (OUTPUT - y) * v * SWISH_PRIME * x

DERIVATION = Derivation(
    name="swish-unit",
    title="Backpropagation through one swish unit",
    summary="∂L/∂w = (o − y) v swish′(wx + b) x, with swish′(a) = σ(a) + aσ(a)(1 − σ(a))",
    statement=(sp.Eq(sp.Derivative(LOSS, w), GRAD_W, evaluate=False),),
    assumptions=(Real(x, w, b, v, c, y),),
    steps=[
        *chain(
            sp.Derivative(LOSS, w),
            ((OUTPUT - y) * sp.Derivative(OUTPUT, w), "chain rule: d/do ½(o − y)² = o − y"),
            ((OUTPUT - y) * v * sp.Derivative(swish(PRE_ACTIVATION), w), "o = v h + c: ∂o/∂w = v ∂h/∂w"),
            (GRAD_W, "product rule on a σ(a) with σ′ = σ(1 − σ), and ∂a/∂w = x"),
        ),
    ],
)
