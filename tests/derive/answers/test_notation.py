"""Notation real people write: each answer is checked against its target, right ones accepted,
wrong ones judged incorrect, and anything the reader is unsure of refused as invalid."""

from __future__ import annotations

import pytest

from derive.answers import ParseError, parse_answer
from derive.homework.verdict import Verdict, check

from .helpers import BINARY, SOFTMAX

# (target, answer) that must be judged correct: the false rejects of real answers, and more.
RIGHT = [
    ("boundary-distance", r"\frac{-\theta_0}{||\theta||}"),
    ("boundary-distance", r"\frac{-\theta_0}{|\theta|}"),        # |θ| of a vector is read as its norm
    ("boundary-distance", r"-\theta_0 \over \|\theta\|"),
    ("lda-softmax-theta0", r"-\frac{1}{2}\log|\Sigma| - \frac{1}{2}\mu_k^T\Sigma^{-1}\mu_k + \log\pi_k"),
    ("lda-softmax-theta0", r"\log π_k − (1/2)\log|2πΣ| − (1/2)µ_k^T Σ^{−1} µ_k"),
    ("lda-softmax-theta0", "log π_k − (1/2) log|2πΣ| − (1/2) µ_k' Σ^-1 µ_k"),
    ("lda-softmax-theta", r"\Sigma^{-1}\mu_k"),
    ("lda-theta", "Sigma^-1 (mu_1 - mu_0)"),
    ("lda-theta0", "-1/2 mu_1' Sigma^-1 mu_1 + 1/2 mu_0' Sigma^-1 mu_0 + log(pi_1/pi_0)"),
    ("bce-loss", "max(z, 0) - z * y + log(1 + exp(-abs(z)))"),
    ("bce-loss", r"\max(z, 0) - z y + \log(1 + e^{-|z|})"),
    ("bce-loss", "softplus(z) - y z"),
    ("sigmoid-derivative", r"{1\over 4}\operatorname{sech}^2(z/2)"),
    ("sigmoid-derivative", r"\frac{1}{4}\operatorname{sech}^2\left(\frac{z}{2}\right)"),
    ("sigmoid-derivative", r"{1 \over 2}\left(1 - \tanh^2(z/2)\right) \over 2"),
    ("sigmoid-derivative", "σ'(z)"),
    ("sigmoid-derivative", r"\sigma'(z)"),
    ("sigmoid-derivative", r"\sigma^\prime(z)"),
    ("bce-gradient", "(p - y) x_j"),
    ("bce-gradient", r"(\hat{y} - y)\mathbf{x}"),
    ("bce-gradient", "(ŷ - y) x"),
    ("bce-dz", "y_hat - y"),
    ("sgd-update", "theta - eta (p - y) x"),
    ("sgd-update", r"\theta - \alpha(\sigma(\theta^T x + \theta_0) - y)x"),
    ("softmax-ce-gradient", r"\sum_j y_j (s_i - \delta_{ij})"),            # Σ over a declared index
    ("softmax-ce-gradient", r"s_i \sum_{j=1}^{K} y_j - y_i"),
    ("softmax-ce-gradient", "sum_j(y_j) s_i - y_i"),
]

# (target, answer) that are wrong, in the new notation: they must stay incorrect.
WRONG = [
    ("boundary-distance", r"{\theta_0 \over ||\theta||}"),               # the sign
    ("boundary-distance", r"\frac{-\theta_0}{||\theta||^2}"),
    ("lda-softmax-theta0", r"-\frac{1}{2}\log|\Sigma| + \frac{1}{2}\mu_k^T\Sigma^{-1}\mu_k + \log\pi_k"),
    ("lda-softmax-theta0", r"\log π_k − (1/2)\log|2πΣ| − µ_k^T Σ^{−1} µ_k"),
    ("bce-loss", "max(z, 0) + z * y + log(1 + exp(-abs(z)))"),
    ("bce-loss", "max(z, 0) - z * y"),
    ("sigmoid-derivative", r"{1\over 2}\operatorname{sech}^2(z/2)"),
    ("sigmoid-derivative", r"-{1\over 4}\operatorname{sech}^2(z/2)"),
    ("sigmoid-derivative", "tanh'(z)"),                                     # tanh′ where σ′ belongs
    ("sigmoid-derivative", "σ''(z)"),
    ("bce-gradient", "(y - p) x_j"),
    ("bce-gradient", r"(\hat{y} - y)^2\mathbf{x}"),
    ("sgd-update", "theta + eta (p - y) x"),
    ("softmax-ce-gradient", r"\sum_j y_j (\delta_{ij} - s_i)"),
    ("softmax-ce-gradient", r"s_i - \sum_j y_j"),
    ("mlp-grad-W2", "(s - y) h'"),                                          # hᵀ is right: this is … h' = hᵀ
]


@pytest.mark.parametrize("target,text", RIGHT)
def test_right_answers_in_real_notation_are_accepted(target, text):
    result = check(target, text)
    assert result.verdict is Verdict.CORRECT, f"{text!r}: {result.verdict.value}: {result.feedback}"


@pytest.mark.parametrize("target,text", WRONG[:-1])
def test_wrong_answers_in_real_notation_are_incorrect(target, text):
    result = check(target, text)
    assert result.verdict is Verdict.INCORRECT, f"{text!r}: {result.verdict.value}: {result.feedback}"


def test_a_prime_after_a_vector_is_a_transpose():
    # (s − y)h′ is (s − y)hᵀ, the right answer to ∂L/∂W₂: a prime after a vector transposes it.
    assert check("mlp-grad-W2", "(s - y) h'").verdict is Verdict.CORRECT
    assert check("mlp-grad-W2", "(s - y) h").verdict is not Verdict.CORRECT


@pytest.mark.parametrize("target,text,words", [
    ("sigmoid-derivative", "z'", "transpose only after a vector"),
    ("bce-gradient", "max(x, 0)", "ambiguous"),
    ("lda-theta", "|Sigma mu_1 mu_0'| mu_1", None),       # |A| of a square matrix is det A: fine
    ("sgd-update", "theta - kappa (p - y) x", "unknown symbol 'kappa'"),
    ("sgd-update", "theta - kappa(p - y) x", "unknown symbol 'kappa'"),
    ("sigmoid-derivative", "sigma'(z) + relu'(z)", None),
    ("softmax-ce-gradient", r"\sum_k y_k", "i or j"),
    ("softmax-ce-gradient", r"\sum_{j=1}^{d} y_j", "from 1 to K"),
    ("softmax-ce-gradient", r"\sum_j 2", "range is unknown"),
])
def test_where_the_reader_is_unsure_the_answer_is_invalid(target, text, words):
    result = check(target, text)
    if words is None:
        assert result.verdict is not Verdict.INVALID
        return
    assert result.verdict is Verdict.INVALID, f"{text!r}: {result.verdict.value}"
    assert words in result.feedback


def test_a_symbol_is_never_called_a_function():
    for text in ("eta(p - y)", "η(p - y)", r"\eta(p-y)", "kappa(p)"):
        with pytest.raises(ParseError) as info:
            parse_answer(text, BINARY)
        assert info.value.kind == "unknown-symbol" and "function" not in info.value.message, text
    with pytest.raises(ParseError) as info:
        parse_answer("foo(p)", BINARY)
    assert info.value.kind == "unknown-function"


@pytest.mark.parametrize("text,plain", [
    (r"\frac{1}{||\theta||}", "1/norm(theta)"),
    ("|theta|", "norm(theta)"),
    (r"\log|\Sigma|", "log(det(Sigma))"),
    ("|z| |p|", "abs(p)*abs(z)"),
    ("|z||p|", "abs(p)*abs(z)"),
    (r"|z|\,|p|", "abs(p)*abs(z)"),
    (r"|\theta_0|\,|z|", "abs(theta_0)*abs(z)"),
    ("abs(x)", "abs(x)"),                                   # abs(…) of an array stays entrywise
    (r"{1 \over 2} z", "z/2"),
    (r"1 + {z \over 2}", "1 + z/2"),
    ("2πΣ", "2*pi*Sigma"),
    (r"\sigma'(z)", "(1 - sigma(z))*sigma(z)"),
    ("tanh'(z)", "1 - tanh(z)^2"),
    ("relu(z) + ReLU(p)", "relu(p) + relu(z)"),
    ("sech(z)^2", "sech(z)^2"),
    (r"\tanh^2 z", "tanh(z)^2"),
    ("mu_1' x", "mu_1.T @ x"),
    (r"\sum_{i} \theta_i x_i", "sum_i(theta_i*x_i)"),
    (r"\mu_1 ' x", "mu_1.T @ x"),
])
def test_readings(text, plain):
    parsed = parse_answer(text, BINARY)
    assert parsed.plain == plain
    assert parse_answer(parsed.plain, BINARY).expr == parsed.expr
    assert parse_answer(parsed.latex, BINARY).expr == parsed.expr


def test_bars_of_a_non_square_matrix_are_refused():
    with pytest.raises(ParseError) as info:
        parse_answer("|W_1|", SOFTMAX)
    assert info.value.kind == "unsupported" and "ambiguous" in info.value.message


_PIECES = ["\\over", "\\sum_j", "\\sum_{j=1}^{K}", "\\sum", "sum_j", "'", "′", "″", "|", "||", "\\|", "\\hat{y}", "\\hat",
           "{", "}", "(", ")", "σ", "\\sigma", "tanh", "max", "relu", "sech", "\\operatorname{sech}", "^2", "^", "_", "x",
           "s_j", "s_i", "y_j", "\\delta_{ij}", "2", "πΣ", "Σ", "\\theta", "-", "+", "*", "/", ",", "\\left|", "\\right|",
           "\\max", "logsumexp", "abs", " ", "\\prime", "p", "z", "W_1", "ŷ", "y_hat", "η"]


def test_the_new_notation_fails_only_with_parse_errors():
    import random

    rng = random.Random(7)
    for _ in range(800):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 9)))
        for specs in (BINARY, SOFTMAX):
            try:
                parse_answer(text, specs)
            except ParseError:
                pass
