"""Property test: the truth, however written, is always correct; a perturbed truth never is.

Hypothesis builds random expressions in z and σ(z) (the binding p ≡ σ(z) included) and uses
each as the key of a throw-away target.  The key printed as text and read back, and the key
rewritten through the definition of σ, must both be ``correct``; the key plus any non-zero
perturbation, from a visible constant down to a bump of width 10⁻³ or a term of size 10⁻⁴⁰,
must never be ``correct``.
"""

from __future__ import annotations

import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import symbols as S
from derive.assumptions import Real
from derive.functions import sigmoid, to_elementary
from derive.homework.reading import read
from derive.homework.targets import Binding, SymbolDecl, Target
from derive.homework.verdict import Verdict, check_expr

z, p = S.z, S.p
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

leaves = st.sampled_from([z, p, sigmoid(z), sp.Integer(2), sp.Rational(1, 3), sp.exp(z), sp.tanh(z)])


def _combine(children):
    return st.one_of(
        st.tuples(children, children).map(lambda ab: ab[0] + ab[1]),
        st.tuples(children, children).map(lambda ab: ab[0] * ab[1]),
        st.tuples(children, children).map(lambda ab: ab[0] - ab[1]),
        children.map(lambda a: a / (2 + a ** 2)),      # defined everywhere
        children.map(lambda a: sp.log(1 + sp.exp(a))),
    )


expressions = st.recursive(leaves, _combine, max_leaves=6).filter(lambda e: e.free_symbols & {z, p} and e != 0)

perturbations = st.sampled_from([
    sp.Integer(1), z / 7, sp.Rational(1, 10 ** 6) * sigmoid(z), sp.Rational(1, 10 ** 40),
    sp.exp(-1000 * (z - sp.Rational(3, 10)) ** 2), sp.Rational(1, 10 ** 12) * sp.exp(-10 ** 6 * (z - sp.Rational(2, 5)) ** 2),
    z ** 2 * p, -p,
])


def target_for(key: sp.Basic) -> Target:
    return Target("property", "a random expression", key, "test",
                  symbols=(SymbolDecl("z", z, "z"), SymbolDecl("p", p, "p ≡ σ(z)")),
                  bindings=(Binding(p, sigmoid(z)),), assumptions=(Real(z),))


@SETTINGS
@given(expressions)
def test_the_truth_read_back_from_text_is_correct(key):
    target = target_for(key)
    for form in (key, to_elementary(key.subs(p, sigmoid(z)))):
        parsed = read(sp.sstr(form), target)
        r = check_expr(target, parsed.expr)
        assert r.verdict is Verdict.CORRECT, (sp.sstr(form), r.feedback)


@SETTINGS
@given(expressions, perturbations, st.sampled_from([1, -1, 3]))
def test_a_perturbed_truth_is_never_correct(key, bump, sign):
    target = target_for(key)
    r = check_expr(target, key + sign * bump)
    assert r.verdict is not Verdict.CORRECT, (sp.sstr(key), sp.sstr(bump), r.feedback)


# --- planted roots: ε·q(z) with q's roots among the points the checker used to use -------------------

OLD_POINTS = sorted({sp.Rational(a, b) for a in range(-32, 33) for b in range(1, 17)}
                    | {sp.S.Half, sp.Rational(-1, 3), sp.Integer(2)})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(OLD_POINTS), min_size=1, max_size=12),
       st.integers(min_value=3, max_value=300), st.sampled_from([1, -1]),
       st.sampled_from(["sigmoid-derivative", "bce-dz", "bce-loss"]))
def test_a_perturbation_with_roots_at_the_old_points_is_never_correct(roots, exponent, sign, name):
    """key + ε·Π(z − r), ε = ±10⁻ⁿ down to 10⁻³⁰⁰: zero at every old exact point it names and
    invisible at 50 digits for small ε, yet never correct (the points are secret and large)."""
    from derive.homework.targets import get_target
    target = get_target(name)
    q = sp.Mul(*[S.z - r for r in roots])
    r = check_expr(target, target.key + sign * sp.Rational(1, 10 ** exponent) * q)
    assert r.verdict is not Verdict.CORRECT, (roots, exponent, r.feedback)
