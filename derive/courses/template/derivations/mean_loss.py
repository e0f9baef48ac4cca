"""The squared loss of a constant prediction m:  L = ½(m − y)²,  dL/dm = m − y.

A starting point: copy this file, change the formulas and the steps, and run
``derive --course . verify``.  Every step is checked: proved, refuted with a counterexample,
or honestly left undecided.
"""

from __future__ import annotations

import sympy as sp

from derive import Derivation, Real, chain

m, y = sp.symbols("m y", real=True)

#: The loss of predicting m for the target y.
LOSS = (m - y) ** 2 / 2
#: dL/dm = m − y: the prediction error.
GRADIENT = m - y

DERIVATION = Derivation(
    name="__COURSE__-mean-loss",
    title="The derivative of the squared loss of a constant prediction",
    summary="d/dm ½(m − y)² = m − y",
    statement=(sp.Eq(sp.Derivative(LOSS, m), GRADIENT, evaluate=False),),
    assumptions=(Real(m, y),),
    steps=[
        *chain(
            sp.Derivative(LOSS, m),
            ((m - y) * sp.Derivative(m - y, m), "chain rule: d/du ½u² = u"),
            (GRADIENT, "d(m − y)/dm = 1"),
        ),
    ],
)
