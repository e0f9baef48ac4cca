"""Steps and chains: a derivation is only as good as its weakest link."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derive import Derivation, Step, Verdict, chain, sigmoid
from derive.step import compose

z = sp.Symbol("z", real=True)
e = sp.exp(-z)


def small(statement_rhs=None, links=None) -> Derivation:
    links = links or [(1 / (1 + sp.exp(z)), "definition"), (e / (e + 1), "multiply by e^{-z}")]
    end = links[-1][0]
    return Derivation("small", "A small derivation", sp.Eq(sigmoid(-z), statement_rhs or end, evaluate=False),
                      chain(sigmoid(-z), *links))


def test_an_intact_chain_is_proved():
    d = small()
    assert d.chain_problems() == {}
    assert [r.verdict for r in d.verify()] == [Verdict.PROVED, Verdict.PROVED]


def test_a_broken_link_is_refuted_even_if_each_claim_is_true():
    d = small()
    steps = list(d.steps)
    # A true claim, but it does not start where the previous step ended.
    steps[1] = Step(sp.Eq(sigmoid(-z), e / (e + 1), evaluate=False), "jump")
    results = dataclasses.replace(d, steps=steps).verify()
    assert results[1].verdict is Verdict.REFUTED and "chain integrity" in results[1].method
    assert "proved" in results[1].notes[0]


def test_a_chain_must_end_at_the_theorem():
    d = small(statement_rhs=1 - sigmoid(z))
    results = d.verify()
    assert results[-1].verdict is Verdict.REFUTED
    assert "not in the statement" in results[-1].method


def test_every_statement_must_be_concluded():
    d = small()
    extra = sp.Eq(sigmoid(z), 1 - sigmoid(-z), evaluate=False)
    d2 = dataclasses.replace(d, statement=d.statement + (extra,))
    assert "no chain concludes" in d2.chain_problems()[len(d2.steps) - 1]


def test_relations_compose_by_transitivity():
    assert compose(sp.Equality, sp.StrictGreaterThan) is sp.StrictGreaterThan
    assert compose(sp.GreaterThan, sp.StrictGreaterThan) is sp.StrictGreaterThan
    assert compose(sp.GreaterThan, sp.Equality) is sp.GreaterThan
    assert compose(sp.GreaterThan, sp.LessThan) is None


def test_a_chain_ending_in_a_sign():
    steps = chain(sigmoid(z) * sigmoid(-z), (e / (1 + e) ** 2, "definition"), (0, "positive factors", sp.Gt))
    d = Derivation("sign", "Sign", sp.Gt(sigmoid(z) * sigmoid(-z), 0, evaluate=False), steps)
    assert d.chain_problems() == {}
    assert all(r.proved for r in d.verify())


def test_steps_need_a_relation_and_a_justification():
    with pytest.raises(TypeError, match="relation"):
        Step(z + 1, "why")
    with pytest.raises(ValueError, match="justification"):
        Step(sp.Eq(z, z, evaluate=False), "  ")
    with pytest.raises(ValueError, match="no steps"):
        Derivation("empty", "Empty", sp.Eq(z, z, evaluate=False), [])
    with pytest.raises(ValueError, match="link"):
        chain(z, (z,))


def test_verify_only_some_steps():
    d = small()
    assert len(d.verify(only=[1])) == 1
