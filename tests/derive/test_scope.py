"""The scope of "proved": a proof at explicit sizes counts only if the claim also agrees at
larger sizes drawn at random, and every verdict says which sizes it covers."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from derive import Verdict, verify_claim
from derive.cache import digest
from derive.ops import Dot, Grad
from derive.symbols import d, theta, x
from derive.verify import Scope, StepResult
from derive.verify.sizes import MAX_SIZE, larger_sizes

Eq = lambda l, r: sp.Eq(l, r, evaluate=False)  # noqa: E731
A = sp.MatrixSymbol("A", d, d)
B = sp.MatrixSymbol("B", d, d)


def _quartic(m):
    """A⁴ − e₁A³ + e₂A² − e₃A + e₄I with e_k from the power sums tr(A^k) (Newton's identities):
    the characteristic polynomial of a 4×4 matrix, zero at A for d ≤ 4 only."""
    p = [sp.Trace(m ** k) for k in range(1, 5)]
    e1 = p[0]
    e2 = (e1 * p[0] - p[1]) / 2
    e3 = (e2 * p[0] - e1 * p[1] + p[2]) / 3
    e4 = (e3 * p[0] - e2 * p[1] + e1 * p[2] - p[3]) / 4
    return m ** 4 - e1 * m ** 3 + e2 * m ** 2 - e3 * m + e4 * sp.Identity(m.shape[0])


def test_a_claim_true_for_d_up_to_4_only_is_refuted():
    # Cayley–Hamilton with a degree-4 polynomial, claimed for every d: true at d = 1..4.
    r = verify_claim(Eq(_quartic(A), sp.ZeroMatrix(d, d)))
    assert r.verdict is Verdict.REFUTED
    assert "beyond the sizes proved" in r.method
    size = dict(r.scope.refuted_at)["d"]
    assert 4 < size <= MAX_SIZE
    assert [dict(c)["d"] for c in r.scope.proved_at] == [1, 2, 3, 4]
    assert r.scope.phrase() == f"refuted at d = {size}; proved at d = 1..4 only"
    # The counterexample is real: rebuild A from it and evaluate the quartic independently.
    m = np.array([[float(r.counterexample[f"A_{i + 1}{j + 1}"]) for j in range(size)] for i in range(size)])
    power = [np.trace(np.linalg.matrix_power(m, k)) for k in range(1, 5)]
    e1 = power[0]
    e2 = (e1 * power[0] - power[1]) / 2
    e3 = (e2 * power[0] - e1 * power[1] + power[2]) / 3
    e4 = (e3 * power[0] - e2 * power[1] + e1 * power[2] - power[3]) / 4
    mp = np.linalg.matrix_power
    value = mp(m, 4) - e1 * mp(m, 3) + e2 * mp(m, 2) - e3 * m + e4 * np.eye(size)
    assert np.abs(value).max() > 1e-6


def test_the_same_identity_is_proved_where_it_holds():
    # At a fixed size 4 it is a theorem (no dimension symbol: nothing beyond to check).
    m = sp.MatrixSymbol("M", 3, 3)
    r = verify_claim(Eq(_quartic(m), sp.ZeroMatrix(3, 3)))
    assert r.verdict is Verdict.PROVED and r.scope.symbolic and r.scope.dimensions == ()


def test_a_proof_at_explicit_sizes_records_the_larger_sizes_it_agrees_at():
    r = verify_claim(Eq(Grad(Dot(theta, x) ** 2, theta), 2 * Dot(theta, x) * x))
    assert r.verdict is Verdict.PROVED
    assert not r.scope.symbolic and r.scope.dimensions == ("d",)
    larger = [dict(c)["d"] for c in r.scope.numeric_at]
    assert len(larger) == 2 and all(4 < n <= MAX_SIZE for n in larger)
    assert r.scope.phrase() == f"proved at d = 1..4; numerically consistent at d = {larger[0]}, {larger[1]}"


def test_matrix_algebra_is_proved_for_symbolic_sizes():
    r = verify_claim(Eq((A + B) ** 2, A ** 2 + A * B + B * A + B ** 2))
    assert r.verdict is Verdict.PROVED and r.scope.symbolic
    assert r.scope.phrase() == "proved for symbolic d"
    wrong = verify_claim(Eq((A + B) ** 2, A ** 2 + 2 * A * B + B ** 2))
    assert wrong.verdict is Verdict.REFUTED and not wrong.scope.symbolic


def test_scalar_claims_need_no_sizes():
    z = sp.Symbol("z", real=True)
    r = verify_claim(Eq((z + 1) ** 2, z ** 2 + 2 * z + 1))
    assert r.scope.symbolic and r.scope.phrase() == "no dimensions: proved as stated"


def test_larger_sizes_are_random_but_reproducible_across_processes():
    claim = Eq(theta.T * x, x.T * theta)
    choices = [{d: n} for n in (1, 2, 3, 4)]
    here = larger_sizes(choices, digest(claim), 0)
    assert all(4 < c[d] <= MAX_SIZE for c, _ in here)
    code = ("from derive.symbols import d, theta, x; import sympy as sp; from derive.cache import digest;"
            "from derive.verify.sizes import larger_sizes;"
            "c = sp.Eq(theta.T * x, x.T * theta, evaluate=False);"
            "print([p[d] for p, _ in larger_sizes([{d: n} for n in (1, 2, 3, 4)], digest(c), 0)])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [c[d] for c, _ in here]
    draws = {tuple(c[d] for c, _ in larger_sizes(choices, digest(claim), s)) for s in range(12)}
    assert len(draws) > 1  # the seed moves them


def test_scope_round_trips_through_json():
    r = verify_claim(Eq(Grad(Dot(theta, x), theta), x))
    again = StepResult.from_dict(json.loads(json.dumps(r.as_dict())))
    assert again.scope == r.scope and again.verdict is r.verdict and again.method == r.method
    assert r.as_dict()["scope"]["text"] == str(r.scope)
    with pytest.raises((KeyError, ValueError, TypeError)):
        Scope.from_dict({"symbolic": True})
