"""The homework targets: for each question, its answer key, symbols, bindings and known mistakes.

Every answer key is a constant of a derivation module (``derive/derivations/*.py``), imported
here and never typed again.  Each target also declares

* its **symbols** (what an answer may use; their shapes come from ``derive/symbols.py``):
  d-vectors are columns (d×1), K is the number of classes and m the number of hidden units;
* its **bindings**, such as p ≡ σ(z) and z ≡ θᵀx + θ₀: an answer may use either side, and
  every point the checker evaluates at satisfies them;
* its **assumptions** (y ∈ {0, 1}, one-hot y, Σ symmetric positive-definite, priors in (0, 1));
* its **known mistakes**: wrong answers students give, each with feedback and partial credit.

Targets are built on first use, so a derivation module that fails to import only disables its
own targets, with a message saying which module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import sympy as sp

from ..numbers import to_sympy
from .. import symbols as SYM
from ..assumptions import (Assumption, Binary, OneHot, Positive, Probability, Real, Simplex,
                           SymmetricPositiveDefinite)
from ..functions import sigmoid
from ..ops import Diag, Dot, Softmax
from .evaluate import shape_of

__all__ = ["Target", "Binding", "Mistake", "SymbolDecl", "get_target", "target_names", "all_targets",
           "PRIMARY_SIZES", "SECONDARY_SIZES", "UnknownTarget", "TargetUnavailable"]

#: The sizes of the main check: distinct, so that a transpose can never pass.
PRIMARY_SIZES = {"d": 3, "K": 4, "m": 5}
#: A second set of distinct sizes, so an answer cannot be right at one size only.
SECONDARY_SIZES = {"d": 2, "K": 3, "m": 4}


class UnknownTarget(ValueError):
    """A target name that the table does not have; the message lists the known ones."""


class TargetUnavailable(ValueError):
    """A known target whose answer key cannot be loaded (its derivation module is missing or broken)."""


@dataclass(frozen=True)
class SymbolDecl:
    """A symbol an answer may use: its canonical ``name`` (``theta_0``), the SymPy object and
    a few words saying what it is."""

    name: str
    obj: sp.Basic
    meaning: str

    @property
    def shape(self) -> tuple | None:
        return shape_of(self.obj)


@dataclass(frozen=True)
class Binding:
    """``symbol ≡ definition``: every point satisfies it, and an answer may use either side."""

    symbol: sp.Basic
    definition: sp.Basic

    def __str__(self) -> str:
        return f"{sp.sstr(self.symbol)} ≡ {sp.sstr(self.definition)}"


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: ``expr`` is what the student wrote, ``feedback`` names the mistake
    and ``credit`` is the partial credit (a fraction of the full score)."""

    name: str
    expr: sp.Basic
    feedback: str
    credit: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.credit < 1.0:
            raise ValueError(f"mistake {self.name!r}: credit must be in [0, 1), got {self.credit}")


@dataclass(frozen=True)
class Target:
    """One question with its answer key.

    ``modulo`` lists symbols such that an answer differing from the key by a term free of
    all of them is also accepted (θ_{0,k} is defined only up to a term independent of k).
    ``hidden`` are bound symbols an answer may not use (the precision P = Σ⁻¹ of the proofs).
    ``aliases`` are further spellings of declared symbols, as (spelling, symbol name) pairs:
    ("x_j", "x") for a gradient written by its j-th entry, ("eta", "epsilon") for a learning rate.
    """

    name: str
    question: str
    key: sp.Basic
    source: str
    symbols: tuple[SymbolDecl, ...]
    bindings: tuple[Binding, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    modulo: tuple[sp.Basic, ...] = ()
    hidden: tuple[sp.Basic, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def shape(self) -> tuple | None:
        return shape_of(self.key)

    @property
    def bound(self) -> tuple[sp.Basic, ...]:
        return tuple(b.symbol for b in self.bindings)

    def all_symbols(self) -> tuple[sp.Basic, ...]:
        """Every symbol a point gives a value to: declared, hidden and bound."""
        out = dict.fromkeys([s.obj for s in self.symbols] + list(self.hidden) + list(self.bound))
        return tuple(out)

    def dimensions(self) -> set[sp.Symbol]:
        found: set[sp.Symbol] = set()
        for s in self.all_symbols():
            if isinstance(s, sp.MatrixSymbol):
                for n in s.shape:
                    found |= to_sympy(n).free_symbols
        return found


# --- helpers for the table ---------------------------------------------------------------------

def _key(module: str, constant: str) -> sp.Basic:
    try:
        mod = importlib.import_module(f"derive.derivations.{module}")
    except Exception as exc:  # noqa: BLE001 - any failure there disables only this target
        raise TargetUnavailable(f"derive/derivations/{module}.py could not be imported "
                                f"({type(exc).__name__}: {exc})") from exc
    try:
        return getattr(mod, constant)
    except AttributeError:
        raise TargetUnavailable(f"derive/derivations/{module}.py defines no {constant}") from None


def _find(expr: sp.Basic, name: str, default: sp.Basic | None = None) -> sp.Basic:
    """The symbol called ``name`` in ``expr`` (matrix or scalar), else ``default``."""
    for atom in expr.atoms(sp.Symbol, sp.MatrixSymbol):
        if getattr(atom, "name", None) == name:
            return atom
    if default is None:
        raise TargetUnavailable(f"the key {sp.sstr(expr)} has no symbol named {name!r}")
    return default


def _decl(obj: sp.Basic, meaning: str) -> SymbolDecl:
    return SymbolDecl(obj.name, obj, meaning)


def _ones(n: sp.Basic) -> sp.Basic:
    return sp.OneMatrix(n, 1)


def _square(v: sp.Basic) -> sp.Basic:
    return sp.HadamardPower(v, 2)


def _logit_key() -> sp.Basic:
    return _key("bce_gradient", "LOGIT")


def _without_theta0(expr: sp.Basic) -> sp.Basic:
    """``expr`` with z and p written out through θᵀx + θ₀ and then θ₀ dropped."""
    full = expr.xreplace({SYM.p: sigmoid(SYM.z)}).xreplace({SYM.z: _logit_key()})
    return full.xreplace({SYM.theta0: sp.S.Zero})


# Feedback shared by several targets.
_SIGN_LOSS = ("sign of (p − y) flipped: (y − p) is the derivative of the log-likelihood, which is "
              "maximised; the loss L = −log-likelihood has derivative (p − y)")
_DL_DP = ("that is ∂L/∂p; the chain rule needs one more factor, ∂p/∂z = σ′(z) = p(1 − p), which cancels "
          "the denominators and leaves p − y")
_EXTRA_SIGMA_PRIME = ("an extra factor p(1 − p): σ′(z) from the chain rule cancels against the "
                      "denominators of ∂L/∂p, it does not stay in the answer")
_MISSING_THETA0 = "θ₀ is missing: the logit is z = θᵀx + θ₀, bias included"
_SIGMA_NOT_INVERSE = ("Σ where Σ⁻¹ belongs: the log-odds of Gaussians with a shared covariance "
                      "involve the precision Σ⁻¹ (from the exponent −½(x − μ)ᵀΣ⁻¹(x − μ))")


# --- the table ----------------------------------------------------------------------------------
# Each builder returns one Target.  ``S`` below is derive.symbols.

def _sigmoid_derivative() -> Target:
    key = _key("sigmoid_derivative", "DERIVATIVE")
    z, p = SYM.z, SYM.p
    s = sigmoid(z)
    return Target(
        "sigmoid-derivative", "dσ/dz, the derivative of the logistic sigmoid σ(z) = 1/(1 + e^{−z})",
        key, "sigmoid_derivative.DERIVATIVE",
        symbols=(_decl(z, "the argument"), _decl(p, "p ≡ σ(z)")),
        bindings=(Binding(p, s),),
        assumptions=(Real(z),),
        mistakes=(
            Mistake("sigma-squared", s ** 2, "σ² instead of σ(1 − σ): d/dz (1 + e^{−z})^{−1} = e^{−z}/(1 + e^{−z})², "
                    "and e^{−z}/(1 + e^{−z}) = 1 − σ(z)", 0.25),
            Mistake("tanh-pattern", 1 - s ** 2, "1 − σ² is the pattern of tanh′ = 1 − tanh²; the sigmoid's is "
                    "σ′ = σ(1 − σ)", 0.25),
            Mistake("sigma", s, "σ(z) is the derivative of softplus(z) = log(1 + e^z), not of σ", 0.0),
        ),
    )


def _bce_loss() -> Target:
    key = _key("bernoulli_nll", "LOSS")
    y, p, z = SYM.y, SYM.p, SYM.z
    return Target(
        "bce-loss", "the loss L: the negative log-likelihood of one example (x, y), where P(1 | x) = p",
        key, "bernoulli_nll.LOSS",
        symbols=(_decl(y, "the label, 0 or 1"), _decl(p, "p ≡ σ(z) = P(1 | x)"), _decl(z, "the logit")),
        bindings=(Binding(p, sigmoid(z)),),
        assumptions=(Binary(y), Real(z)),
        mistakes=(
            Mistake("log-likelihood", -key, "that is the log-likelihood itself; the loss is its negative, "
                    "−y log p − (1 − y) log(1 − p)", 0.5),
            Mistake("labels-swapped", -(1 - y) * sp.log(p) - y * sp.log(1 - p),
                    "y and 1 − y are swapped: for y = 1 the loss must be −log p", 0.25),
            Mistake("positive-class-only", -y * sp.log(p), "only the y = 1 term: for y = 0 the loss is "
                    "−log(1 − p), so add −(1 − y) log(1 − p)", 0.5),
        ),
    )


def _bce_dz() -> Target:
    key = _key("bce_gradient", "DL_DZ")
    loss = _key("bernoulli_nll", "LOSS")
    y, p, z = SYM.y, SYM.p, SYM.z
    return Target(
        "bce-dz", "∂L/∂z, the derivative of the loss L = −y log p − (1 − y) log(1 − p) by the logit z, p = σ(z)",
        key, "bce_gradient.DL_DZ",
        symbols=(_decl(y, "the label, 0 or 1"), _decl(p, "p ≡ σ(z)"), _decl(z, "the logit")),
        bindings=(Binding(p, sigmoid(z)),),
        assumptions=(Binary(y), Real(z)),
        mistakes=(
            Mistake("sign", y - p, _SIGN_LOSS, 0.5),
            Mistake("dL/dp", sp.diff(loss, p), _DL_DP, 0.25),
            Mistake("extra-sigma-prime", (p - y) * p * (1 - p), _EXTRA_SIGMA_PRIME, 0.25),
        ),
    )


def _logistic_symbols() -> tuple[SymbolDecl, ...]:
    return (_decl(SYM.x, "the input, a d-vector"), _decl(SYM.theta, "the weights, a d-vector"),
            _decl(SYM.theta0, "the bias"), _decl(SYM.y, "the label, 0 or 1"),
            _decl(SYM.p, "p ≡ σ(z)"), _decl(SYM.z, "z ≡ θᵀx + θ₀"))


def _logistic_bindings() -> tuple[Binding, ...]:
    return (Binding(SYM.z, _logit_key()), Binding(SYM.p, sigmoid(SYM.z)))


def _logistic_assumptions() -> tuple[Assumption, ...]:
    return (Binary(SYM.y), Real(SYM.x, SYM.theta, SYM.theta0))


def _bce_gradient() -> Target:
    key = _key("bce_gradient", "GRADIENT")
    loss = _key("bernoulli_nll", "LOSS")
    x, y, p = SYM.x, SYM.y, SYM.p
    return Target(
        "bce-gradient", "∇_θ L, the gradient of the loss of one example by the weights θ (a d-vector, like θ)",
        key, "bce_gradient.GRADIENT",
        symbols=_logistic_symbols(), bindings=_logistic_bindings(), assumptions=_logistic_assumptions(),
        mistakes=(
            Mistake("sign", (y - p) * x, _SIGN_LOSS, 0.5),
            Mistake("dL/dp", sp.diff(loss, p) * x, _DL_DP, 0.25),
            Mistake("extra-sigma-prime", (p - y) * p * (1 - p) * x, _EXTRA_SIGMA_PRIME, 0.25),
            Mistake("missing-theta0", _without_theta0(key), _MISSING_THETA0, 0.5),
            Mistake("missing-x", p - y, "∂L/∂z alone: the chain rule needs ∇_θ z = x as well, so ∇_θ L = (p − y)x",
                    0.25),
        ),
        aliases=(("x_j", "x"),),  # ∂L/∂θ_j = (p − y)x_j, the gradient written by its j-th entry
    )


def _bce_gradient_bias() -> Target:
    key = _key("bce_gradient", "GRADIENT_BIAS")
    loss = _key("bernoulli_nll", "LOSS")
    x, y, p = SYM.x, SYM.y, SYM.p
    return Target(
        "bce-gradient-bias", "∂L/∂θ₀, the derivative of the loss of one example by the bias θ₀",
        key, "bce_gradient.GRADIENT_BIAS",
        symbols=_logistic_symbols(), bindings=_logistic_bindings(), assumptions=_logistic_assumptions(),
        mistakes=(
            Mistake("sign", y - p, _SIGN_LOSS, 0.5),
            Mistake("dL/dp", sp.diff(loss, p), _DL_DP, 0.25),
            Mistake("missing-theta0", _without_theta0(key), _MISSING_THETA0, 0.5),
            Mistake("times-x", (p - y) * x, "that is ∇_θ L; for the bias ∂z/∂θ₀ = 1, so there is no factor x", 0.25),
        ),
    )


def _sgd_update() -> Target:
    key = _key("sgd_update", "UPDATE")
    grad = _key("bce_gradient", "GRADIENT")
    theta, eps = SYM.theta, SYM.eps
    return Target(
        "sgd-update", "θ after one SGD step on the example (x, y) with learning rate ε",
        key, "sgd_update.UPDATE",
        symbols=_logistic_symbols() + (_decl(eps, "the learning rate, ε > 0"),),
        bindings=_logistic_bindings(), assumptions=_logistic_assumptions() + (Positive(eps),),
        mistakes=(
            Mistake("ascent", theta + eps * grad, "a step up the gradient (or the sign of p − y flipped): that "
                    "increases the loss. Gradient descent steps against it, θ ← θ − ε∇_θ L = θ − ε(p − y)x", 0.5),
            Mistake("missing-learning-rate", theta - grad, "the learning rate ε is missing: θ − ε∇_θ L", 0.5),
            Mistake("step-only", -eps * grad, "that is only the step; the update is the old θ plus the step, "
                    "θ − ε(p − y)x", 0.25),
            Mistake("missing-theta0", _without_theta0(key), _MISSING_THETA0, 0.5),
        ),
        aliases=(("eta", "epsilon"), ("alpha", "epsilon")),  # other letters for a learning rate
    )


def _bce_hessian() -> Target:
    key = _key("bce_hessian", "HESSIAN")
    x, p = SYM.x, SYM.p
    outer = x * x.T
    return Target(
        "bce-hessian", "∇²_θ L, the Hessian of the loss of one example by θ (a d×d matrix)",
        key, "bce_hessian.HESSIAN",
        symbols=_logistic_symbols(), bindings=_logistic_bindings(), assumptions=_logistic_assumptions(),
        mistakes=(
            Mistake("sigma-squared", p ** 2 * outer, "σ² instead of σ′ = σ(1 − σ): the Hessian is "
                    "σ′(z) x xᵀ = p(1 − p) x xᵀ", 0.25),
            Mistake("inner-product", p * (1 - p) * (x.T * x), "xᵀx is a number; the Hessian is the d×d outer "
                    "product p(1 − p) x xᵀ", 0.25),
            Mistake("missing-sigma-prime", outer, "the factor σ′(z) = p(1 − p) is missing: differentiate p − y "
                    "once more by θ", 0.25),
            Mistake("missing-theta0", _without_theta0(key), _MISSING_THETA0, 0.5),
        ),
    )


def _lda_symbols(mus: tuple, pis: tuple) -> tuple[SymbolDecl, ...]:
    out = [_decl(mu, f"the mean of class {mu.name[-1]}, a d-vector") for mu in mus]
    out.append(_decl(SYM.Sigma, "the shared covariance, d×d, symmetric positive-definite"))
    out += [_decl(pi, f"the prior of class {pi.name[-1]}") for pi in pis]
    return tuple(out)


def _precision_binding() -> Binding:
    return Binding(SYM.P, sp.Inverse(SYM.Sigma))


def _lda_theta() -> Target:
    key = _key("lda_logistic", "THETA")
    mu0, mu1 = SYM.mu0, SYM.mu1
    return Target(
        "lda-theta", "θ for two-class LDA (Gaussian classes with means μ₀, μ₁, shared covariance Σ, priors "
                     "π₀, π₁), where P(1 | x) = σ(θᵀx + θ₀)",
        key, "lda_logistic.THETA",
        symbols=_lda_symbols((mu0, mu1), (SYM.pi0, SYM.pi1)),
        bindings=(_precision_binding(),), hidden=(SYM.P,),
        assumptions=(SymmetricPositiveDefinite(SYM.Sigma), SymmetricPositiveDefinite(SYM.P),
                     Simplex(SYM.pi0, SYM.pi1), Real(mu0, mu1)),
        mistakes=(
            Mistake("sigma-not-inverse", key.xreplace({SYM.P: SYM.Sigma}), _SIGMA_NOT_INVERSE, 0.25),
            Mistake("missing-precision", mu1 - mu0, "the precision Σ⁻¹ is missing: θ = Σ⁻¹(μ₁ − μ₀)", 0.25),
            Mistake("sign", -key, "sign flipped: θ points towards class 1, θ = Σ⁻¹(μ₁ − μ₀)", 0.5),
        ),
    )


def _quadratic_and_prior(key: sp.Basic, priors: dict) -> tuple[sp.Basic, sp.Basic]:
    """Split θ₀ into its quadratic part and its prior part (the prior part is what the priors add)."""
    quadratic = key.xreplace(priors)
    return quadratic, sp.expand(key - quadratic)


def _lda_theta0() -> Target:
    key = _key("lda_logistic", "THETA0")
    mu0, mu1, pi0, pi1 = SYM.mu0, SYM.mu1, SYM.pi0, SYM.pi1
    quadratic, prior = _quadratic_and_prior(key, {pi1: pi0})
    return Target(
        "lda-theta0", "θ₀ for two-class LDA (means μ₀, μ₁, shared covariance Σ, priors π₀, π₁), where "
                      "P(1 | x) = σ(θᵀx + θ₀)",
        key, "lda_logistic.THETA0",
        symbols=_lda_symbols((mu0, mu1), (pi0, pi1)),
        bindings=(_precision_binding(),), hidden=(SYM.P,),
        assumptions=(SymmetricPositiveDefinite(SYM.Sigma), SymmetricPositiveDefinite(SYM.P),
                     Simplex(pi0, pi1), Real(mu0, mu1)),
        mistakes=(
            Mistake("missing-prior", quadratic, "the prior term log(π₁/π₀) is missing: the priors shift the "
                    "boundary", 0.5),
            Mistake("prior-inverted", quadratic - prior, "the prior term is upside down: it is log(π₁/π₀), "
                    "the log prior odds of class 1", 0.5),
            Mistake("sigma-not-inverse", key.xreplace({SYM.P: SYM.Sigma}), _SIGMA_NOT_INVERSE, 0.25),
            Mistake("missing-half", 2 * quadratic + prior, "the factor ½ of the quadratic terms is missing: "
                    "they come from −½(x − μ)ᵀΣ⁻¹(x − μ)", 0.5),
            Mistake("quadratic-sign", -quadratic + prior, "the quadratic terms have the wrong signs: "
                    "θ₀ = −½μ₁ᵀΣ⁻¹μ₁ + ½μ₀ᵀΣ⁻¹μ₀ + log(π₁/π₀)", 0.25),
        ),
    )


#: The class-k quantities of K-class LDA, as a student writes them.
MU_K = sp.MatrixSymbol("mu_k", SYM.d, 1)
PI_K = sp.Symbol("pi_k", positive=True)


def _one_class(expr: sp.Basic) -> sp.Basic:
    """The class-k entry of a per-class formula of lda_softmax.

    There the means are the columns of a d×K matrix ``mu`` and the priors a K-column ``pi``, and
    θ_k, θ_{0,k} are column/entry k of formulas that act class by class.  With K = 1 the matrix
    of means is μ_k itself and the prior vector is π_k, so the formula for one class is the key.
    """
    one = expr.subs(SYM.K, 1)
    means = [m for m in one.atoms(sp.MatrixSymbol) if m.name == "mu" and m.shape == (SYM.d, 1)]
    priors = [m for m in one.atoms(sp.MatrixSymbol) if m.name == "pi" and m.shape == (1, 1)]
    out = one.xreplace({**{m: MU_K for m in means}, **{q: sp.ImmutableMatrix([[PI_K]]) for q in priors}})
    leftover = [m.name for m in out.atoms(sp.MatrixSymbol) if m.name in ("mu", "pi")]
    if leftover:
        raise TargetUnavailable(f"lda_softmax's per-class formula still mentions {leftover} after taking one class")
    return out


def _lda_softmax_parts() -> tuple[sp.Basic, sp.Basic, sp.Basic, sp.Basic]:
    theta_k = _one_class(_key("lda_softmax", "THETA_K"))
    theta0_k = _one_class(_key("lda_softmax", "THETA0_K"))
    return theta_k, theta0_k, MU_K, PI_K


def _lda_softmax_declarations(mu_k: sp.Basic, pi_k: sp.Basic) -> dict:
    """What both K-class LDA targets declare: μ_k, Σ (read through Σ⁻¹ = P) and π_k."""
    return dict(
        symbols=(_decl(mu_k, "the mean of class k, a d-vector"),
                 _decl(SYM.Sigma, "the shared covariance, d×d, symmetric positive-definite"),
                 _decl(pi_k, "the prior of class k")),
        bindings=(_precision_binding(),), hidden=(SYM.P,),
        assumptions=(SymmetricPositiveDefinite(SYM.Sigma), SymmetricPositiveDefinite(SYM.P),
                     Probability(pi_k), Real(mu_k)),
    )


def _lda_softmax_theta() -> Target:
    key, _, mu_k, pi_k = _lda_softmax_parts()
    return Target(
        "lda-softmax-theta", "θ_k for K-class LDA (Gaussian classes with means μ_k, shared covariance Σ, "
                             "priors π_k), where P(k | x) = softmax(a)_k and a_k = θ_kᵀx + θ_{0,k}",
        key, "lda_softmax.THETA_K",
        **_lda_softmax_declarations(mu_k, pi_k),
        mistakes=(
            Mistake("sigma-not-inverse", key.xreplace({SYM.P: SYM.Sigma}), _SIGMA_NOT_INVERSE, 0.25),
            Mistake("missing-precision", mu_k, "the precision Σ⁻¹ is missing: θ_k = Σ⁻¹μ_k", 0.25),
        ),
    )


def _lda_softmax_theta0() -> Target:
    _, key, mu_k, pi_k = _lda_softmax_parts()
    quadratic, prior = _quadratic_and_prior(key, {pi_k: sp.S.One})
    return Target(
        "lda-softmax-theta0", "θ_{0,k} for K-class LDA (means μ_k, shared covariance Σ, priors π_k), where "
                              "a_k = θ_kᵀx + θ_{0,k}; a term that is the same for every class k may be added",
        key, "lda_softmax.THETA0_K",
        **_lda_softmax_declarations(mu_k, pi_k),
        modulo=(mu_k, pi_k),
        mistakes=(
            Mistake("missing-prior", quadratic, "the prior term log π_k is missing: the priors shift the "
                    "class scores", 0.5),
            Mistake("sigma-not-inverse", key.xreplace({SYM.P: SYM.Sigma}), _SIGMA_NOT_INVERSE, 0.25),
            Mistake("missing-half", 2 * quadratic + prior, "the factor ½ of −½μ_kᵀΣ⁻¹μ_k is missing", 0.5),
            Mistake("quadratic-sign", -quadratic + prior, "the quadratic term has the wrong sign: "
                    "θ_{0,k} = −½μ_kᵀΣ⁻¹μ_k + log π_k", 0.25),
        ),
        notes=("Answers that differ from the key by a term independent of k (one involving neither μ_k "
               "nor π_k) are accepted: such a term cancels in the softmax.",),
    )


def _softmax_symbols(with_labels: bool) -> tuple[SymbolDecl, ...]:
    out = (_decl(SYM.s, "s ≡ softmax(a), a K-vector"), _decl(SYM.a, "the logits, a K-vector"))
    return out + ((_decl(SYM.Y, "the one-hot label, a K-vector"),) if with_labels else ())


def _softmax_jacobian() -> Target:
    key = _key("softmax_ce_gradient", "JACOBIAN")
    s = SYM.s
    return Target(
        "softmax-jacobian", "∂s/∂a, the Jacobian of s = softmax(a): a K×K matrix, entry (i, j) = ∂s_i/∂a_j",
        key, "softmax_ce_gradient.JACOBIAN",
        symbols=_softmax_symbols(False), bindings=(Binding(s, Softmax(SYM.a)),),
        assumptions=(Real(SYM.a),),
        mistakes=(
            Mistake("missing-diagonal", -s * s.T, "the diagonal term is missing: ∂s_i/∂a_i = s_i − s_i², so "
                    "∂s/∂a = diag(s) − s sᵀ", 0.25),
            Mistake("diagonal-only", Diag(s), "the off-diagonal terms are missing: ∂s_i/∂a_j = −s_i s_j for "
                    "i ≠ j, so ∂s/∂a = diag(s) − s sᵀ", 0.25),
            Mistake("sigmoid-pattern", Diag(s - _square(s)), "that is only the diagonal, s_i(1 − s_i), as for a "
                    "sigmoid; the softmax couples the classes: −s_i s_j off the diagonal", 0.25),
        ),
    )


def _softmax_ce_gradient() -> Target:
    key = _key("softmax_ce_gradient", "GRADIENT_A")
    s, Y = SYM.s, SYM.Y
    return Target(
        "softmax-ce-gradient", "∇_a L for the cross-entropy L = −Σ_k y_k log s_k with s = softmax(a) "
                               "and y one-hot (a K-vector)",
        key, "softmax_ce_gradient.GRADIENT_A",
        symbols=_softmax_symbols(True), bindings=(Binding(s, Softmax(SYM.a)),),
        assumptions=(Real(SYM.a), OneHot(Y)),
        mistakes=(
            Mistake("sign", Y - s, "sign flipped: y − s is the gradient of the log-likelihood; the loss has "
                    "gradient s − y", 0.5),
            Mistake("dL/ds", -sp.HadamardProduct(Y, sp.HadamardPower(s, -1)), "that is ∂L/∂s = −y/s; multiply "
                    "by the softmax Jacobian diag(s) − s sᵀ to reach ∇_a L = s − y", 0.25),
            Mistake("missing-label", s, "the label is missing: ∇_a L = s − y", 0.25),
        ),
    )


def _softmax_two_class() -> Target:
    key = _key("softmax_properties", "SOFTMAX_TWO_CLASS")
    a0, a1 = _find(key, "a_0"), _find(key, "a_1")
    return Target(
        "softmax-two-class", "s₁ = softmax(a₀, a₁)₁ for K = 2, in terms of a₀ and a₁",
        key, "softmax_properties.SOFTMAX_TWO_CLASS",
        symbols=(_decl(a0, "the logit of class 0"), _decl(a1, "the logit of class 1")),
        assumptions=(Real(a0, a1),),
        mistakes=(
            Mistake("other-class", sigmoid(a0 - a1), "that is s₀, the probability of class 0: "
                    "s₁ = e^{a₁}/(e^{a₀} + e^{a₁}) = σ(a₁ − a₀)", 0.25),
            Mistake("missing-a0", sigmoid(a1), "a₀ is missing: only the difference a₁ − a₀ matters, "
                    "s₁ = σ(a₁ − a₀)", 0.25),
        ),
    )


def _boundary_distance() -> Target:
    key = _key("logistic_geometry", "BOUNDARY_DISTANCE")
    theta, theta0 = SYM.theta, SYM.theta0
    norm = sp.sqrt(Dot(theta, theta))
    return Target(
        "boundary-distance", "the signed distance from the origin to the decision boundary θᵀx + θ₀ = 0, "
                             "positive in the direction of θ",
        key, "logistic_geometry.BOUNDARY_DISTANCE",
        symbols=(_decl(theta, "the weights, a d-vector"), _decl(theta0, "the bias")),
        assumptions=(Real(theta, theta0),),
        mistakes=(
            Mistake("sign", theta0 / norm, "sign flipped: the boundary point nearest the origin is "
                    "−θ₀θ/‖θ‖², which lies along θ when θ₀ < 0", 0.5),
            Mistake("not-normalised", -theta0, "divide by ‖θ‖: θ is not a unit vector, so θᵀx + θ₀ is a "
                    "distance only after dividing by its length", 0.25),
            Mistake("squared-norm", -theta0 / Dot(theta, theta), "‖θ‖² instead of ‖θ‖: −θ₀/‖θ‖² is the "
                    "coefficient of θ in the nearest point, not its distance", 0.25),
            Mistake("unsigned", sp.Abs(theta0) / norm, "that is the unsigned distance; the signed one is "
                    "−θ₀/‖θ‖ (positive in the direction of θ)", 0.5),
        ),
    )


def _mlp_parts() -> SimpleNamespace:
    return SimpleNamespace(x=SYM.x, h=SYM.h, s=SYM.s, Y=SYM.Y, W1=SYM.W1, W2=SYM.W2, b1=SYM.b1, b2=SYM.b2)


def _mlp_bindings(n: SimpleNamespace) -> tuple[Binding, ...]:
    """h ≡ tanh(W₁x + b₁) and s ≡ softmax(W₂h + b₂), from the network as mlp_backprop defines it."""
    hidden = _key("mlp_backprop", "HIDDEN")
    probs = _key("mlp_backprop", "PROBS")
    return (Binding(n.h, hidden), Binding(n.s, probs.xreplace({hidden: n.h})))


def _mlp_target(name: str, constant: str, question: str, mistakes: Callable[[SimpleNamespace, sp.Basic], tuple]) -> Target:
    key = _key("mlp_backprop", constant)
    n = _mlp_parts()
    return Target(
        name, question, key, f"mlp_backprop.{constant}",
        symbols=(_decl(n.x, "the input, a d-vector"), _decl(n.h, "h ≡ tanh(W₁x + b₁), the hidden layer (m)"),
                 _decl(n.s, "s ≡ softmax(W₂h + b₂), the output (K)"), _decl(n.Y, "the one-hot label (K)"),
                 _decl(n.W1, "the first-layer weights, m×d"), _decl(n.W2, "the second-layer weights, K×m"),
                 _decl(n.b1, "the first-layer bias (m)"), _decl(n.b2, "the second-layer bias (K)")),
        bindings=_mlp_bindings(n),
        assumptions=(Real(n.x, n.W1, n.W2, n.b1, n.b2), OneHot(n.Y)),
        mistakes=mistakes(n, key),
    )


def _mlp_grad_w2() -> Target:
    def mistakes(n, key):
        return (
            Mistake("sign", (n.Y - n.s) * n.h.T, "sign flipped: the output error is s − y (the gradient of the "
                    "loss, not of the log-likelihood)", 0.5),
            Mistake("x-not-h", (n.s - n.Y) * n.x.T, "W₂ multiplies the hidden layer h, not the input x: "
                    "∂L/∂W₂ = (s − y)hᵀ", 0.25),
            Mistake("missing-h", n.s - n.Y, "that is ∂L/∂b₂; for W₂ multiply by hᵀ on the right: (s − y)hᵀ", 0.25),
        )
    return _mlp_target("mlp-grad-W2", "GRAD_W2", "∂L/∂W₂ for the network h = tanh(W₁x + b₁), s = softmax(W₂h + b₂) "
                       "and the cross-entropy loss (a K×m matrix)", mistakes)


def _mlp_grad_w1() -> Target:
    def mistakes(n, key):
        back = n.W2.T * (n.s - n.Y)
        m = n.h.shape[0]
        return (
            Mistake("sigmoid-prime", sp.HadamardProduct(back, n.h, _ones(m) - n.h) * n.x.T,
                    "sigmoid′ where tanh′ belongs: the hidden layer is h = tanh(·), whose derivative is "
                    "1 − h², not h(1 − h)", 0.5),
            Mistake("missing-activation", back * n.x.T, "the derivative of tanh is missing: multiply W₂ᵀ(s − y) "
                    "elementwise by 1 − h²", 0.25),
            Mistake("sign", -sp.HadamardProduct(back, _ones(m) - _square(n.h)) * n.x.T,
                    "sign flipped: the output error is s − y", 0.5),
            Mistake("h-not-x", sp.HadamardProduct(back, _ones(m) - _square(n.h)) * n.h.T,
                    "W₁ multiplies the input x, not h: the last factor is xᵀ", 0.25),
        )
    return _mlp_target("mlp-grad-W1", "GRAD_W1", "∂L/∂W₁ for the network h = tanh(W₁x + b₁), s = softmax(W₂h + b₂) "
                       "and the cross-entropy loss (an m×d matrix)", mistakes)


_BUILDERS: dict[str, Callable[[], Target]] = {
    "sigmoid-derivative": _sigmoid_derivative,
    "bce-loss": _bce_loss,
    "bce-dz": _bce_dz,
    "bce-gradient": _bce_gradient,
    "bce-gradient-bias": _bce_gradient_bias,
    "sgd-update": _sgd_update,
    "bce-hessian": _bce_hessian,
    "lda-theta": _lda_theta,
    "lda-theta0": _lda_theta0,
    "lda-softmax-theta": _lda_softmax_theta,
    "lda-softmax-theta0": _lda_softmax_theta0,
    "softmax-jacobian": _softmax_jacobian,
    "softmax-ce-gradient": _softmax_ce_gradient,
    "softmax-two-class": _softmax_two_class,
    "boundary-distance": _boundary_distance,
    "mlp-grad-W2": _mlp_grad_w2,
    "mlp-grad-W1": _mlp_grad_w1,
}

_CACHE: dict[str, Target] = {}


def target_names() -> list[str]:
    """Every target name, in the order the lecture meets them."""
    return list(_BUILDERS)


def get_target(name: str) -> Target:
    """The target called ``name``; ``UnknownTarget`` (a ValueError) listing the known names otherwise.

    A target whose derivation module cannot be loaded raises ``TargetUnavailable`` naming that module.
    """
    if name not in _BUILDERS:
        raise UnknownTarget(f"unknown target {name!r}; known: {', '.join(_BUILDERS)}")
    if name not in _CACHE:
        _CACHE[name] = _BUILDERS[name]()
    return _CACHE[name]


def all_targets() -> list[Target]:
    return [get_target(n) for n in _BUILDERS]
