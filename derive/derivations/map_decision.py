"""Choosing argmax_k p(k|x) minimises the probability of misclassification.

At one input x, a decision is a one-hot column r (r_j = 1: decide class j).  The true class
is k with probability s_k = p(k|x), so the decision is wrong with probability
Σ_k (1 − r_k) s_k = 1 − rᵀs = 1 − p(j|x): smallest when j maximises p(·|x).  Averaging over x
(here an input space of two points, so that the integral is a sum) keeps the inequality,
because every term is at least its MAP counterpart and p(x) ≥ 0.
"""

from __future__ import annotations

import random

import mpmath
import sympy as sp

from ..assumptions import Assumption, OneHot, Positive
from ..ops import Dot
from ..step import Derivation, Step, chain
from ..symbols import K, s

__all__ = ["MapDecision", "DERIVATION", "R", "R_MAP", "misclassification"]


class MapDecision(Assumption):
    """``MapDecision(rhat, s)``: s is a posterior (entries ≥ 0 summing to 1) and the one-hot r̂
    picks a largest entry of s, the MAP class.

    Random points draw s uniformly on the simplex and put r̂ at its largest entry.  Proofs split
    into one case per MAP class k̂, in which r̂ = e_k̂ and s_j = s_k̂ − g_j with gaps g_j ≥ 0,
    s_k̂ = (1 + Σ_{j≠k̂} g_j)/K so that s sums to 1: every such s is of this form.
    """

    def __init__(self, rhat: sp.MatrixSymbol, posterior: sp.MatrixSymbol):
        super().__init__(rhat, posterior)

    def describe(self) -> str:
        rhat, posterior = (sp.sstr(v) for v in self.symbols)
        return f"{posterior} a posterior (entries ≥ 0, sum 1); {rhat} one-hot at a largest entry of {posterior}"

    def _columns(self, entries, sizes) -> tuple[list[sp.Symbol], list[sp.Symbol]]:
        """The entries of r̂ and of s in the claim at hand ([] for one it does not mention)."""
        return tuple(list(entries[m]) if m in entries else [] for m in self.at(sizes))

    def sample(self, rng: random.Random, entries, sizes) -> dict:
        rhat, posterior = self._columns(entries, sizes)
        raw = [mpmath.mpf(rng.expovariate(1.0) + 1e-3) for _ in range(len(posterior) or len(rhat))]
        total = sum(raw)
        values = [v / total for v in raw]
        best = max(range(len(values)), key=values.__getitem__) if values else 0
        return {**dict(zip(posterior, values)), **{e: mpmath.mpf(int(i == best)) for i, e in enumerate(rhat)}}

    def cases(self, entries, sizes) -> list[dict]:
        rhat, posterior = self._columns(entries, sizes)
        if not posterior:
            return [{e: int(i == best) for i, e in enumerate(rhat)} for best in range(len(rhat))] or [{}]
        n = len(posterior)
        if not rhat:  # only s: its last entry is 1 minus the others
            return [{posterior[-1]: 1 - sum(posterior[:-1])}]
        out = []
        for best in range(n):
            gaps = {j: sp.Symbol(f"g_{posterior[j].name}", nonnegative=True) for j in range(n) if j != best}
            top = (1 + sum(gaps.values())) / n
            case = {e: int(i == best) for i, e in enumerate(rhat)}  # (empty if r̂ is not mentioned)
            case.update({posterior[j]: top - gaps[j] if j in gaps else top for j in range(n)})
            out.append(case)
        return out


_ONE = sp.OneMatrix(K, 1)

#: A decision at x (one-hot: r_j = 1 decides class j) and the MAP decision (argmax of s).
R = sp.MatrixSymbol("r", K, 1)
R_MAP = sp.MatrixSymbol("rhat", K, 1)


def misclassification(decision: sp.Basic, posterior: sp.Basic = s) -> sp.Expr:
    """P(error | x) = Σ_k (1 − r_k) p(k|x): the decision is wrong when the true class is another."""
    return Dot(_ONE - decision, posterior)


# Two inputs x_a, x_b with p(x_a) = w_a, p(x_b) = w_b: posteriors, decisions, MAP decisions.
_S_A, _S_B = sp.MatrixSymbol("s_a", K, 1), sp.MatrixSymbol("s_b", K, 1)
_R_A, _R_B = sp.MatrixSymbol("r_a", K, 1), sp.MatrixSymbol("r_b", K, 1)
_RMAP_A, _RMAP_B = sp.MatrixSymbol("rhat_a", K, 1), sp.MatrixSymbol("rhat_b", K, 1)
_W_A, _W_B = sp.symbols("w_a w_b", positive=True)


def _average_error(r_a: sp.Basic, r_b: sp.Basic) -> sp.Expr:
    """P(error) = Σ_x p(x) P(error | x) over the two inputs."""
    return _W_A * misclassification(r_a, _S_A) + _W_B * misclassification(r_b, _S_B)


def _errors(r_a: sp.Basic, r_b: sp.Basic) -> sp.Expr:
    """The same, with P(error | x) = 1 − rᵀs."""
    return _W_A * (1 - Dot(r_a, _S_A)) + _W_B * (1 - Dot(r_b, _S_B))


#: The posteriors at x_a and x_b sum to one (no decision involved).
_POSTERIORS = (MapDecision(_RMAP_A, _S_A), MapDecision(_RMAP_B, _S_B))


DERIVATION = Derivation(
    name="map-decision",
    title="The MAP decision minimises the probability of misclassification",
    summary="deciding argmax_k p(k|x) minimises the probability of misclassification, at every x and on average",
    statement=(
        sp.Ge(misclassification(R), misclassification(R_MAP), evaluate=False),
        sp.Ge(_average_error(_R_A, _R_B), _average_error(_RMAP_A, _RMAP_B), evaluate=False),
    ),
    notes=(
        "s = p(·|x) is the posterior at one input x; a decision is a one-hot r (r_j = 1: decide "
        "class j) and the MAP decision is one-hot at a largest posterior.  Every step is checked "
        "for K = 2, 3, 4, by cases over which class r decides and which class is the MAP class.",
        "The second chain averages over the inputs.  To keep the integral a finite sum the input "
        "space has two points x_a, x_b with probabilities w_a, w_b > 0; the argument is the same "
        "term by term for any number of points, and for an integral.",
    ),
    steps=[
        *chain(
            misclassification(R),
            (Dot(_ONE, s) - Dot(R, s),
             "split the sum: Σ_k (1 − r_k) s_k = Σ_k s_k − Σ_k r_k s_k"),
            (1 - Dot(R, s),
             "the posterior sums to one, so the error is 1 − rᵀs = 1 − p(j|x) for the decided class j"),
            (1 - Dot(R_MAP, s),
             "the MAP decision picks a largest posterior, max_k p(k|x) ≥ p(j|x) = rᵀs", sp.Ge),
            (misclassification(R_MAP),
             "the same computation for the MAP decision, read backwards"),
            assumptions=(OneHot(R), MapDecision(R_MAP, s)),
        ),
        Step(sp.Eq(_average_error(_R_A, _R_B), _errors(_R_A, _R_B), evaluate=False),
             "P(error) = Σ_x p(x) P(error | x), and P(error | x) = 1 − rᵀs at each input (the chain above)",
             assumptions=_POSTERIORS, new_chain=True),
        Step(sp.Ge(_errors(_R_A, _R_B), _errors(_RMAP_A, _RMAP_B), evaluate=False),
             "each term is at least its MAP counterpart (the chain above, at x_a and at x_b) and the "
             "weights p(x) are positive",
             assumptions=(OneHot(_R_A, _R_B), MapDecision(_RMAP_A, _S_A), MapDecision(_RMAP_B, _S_B),
                          Positive(_W_A, _W_B))),
        Step(sp.Eq(_errors(_RMAP_A, _RMAP_B), _average_error(_RMAP_A, _RMAP_B), evaluate=False),
             "the same computation for the MAP decisions, read backwards",
             assumptions=(MapDecision(_RMAP_A, _S_A), MapDecision(_RMAP_B, _S_B))),
    ],
)
