"""The lecture's slips: what each one changes, what it does not, and the machine-checked evidence.

Two slips are known in the transcribed lecture (see its header):

1. the Gaussian normaliser is written ``1/((2π)^{d/2}|Σ|)`` where the density has
   ``|Σ|^{1/2}``.  It does not change the posterior (the normaliser cancels in Bayes' rule)
   but it does change the density as a likelihood: fitting Σ by maximum likelihood with the
   lecture's form halves the estimate;
2. in ``a_k = (Σ⁻¹μ_k)ᵀx − ½μ_kᵀΣ⁻¹μ_k + log P(k)`` both braces are labelled θ, where the
   second (the constant term) is the class intercept θ_{0,k}.  A label only: no formula changes.

Each erratum shows the lecture's form and the correct one, and then claims that settle it,
verified here with ``derive.verify_claim`` and shown with their marks, next to the steps of
the lecture's derivations that already cover the point (``lda-softmax``) when present.  A
note on the GPT-4 slide follows: its figures are not published by the model's makers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import sympy as sp
from sympy.core.relational import Relational

from derive.assumptions import Assumption, Positive, Real, SymmetricPositiveDefinite
from derive.ops import Dot, Grad
from derive.step import Derivation
from derive.symbols import P, Sigma, d, x
from derive.verify import StepResult, Verdict, verify_claim

from .document import claims_display, concludes
from .latex import LecturePrinter
from .text import prose

__all__ = ["Erratum", "ERRATA", "errata_section", "verify_erratum", "verify_errata"]

Results = Mapping[str, tuple[Derivation, Sequence[StepResult]]]


class Given(sp.Function):
    """p(a | b): a conditional density, printed with the bar the lecture uses."""

    nargs = 2

    def _latex(self, printer, exp=None) -> str:
        a, b = (printer._print(arg) for arg in self.args)
        return r"p\left(%s \,\middle|\, %s\right)" % (a, b)


@dataclass(frozen=True)
class Erratum:
    """One slip: what the lecture writes, what is meant, why it is harmless, and the checks."""

    title: str
    lhs: sp.Basic              # what the expression stands for (e.g. p(x | k))
    lecture: sp.Basic          # the lecture's expression, as written
    correct: sp.Basic          # what it should be
    why: str                   # prose
    claims: tuple[tuple[Relational, str, tuple[Assumption, ...]], ...]
    #: (derivation, index of a relation of its theorem) that settle the point too
    statements: tuple[tuple[str, int], ...] = ()


# Symbols of the errata.  The normaliser is checked for any dimension, as a positive real d,
# and |Σ| enters only as a positive number: a determinant of a positive-definite matrix.
_dim = sp.Symbol("d", positive=True)
_det = sp.Symbol("D_Sigma", positive=True)     # printed as |Σ|
_c = sp.Symbol("c", positive=True)             # any normaliser shared by the classes
_q = sp.symbols("q_1:4", real=True)            # the exponents −½(x − μ_k)ᵀΣ⁻¹(x − μ_k), k = 1, 2, 3
_pri = sp.symbols("pi_1:4", positive=True)     # the priors P(k)
_mu_k = sp.MatrixSymbol("mu_k", d, 1)
# d = 1 maximum likelihood of the variance v from n points with scatter S = Σ_i (x_i − μ)²
_v = sp.Symbol("v", positive=True)
_n = sp.Symbol("n", positive=True)
_S = sp.Symbol("S", positive=True)
_pi_k = sp.Symbol("pi_k", positive=True)
#: How the errata's stand-in symbols print.
SYMBOL_NAMES = {_det: r"\left|\boldsymbol{\Sigma}\right|"}


def _density(mu: sp.Basic, power: sp.Expr) -> sp.Expr:
    """exp(−½(x − μ)ᵀΣ⁻¹(x − μ)) / ((2π)^{d/2} |Σ|^power), held as the lecture writes it."""
    quad = Dot(x - mu, sp.MatMul(P, x - mu))
    norm = sp.Mul((2 * sp.pi) ** (d / 2), sp.Determinant(Sigma) ** power, evaluate=False)
    return sp.Mul(sp.Pow(norm, -1, evaluate=False), sp.exp(-quad / 2), evaluate=False)


def _posterior(normaliser: sp.Expr, k: int) -> sp.Expr:
    """Bayes' rule for class k of three, each density c·e^{q_j}: π_k c e^{q_k} / Σ_j π_j c e^{q_j}."""
    terms = [pr * normaliser * sp.exp(q) for pr, q in zip(_pri, _q)]
    return terms[k] / sp.Add(*terms)


def _log_normaliser(power: sp.Expr) -> sp.Expr:
    """log of 1/((2π)^{d/2}|Σ|^power), the normaliser's share of every a_k."""
    return sp.log(1 / ((2 * sp.pi) ** (_dim / 2) * _det ** power))


_LINEAR = Dot(sp.MatMul(P, _mu_k), x)
_CONSTANT = -Dot(_mu_k, sp.MatMul(P, _mu_k)) / 2 + sp.log(_pi_k)

ERRATA: tuple[Erratum, ...] = (
    Erratum(
        title="The Gaussian normaliser: |Σ| is written for |Σ|^{1/2}",
        lhs=Given(x, sp.Symbol("k")),
        lecture=_density(_mu_k, 1),
        correct=_density(_mu_k, sp.S.Half),
        why=("What it does not change: the posterior. The normaliser is the same for every class k; in Bayes' "
             "rule it is a common factor of the numerator and of every term of the denominator, and cancels, so "
             "either power of |Σ| gives the same posterior and the same classifier (claims 1 and 2; q_k stands "
             "for the exponent of class k). What it does change: the density itself, which with |Σ| no longer "
             "integrates to 1, and every estimate that uses it as a likelihood. Fitting the variance v of n "
             "points (d = 1, scatter S = Σ_i (x_i − μ)²) by maximum likelihood, the correct log-likelihood "
             "−(n/2) log v − S/(2v) is stationary at v̂ = S/n, the lecture's −n log v − S/(2v) at S/(2n): "
             "the estimate halves (claims 3 and 4). In d dimensions the same computation halves Σ̂."),
        claims=(
            (sp.Eq(_posterior(_c, 0), _posterior(1, 0), evaluate=False),
             "Bayes' rule for K = 3 classes: a normaliser c > 0 shared by every class cancels",
             (Positive(_c, *_pri), Real(*_q))),
            (sp.Eq(_log_normaliser(1) - _log_normaliser(sp.S.Half), -sp.log(_det) / 2, evaluate=False),
             "in a_k the two normalisers differ by −½ log|Σ|, the same for every class, which the softmax "
             "ignores (shift invariance)",
             (Positive(_det, _dim),)),
            (sp.Eq(sp.Derivative(-_n / 2 * sp.log(_v) - _S / (2 * _v), _v), (_S - _n * _v) / (2 * _v ** 2),
                   evaluate=False),
             "the correct log-likelihood of the variance: its derivative vanishes at v = S/n",
             (Positive(_v, _n, _S),)),
            (sp.Eq(sp.Derivative(-_n * sp.log(_v) - _S / (2 * _v), _v), (_S - 2 * _n * _v) / (2 * _v ** 2),
                   evaluate=False),
             "the lecture's log-likelihood, with |Σ| = v for |Σ|^{1/2}: its derivative vanishes at v = S/(2n), "
             "half the correct estimate",
             (Positive(_v, _n, _S),)),
        ),
        statements=(("lda-softmax", 1),),
    ),
    Erratum(
        title="The constant term of a_k is θ_{0,k}, not θ",
        lhs=_CONSTANT,
        lecture=sp.Symbol("theta"),
        correct=sp.Symbol("theta_0,k"),
        why=("A label, not a formula: nothing computed changes. In a_k = θ_kᵀx + θ_{0,k} the vector "
             "θ_k = Σ⁻¹μ_k multiplies x and the scalar θ_{0,k} does not depend on x: it is the class-k "
             "intercept. The lecture labels both braces θ; the second is θ_{0,k}. The gradients below separate "
             "the two: only the first brace depends on x."),
        claims=(
            (sp.Eq(Grad(_LINEAR + _CONSTANT, x), sp.MatMul(P, _mu_k), evaluate=False),
             "the gradient of a_k in x is θ_k = Σ⁻¹μ_k: the first brace is θ_kᵀx",
             (SymmetricPositiveDefinite(P), Positive(_pi_k))),
            (sp.Eq(Grad(_CONSTANT, x), sp.ZeroMatrix(d, 1), evaluate=False),
             "the second brace does not depend on x: it is the intercept θ_{0,k}",
             (SymmetricPositiveDefinite(P), Positive(_pi_k))),
        ),
        statements=(("lda-softmax", 0),),
    ),
)


#: The lecture's GPT-4 slide compares the model with a brain in neurons, parameters and layers.
GPT4_NOTE = ("The lecture's slide on GPT-4 gives it $10^{6}$ neurons, $10^{11}$ parameters and 100 layers. "
             "Its makers have not published the model's size or architecture, so these figures are not "
             "established; read them as an order-of-magnitude illustration only. No result of these notes "
             "depends on them.")


def verify_erratum(erratum: Erratum) -> list[StepResult]:
    """Verify the claims of one erratum (seeded, like every verification)."""
    return [verify_claim(claim, assumptions, seed=100 * i) for i, (claim, _, assumptions) in enumerate(erratum.claims)]


def verify_errata() -> list[list[StepResult]]:
    """The results of every erratum's claims, in the order of ``ERRATA``."""
    return [verify_erratum(e) for e in ERRATA]


def _chain_result(d: Derivation, rs: Sequence[StepResult], k: int) -> tuple[StepResult, int] | None:
    """One result for the chain of ``d`` that concludes relation ``k`` of its theorem, and its length.

    Proved when every step is; otherwise the first step that is not, with its counterexample.
    """
    chain = next((c for c in d.chains() if concludes(d, c) == k), None)
    if chain is None:
        return None
    chain_results = [rs[i] for i in chain]
    worst = next((r for r in chain_results if r.verdict is not Verdict.PROVED), None)
    if worst is None:
        methods = ", ".join(dict.fromkeys(r.method.split(" (")[0] for r in chain_results))
        every = "its step" if len(chain) == 1 else f"all {len(chain)} steps"
        return StepResult(Verdict.PROVED, f"{every} ({methods})"), len(chain)
    step = chain[chain_results.index(worst)] + 1
    return StepResult(worst.verdict, f"step {step}: {worst.method}", counterexample=worst.counterexample), len(chain)


def _from_derivations(e: Erratum, results: Results, printer: LecturePrinter, number: int) -> str:
    """The theorems of the lecture's derivations that settle the erratum, with their chains' badges."""
    rows, cited = [], {}
    for name, k in e.statements:
        if name not in results or k >= len(results[name][0].statement):
            continue
        d, rs = results[name]
        found = _chain_result(d, rs, k)
        if found is None:
            continue
        result, length = found
        part = "i ii iii iv v vi".split()[k] if k < 6 else str(k + 1)
        # a placeholder word, through the prose converter, then the reference "Theorem 2(ii)"
        marker = "QQREF%sQQ" % chr(ord("A") + len(cited))
        cited[marker] = r"Theorem~\ref{sec:%s}(%s)" % (name, part)
        why = marker + ", " + ("one step" if length == 1 else f"a chain of {length} steps")
        rows.append((d.statement[k], why, result))
    if not rows:
        return ""
    refs = ", ".join(r"\hyperref[sec:%s]{%s}" % (n, prose(results[n][0].title)) for n, _ in e.statements if n in results)
    shown = claims_display(rows, number, printer)
    for marker, tex in cited.items():
        shown = shown.replace(marker, tex)
    return "The lecture's derivations settle it too (" + refs + "):\n\n" + shown


def errata_section(results: Results, checks: Sequence[Sequence[StepResult]] | None = None) -> str:
    """The errata as a LaTeX section, each with its verified claims.

    ``results`` maps derivation names to (derivation, results) for the cross-references;
    ``checks`` are the errata's own results from ``verify_errata`` (computed here if None).
    """
    if checks is None:
        checks = verify_errata()
    parts = [r"\section{Lecture errata}\label{sec:errata}",
             "The transcribed lecture has two slips. The first leaves every posterior and every classifier "
             "unchanged but changes the Gaussian density as a likelihood, so it halves the maximum-likelihood "
             "covariance; the second is a label only. The claims under each are checked by the same verifier as "
             "the derivations."]
    number = 1
    for k, (e, e_checks) in enumerate(zip(ERRATA, checks), start=1):
        printer = LecturePrinter({"symbol_names": SYMBOL_NAMES})
        lhs = printer.doprint(e.lhs)
        parts.append(r"\subsection*{%d.\ %s}" % (k, prose(e.title)))
        parts.append(r"The lecture writes" + "\n" + r"\[ %s = %s, \]" % (lhs, printer.doprint(e.lecture))
                     + "\nwhere it means\n" + r"\[ %s = %s. \]" % (lhs, printer.doprint(e.correct)))
        parts.append(prose(e.why))
        parts.append(claims_display([(c, why, r) for (c, why, _), r in zip(e.claims, e_checks)], number, printer))
        number += len(e_checks)
        settled = _from_derivations(e, results, printer, number)
        if settled:
            parts.append(settled)
            number += len(e.statements)
    parts.append(r"\subsection*{A note on the GPT-4 slide}" + "\n" + GPT4_NOTE)
    return "\n\n".join(parts)
