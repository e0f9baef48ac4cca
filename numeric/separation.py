"""Separation of the classes, certified by a linear program.

With the linear scores a_ik = θ_kᵀx̃_i (x̃ = (x, 1)), a direction θ *separates* example i
when its own class leads with a positive margin, m_ik = a_{i,y_i} − a_ik > 0 for every
k ≠ y_i, and *misclassifies none* when m_ik ≥ 0 for all i, k.  Along such a θ every
separated example's loss falls to 0 and no other loss rises, so with l2 = 0 the objective
has no finite minimiser.  The data are

* **complete**ly separated when one θ separates every example,
* **quasi**-completely separated when a θ separates some (and misclassifies none),
* **none** when no such θ exists: the unpenalised optimum is then finite.

The linear program (after scaling each feature to unit spread, which leaves the set of
separating directions unchanged)

    maximise Σ_i u_i   over θ, u   subject to   0 ≤ u_i ≤ 1,  u_i ≤ m_ik,  m_ik ≥ 0,  |θ_j| ≤ B

finds the largest set: the separating directions form a convex cone, so the sum of
directions separating i and j separates both, and its optimum has u_i = 1 exactly on every
example that some direction separates.  The bound B = 1e4 only keeps the program bounded;
a separation whose margins need larger coefficients than that on standardised data is
numerically indistinguishable from none.  Two classes are the case K = 2 (m_i = ±z_i).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
import scipy.sparse as sps
from numpy.typing import NDArray

__all__ = ["Separation", "NO_SEPARATION", "find_separation", "describe"]

#: The bound B on every coefficient of the standardised problem.
_BOUND = 1e4
#: Seconds the linear program may take before the check gives up (with a RuntimeWarning).
_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class Separation:
    """``kind`` is "complete", "quasi" or "none"; ``examples`` are the (row) indices a
    direction separates, and ``direction`` that direction (K, d + 1) in the original units."""

    kind: str
    examples: NDArray[np.intp] = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    direction: NDArray[np.float64] | None = None


NO_SEPARATION = Separation("none")


def _scaled_design(X) -> tuple[sps.csr_matrix, NDArray[np.float64]]:
    """(X̃ = [X/s, 1] as CSR, s): s is each column's largest |x_ij| (1 for an all-zero column)."""
    if sps.issparse(X):
        scale = np.asarray(abs(X).max(axis=0).todense()).ravel()
    else:
        scale = np.max(np.abs(X), axis=0) if len(X) else np.ones(X.shape[1])
    scale = np.where(scale > 0, scale, 1.0)
    scaled = sps.csr_matrix(X) @ sps.diags(1.0 / scale)
    ones = sps.csr_matrix(np.ones((X.shape[0], 1)))
    return sps.hstack([scaled, ones], format="csr"), scale


def _margin_matrix(design: sps.csr_matrix, labels: NDArray[np.intp], K: int) -> tuple[sps.csr_matrix, NDArray[np.intp]]:
    """(M, example): row r of M maps vec(θ) to the margin m_ik of example = example[r] over
    one other class k; θ is (K, p) flattened by rows, p = columns of ``design``."""
    coo = design.tocoo()
    p = design.shape[1]
    rows, cols, vals, example = [], [], [], []
    n_rows = 0
    for k in range(K):
        others = np.flatnonzero(labels != k)
        position = np.full(len(labels), -1)
        position[others] = n_rows + np.arange(len(others))
        keep = labels[coo.row] != k
        r = position[coo.row[keep]]
        rows += [r, r]
        cols += [labels[coo.row[keep]] * p + coo.col[keep], k * p + coo.col[keep]]
        vals += [coo.data[keep], -coo.data[keep]]
        example.append(others)
        n_rows += len(others)
    M = sps.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(n_rows, K * p))
    return M, np.concatenate(example)


def find_separation(X, labels: NDArray[np.intp], K: int) -> Separation:
    """The separation of the examples (rows of X, dense or sparse) with class indices ``labels``
    in 0..K−1, by the linear program of this module."""
    labels = np.asarray(labels, dtype=np.intp)
    n = len(labels)
    if n == 0 or len(np.unique(labels)) < 2:
        return NO_SEPARATION
    design, scale = _scaled_design(X)
    M, example = _margin_matrix(design, labels, K)
    m, n_theta = M.shape
    pick = sps.csr_matrix((np.ones(m), (np.arange(m), example)), shape=(m, n))
    A = sps.vstack([sps.hstack([-M, pick]), sps.hstack([-M, sps.csr_matrix((m, n))])], format="csr")
    cost = np.concatenate([np.zeros(n_theta), -np.ones(n)])
    bounds = [(-_BOUND, _BOUND)] * n_theta + [(0.0, 1.0)] * n
    result = scipy.optimize.linprog(cost, A_ub=A, b_ub=np.zeros(2 * m), bounds=bounds, method="highs",
                                    options={"time_limit": _TIME_LIMIT})
    if result.status != 0:
        warnings.warn(f"the separation check could not finish ({result.message.strip()}); the data are "
                      f"treated as not separated", RuntimeWarning, stacklevel=3)
        return NO_SEPARATION
    theta = result.x[:n_theta]
    margins = M @ theta
    # Verify the certificate in floating point rather than trust the solver's tolerances.
    if np.min(margins, initial=0.0) < -1e-7 * max(1.0, float(np.max(np.abs(theta)))):
        return NO_SEPARATION
    lead = np.full(n, np.inf)
    np.minimum.at(lead, example, margins)
    separated = np.flatnonzero(lead > 0.5)
    if len(separated) == 0:
        return NO_SEPARATION
    direction = theta.reshape(K, -1).copy()
    direction[:, :-1] /= scale
    return Separation("complete" if len(separated) == n else "quasi", separated, direction)


def describe(separation: Separation, classes: NDArray, labels: NDArray[np.intp], limit: int = 8) -> str:
    """Which classes' examples are separated, and the first ``limit`` example indices."""
    counts = np.bincount(labels, minlength=len(classes))
    hit = np.bincount(labels[separation.examples], minlength=len(classes))
    parts = [f"{_label(classes[k])!r} ({hit[k]} of {counts[k]})" for k in range(len(classes)) if hit[k]]
    shown = ", ".join(str(i) for i in separation.examples[:limit])
    more = ", ..." if len(separation.examples) > limit else ""
    return f"separated examples by class: {', '.join(parts)}; rows {shown}{more}"


def _label(value):
    """A class label as a plain Python value (NumPy scalars print as np.int64(1) otherwise)."""
    return value.item() if hasattr(value, "item") else value
