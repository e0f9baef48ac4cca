"""The lecture's symbols, defined once so every derivation, kernel and answer key shares them.

Shapes: vectors are columns.  d is the number of features, K the number of classes and m the
number of hidden units; claims with these sizes are checked explicitly at the sizes given.
``P`` is the precision matrix Σ⁻¹ (symmetric positive-definite): proofs use it directly
instead of inverting a symbolic Σ.
"""

from __future__ import annotations

import sympy as sp

from .assumptions import dimension

__all__ = [
    "d", "K", "m", "x", "theta", "theta0", "y", "z", "p", "eps", "alpha", "u",
    "mu0", "mu1", "P", "Sigma", "pi0", "pi1", "a", "s", "Y", "W1", "W2", "b1", "b2", "h",
]

# Sizes.  K starts at 2: a softmax over one class says nothing.
d = dimension("d", (1, 2, 3, 4))
K = dimension("K", (2, 3, 4))
m = dimension("m", (1, 2, 3))

# Two-class logistic regression.
x = sp.MatrixSymbol("x", d, 1)
theta = sp.MatrixSymbol("theta", d, 1)
u = sp.MatrixSymbol("u", d, 1)            # an arbitrary direction (for quadratic forms)
theta0 = sp.Symbol("theta_0", real=True)
y = sp.Symbol("y", real=True)             # a label in {0, 1}
z = sp.Symbol("z", real=True)             # the logit θᵀx + θ₀
p = sp.Symbol("p", real=True)             # the probability σ(z)
eps = sp.Symbol("epsilon", positive=True)  # the learning rate
alpha = sp.Symbol("alpha", real=True)

# Gaussian class-conditionals with a shared covariance.
mu0 = sp.MatrixSymbol("mu_0", d, 1)
mu1 = sp.MatrixSymbol("mu_1", d, 1)
Sigma = sp.MatrixSymbol("Sigma", d, d)
P = sp.MatrixSymbol("P", d, d)            # the precision Σ⁻¹
pi0 = sp.Symbol("pi_0", positive=True)
pi1 = sp.Symbol("pi_1", positive=True)

# K classes.
a = sp.MatrixSymbol("a", K, 1)            # logits
s = sp.MatrixSymbol("s", K, 1)            # softmax(a)
Y = sp.MatrixSymbol("y", K, 1)            # a one-hot label

# One hidden layer: h = tanh(W1 x + b1), a = W2 h + b2.
W1 = sp.MatrixSymbol("W_1", m, d)
W2 = sp.MatrixSymbol("W_2", K, m)
b1 = sp.MatrixSymbol("b_1", m, 1)
b2 = sp.MatrixSymbol("b_2", K, 1)
h = sp.MatrixSymbol("h", m, 1)
