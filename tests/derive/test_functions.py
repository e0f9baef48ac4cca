"""σ, softplus and logsumexp: their derivative rules agree with their definitions."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive import REGISTRY, Verdict, logsumexp, sigmoid, softplus, verify_claim
from derive.derivations import sigmoid_derivative
from derive.functions import to_elementary

z, w = sp.symbols("z w", real=True)


def test_fdiff_is_the_proved_rule():
    # The rule the functions use for code generation is the theorem the registry proves.
    assert sp.simplify(sigmoid(z).diff(z) - sigmoid_derivative.DERIVATIVE.subs(sigmoid_derivative.z, z)) == 0
    assert all(r.proved for r in REGISTRY["sigmoid-derivative"].verify())


@pytest.mark.parametrize("f", [sigmoid(z), softplus(z), logsumexp(z, w, 2 * z), sigmoid(z) ** 2 * softplus(-z)])
def test_derivatives_match_the_definitions(f):
    for var in f.free_symbols:
        claim = sp.Eq(f.diff(var), sp.Derivative(to_elementary(f), var), evaluate=False)
        assert verify_claim(claim).verdict is Verdict.PROVED


@pytest.mark.parametrize("t", [-30.0, -1.5, 0.0, 0.7, 25.0])
def test_values_against_mpmath(t):
    with mpmath.workdps(30):
        expected = [1 / (1 + mpmath.exp(-t)), mpmath.log1p(mpmath.exp(t)), mpmath.log(mpmath.exp(t) + mpmath.exp(2 * t))]
    got = [to_elementary(sigmoid(sp.Float(t, 30))).evalf(30),
           to_elementary(softplus(sp.Float(t, 30))).evalf(30),
           to_elementary(logsumexp(sp.Float(t, 30), sp.Float(2 * t, 30))).evalf(30)]
    assert_allclose([float(g) for g in got], [float(e) for e in expected], rtol=1e-14)


def test_special_values_and_printing():
    assert sigmoid(0) == sp.Rational(1, 2)
    assert softplus(0) == sp.log(2)
    assert logsumexp(z) == z
    assert sp.latex(sigmoid(z)) == r"\sigma\left(z\right)"
    assert sigmoid(z).is_positive and sigmoid(z).is_real
    with pytest.raises(TypeError):
        logsumexp()


# --- the vocabulary: one declaration per function ------------------------------------------------

from derive.functions import relu  # noqa: E402
from derive.vocabulary import by_name, declaration_of, declare_expression, declared, undeclare  # noqa: E402


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "relu", "tanh", "sech", "exp", "log"])
def test_every_declared_rule_agrees_with_the_function(name):
    # The declared derivative (the class's own rule) against the definition, differentiated
    # numerically at a few points, and the mpmath form against the definition's value.
    decl = by_name(name)
    u = sp.Symbol("u", real=True)
    rule = sp.lambdify(u, decl.derivative(u).rewrite(sp.exp).subs(sp.Heaviside(u), (1 + sp.sign(u)) / 2), "mpmath")
    for t in ("0.3", "1.7", "-2.1") if name != "log" else ("0.3", "1.7"):
        with mpmath.workdps(40):
            x = mpmath.mpf(t)
            f = lambda v: decl.mpmath(v)  # noqa: E731
            assert abs(mpmath.diff(f, x) - rule(x)) < mpmath.mpf(10) ** -30
            assert abs(decl.mpmath(x) - sp.N(to_elementary(decl(sp.Float(t, 40))), 40)) < mpmath.mpf(10) ** -30


def test_relu_derivative_is_a_step_and_the_verifier_says_what_holds_at_zero():
    u = sp.Symbol("u", real=True)
    assert relu(u).diff(u) == sp.Heaviside(u)
    assert relu(sp.Integer(-3)) == 0 and relu(sp.Integer(2)) == 2
    good = verify_claim(sp.Eq(sp.Derivative(relu(u), u), sp.Heaviside(u), evaluate=False))
    assert good.verdict is Verdict.PROVED
    assert any("at 0" in note and "u ≠ 0" in note for note in good.notes)
    wrong = verify_claim(sp.Eq(sp.Derivative(relu(u), u), sp.Heaviside(-u), evaluate=False))
    assert wrong.verdict is Verdict.REFUTED
    plain = verify_claim(sp.Eq(sp.Derivative(sigmoid(u), u), sigmoid(u) * (1 - sigmoid(u)), evaluate=False))
    assert not any("ReLU" in note for note in plain.notes)


def test_logsumexp_of_a_vector_is_of_its_entries_or_refused():
    v = sp.MatrixSymbol("v", 3, 1)
    assert logsumexp(v) == logsumexp(v[0, 0], v[1, 0], v[2, 0])
    n = sp.Symbol("n", integer=True, positive=True)
    with pytest.raises(TypeError, match="symbolic"):
        logsumexp(sp.MatrixSymbol("w", n, 1))


def test_a_declaration_is_refused_when_it_clashes():
    u = sp.Symbol("u", real=True)
    with pytest.raises(ValueError, match="already declared"):
        declare_expression("sigmoid", u, u)
    with pytest.raises(ValueError, match="not its variable"):
        declare_expression("shifted", u, u + z)
    with pytest.raises(ValueError, match="spelling 'sigma'"):
        declare_expression("sigma2", u, u, spellings=("sigma",))
    assert by_name("sigma2") is None and by_name("shifted") is None


def test_a_new_function_needs_one_declaration(tmp_path):
    """logcosh is declared once, from its expression, and is then verified, read, checked,
    evaluated, compiled and printed like any built-in function."""
    u = sp.Symbol("u", real=True)
    decl = declare_expression("logcosh", u, sp.log(sp.cosh(u)))
    try:
        _use_everywhere(decl)
    finally:
        undeclare("logcosh")
    assert by_name("logcosh") is None


def _use_everywhere(decl) -> None:
    from derive.homework.reading import read
    from derive.homework.targets import SymbolDecl, Target
    from derive.homework.verdict import Verdict as Check, check_expr
    from numeric.codegen import lambdify_numpy
    from reports.latex import latex

    logcosh = decl.func
    assert declaration_of(logcosh(z)) is decl and decl in declared()

    # A derivation, verified step by step from the definition: d/dz logcosh(z) = tanh(z).
    from derive.step import Derivation, chain
    from reports.document import chain_display

    steps = chain(sp.Derivative(logcosh(z), z),
                  (sp.Derivative(sp.log(sp.cosh(z)), z), "the definition of logcosh"),
                  (sp.sinh(z) / sp.cosh(z), "chain rule"),
                  (sp.tanh(z), "tanh = sinh/cosh"))
    derivation = Derivation("logcosh-derivative", "The derivative of logcosh",
                            sp.Eq(sp.Derivative(logcosh(z), z), sp.tanh(z)), steps)
    results = derivation.verify()
    assert [r.verdict for r in results] == [Verdict.PROVED] * 3
    assert verify_claim(sp.Eq(sp.Derivative(logcosh(z), z), sp.sech(z) ** 2, evaluate=False)).verdict is Verdict.REFUTED
    # ... and in a report: the chain as the lecture notes print it.
    shown = chain_display(derivation, [0, 1, 2], results)
    assert r"\operatorname{logcosh}\left(z\right)" in shown

    # An answer, read and checked: the target's key is logcosh′, written with the function itself.
    target = Target("logcosh-derivative", "d/dz logcosh(z)", logcosh(z).diff(z), "test",
                    symbols=(SymbolDecl("z", z, "a real number"),))
    for text, verdict in [("logcosh'(z)", Check.CORRECT), ("tanh(z)", Check.CORRECT),
                          (r"\operatorname{logcosh}'(z)", Check.CORRECT), ("logcosh(z)", Check.INCORRECT),
                          ("sech(z)^2", Check.INCORRECT)]:
        parsed = read(text, target)
        assert check_expr(target, parsed.expr, text=text).verdict is verdict, text
    assert read("logcosh(z)", target).plain == "logcosh(z)"
    assert read(r"\operatorname{logcosh}(z)", target).expr == logcosh(z)

    # A report's LaTeX, and the echo the checker shows.
    assert latex(logcosh(z) + 1) == r"\operatorname{logcosh}\left(z\right) + 1"
    assert read("logcosh(z)", target).latex == r"\operatorname{logcosh}\left(z\right)"

    # NumPy code, from the definition.
    import numpy as np
    f = lambdify_numpy((z,), logcosh(z))
    assert np.allclose(f(np.array([0.0, 1.5])), np.log(np.cosh([0.0, 1.5])))


def test_a_course_declares_a_function_from_a_definition_string():
    from derive.answers import ParseError, SymbolSpec, declare_definition, parse_answer

    decl = declare_definition("softsign(u) = u/(1 + abs(u))")
    try:
        softsign = decl.func
        assert to_elementary(softsign(z)) == z / (1 + sp.Abs(z))
        parsed = parse_answer("softsign(z) + softsign'(z)", (SymbolSpec("z", z),))
        assert parsed.expr.has(softsign)
        assert abs(float(to_elementary(parsed.expr).subs(z, 2).evalf()) - (2 / 3 + 1 / 9)) < 1e-12
        for bad in ("softsign(u) = u + v", "softsign = u", "softsign(u) = __import__('os')"):
            with pytest.raises(ValueError):
                declare_definition(bad.replace("softsign", "other"))
    finally:
        undeclare("softsign")
    with pytest.raises(ParseError):
        parse_answer("softsign(z)", (SymbolSpec("z", z),))


def test_numeric_code_prints_the_declared_stable_forms():
    import numpy as np
    from numeric.codegen import StableNumPyPrinter, lambdify_numpy, lambdify_scalar

    printer = StableNumPyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": True})
    assert printer.doprint(sigmoid(z)) == "scipy.special.expit(z)"
    assert printer.doprint(relu(z)) == "numpy.maximum(z, 0)"
    assert "numpy.cosh" not in printer.doprint(sp.sech(z))    # the stable form, which cannot overflow
    f = lambdify_numpy((z,), softplus(z) + relu(-z) + sp.sech(z) + sigmoid(z))
    big = np.array([-800.0, -3.0, 0.5, 800.0])
    with np.errstate(over="raise", invalid="raise"):
        got = f(big)
    small = big[1:3]
    assert np.allclose(got[1:3], np.logaddexp(0, small) + np.maximum(-small, 0) + 1 / np.cosh(small)
                       + 1 / (1 + np.exp(-small)), rtol=1e-14)
    assert np.allclose(got[[0, 3]], [800.0, 801.0], rtol=1e-15)
    g = lambdify_scalar((z,), relu(z) - relu(-z), {"sigmoid": abs, "softplus": abs})
    assert g(-2.5) == -2.5 and g(3.0) == 3.0


def test_the_grader_evaluates_every_declared_function_from_its_declaration():
    from derive.evaluate import EXACT, NUMERIC, SYMBOLIC, Env, Mat, Undefined, compile_expr

    v = sp.MatrixSymbol("v", 3, 1)
    expr = relu(z) + sp.Max(z, 1) + sp.sech(z) + softplus(-z) + logsumexp(v) + sigmoid(z)
    program = compile_expr(expr)
    values = (mpmath.mpf(1), mpmath.mpf(-2), mpmath.mpf("0.5"))
    with mpmath.workdps(30):
        env = Env({"z": mpmath.mpf("-0.75")}, {"v": Mat(3, 1, values)})
        got = program.run(env, NUMERIC)
        t = mpmath.mpf("-0.75")
        want = (0 + 1 + mpmath.sech(t) + mpmath.log1p(mpmath.exp(-t)) + mpmath.log(mpmath.fsum(mpmath.exp(x) for x in values))
                + 1 / (1 + mpmath.exp(-t)))
        assert abs(got - want) < mpmath.mpf(10) ** -25
    exact = program.run(Env({"z": sp.Rational(3, 2)}, {"v": Mat(3, 1, (sp.S.One, sp.S.Zero, sp.Rational(-1, 2)))}), EXACT)
    assert not exact.has(relu, sigmoid, softplus, logsumexp)          # written out by the definitions
    symbolic = program.run(Env({"z": z}, {"v": Mat(3, 1, sp.symbols("v0:3", real=True))}), SYMBOLIC)
    assert symbolic.has(relu) and symbolic.has(sigmoid)               # kept as atoms for a proof
    with pytest.raises(Undefined):
        compile_expr(sp.log(z)).run(Env({"z": mpmath.mpf(-1)}), NUMERIC)
