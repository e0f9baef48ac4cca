"""The front matter of the lecture notes: the notation table and the summary of results.

Every formula in both tables is a constant of ``derive`` printed by the lecture's printer,
with the named quantities of ``reports.names``; only the words are written here.
"""

from __future__ import annotations

import importlib
from typing import Mapping

import sympy as sp

from derive import symbols as S
from derive.functions import sigmoid
from derive.ops import GradMatrix

from .latex import LecturePrinter
from .names import delta1, names_for, named
from .text import prose

__all__ = ["notation_section", "summary_section"]

_P = LecturePrinter()


def _m(name: str):
    return importlib.import_module(f"derive.derivations.{name}")


def _math(expr: sp.Basic, derivation: str = "", keep: str = "") -> str:
    """``expr`` in the derivation's names, except the name ``keep`` (so L's own formula shows)."""
    names = [n for n in names_for(derivation) if not keep or str(n.symbol) != keep] if derivation else []
    return "$%s$" % _P.doprint(named(expr, names))


def _conventions() -> list[tuple[str, str]]:
    return [
        (r"$\mathbf{x}$, $\boldsymbol{\theta}$, $\mathbf{W}$",
         "bold: vectors (columns) and matrices; italic: scalars. Indices of features and classes start at 1; "
         "the two classes of the binary model are 0 and 1 (so μ₀, μ₁, π₀, π₁)"),
        (r"$d$, $K$, $m$, $n$", "features, classes, hidden units, examples"),
        (r"$y$, $\mathbf{y}$", "a label: y ∈ {0, 1} (binary), or a one-hot K-vector"),
        (r"$\boldsymbol{\theta}$, $\theta_{0}$",
         "weights and bias of logistic regression (other texts: w, b); for K classes Θ (a K×d matrix) and the "
         "K-vector θ₀"),
        (r"$\mathbf{W}_{1}, \mathbf{b}_{1}, \mathbf{W}_{2}, \mathbf{b}_{2}$",
         "weights and biases of the hidden and the output layer of the network"),
        (r"$\boldsymbol{\mu}_{k}$, $\boldsymbol{\Sigma}$, $\pi_{k}$",
         "class means, the shared covariance (symmetric positive-definite) and the priors"),
        (r"$\boldsymbol{\Sigma}^{-1}$, $\left|\boldsymbol{\Sigma}\right|$",
         "the precision matrix (the proofs write P for it) and the determinant"),
        (r"$\sum_{k}$", "a sum over k (the covariance is the bold Σ)"),
        (r"$\varepsilon$", "the learning rate of gradient descent"),
        (r"$\sigma(z)$", "the logistic sigmoid 1/(1 + e^{−z})"),
        (r"$\operatorname{softmax}(\mathbf{a})$", "the vector with entries e^{a_k} / Σ_j e^{a_j}"),
        (r"$\mathbf{1}$, $\mathbf{I}$, $\mathbf{e}_{k}$", "the vector of ones, the identity, the k-th unit vector"),
        (r"$\odot$, $\oslash$", "entrywise product and quotient of two vectors of one shape"),
        (r"$\operatorname{diag}(\mathbf{s})$", "the diagonal matrix with the vector s on its diagonal"),
        (r"$\operatorname{vecdiag}(\mathbf{A})$", "the column of the diagonal entries of the square matrix A"),
        (r"$[f_{k}]_{k}$", "the K-vector with entries f_1, …, f_K"),
        (r"$\mathcal{N}(\mathbf{x} \mid \boldsymbol{\mu}, \boldsymbol{\Sigma})$", "the Gaussian density"),
    ]


def _named_rows() -> list[tuple[str, str]]:
    """The named quantities of the whole chapter, each once, with its definition and section.

    A symbol named again in a later section with another formula (L for K classes) gets that
    formula added to its row ("then also"), so the table defines each symbol in one place."""
    rows: dict[str, list[str]] = {}
    for derivation in ("bce-gradient", "logistic-geometry", "softmax-ce-gradient", "mlp-backprop"):
        names = names_for(derivation)
        for k, n in enumerate(names):
            if not n.words:
                continue
            sym = "$%s$" % _P.doprint(n.symbol)
            others = [o for o in names[:k] + names[k + 1:] if o.symbol != n.symbol]
            meaning = "$%s$" % _P.doprint(named(n.meaning, others))
            where = r"Section~\ref{sec:%s}" % derivation
            if sym not in rows:
                rows[sym] = ["%s, %s (%s)" % (meaning, prose(n.words), where)]
            elif not any(meaning in r for r in rows[sym]):
                rows[sym].append("%s (%s)" % (meaning, where))
    return [(sym, "; then also ".join(parts[:1] + [" and ".join(parts[1:])]) if len(parts) > 1 else parts[0])
            for sym, parts in rows.items()]


def notation_section() -> str:
    """The notation table: conventions, symbols and the named quantities."""
    lines = [r"%s & %s \\" % (sym, what if what.startswith("$") else prose(what)) for sym, what in _conventions()]
    lines.append(r"\midrule")
    lines.extend(r"%s & %s \\" % row for row in _named_rows())
    return ("\\section*{Notation}\\addcontentsline{toc}{section}{Notation}\\label{sec:notation}\n"
            "\\begin{longtable}{@{}>{\\raggedright\\arraybackslash}p{0.27\\linewidth} "
            ">{\\raggedright\\arraybackslash}p{0.69\\linewidth}@{}}\n"
            "\\caption{Notation. Below the rule: the named quantities, each defined once, in the section "
            "given.}\\label{tab:notation}\\\\\n\\toprule\nSymbol & Meaning \\\\\n\\midrule\n\\endfirsthead\n"
            + "\n".join(lines) + "\n\\bottomrule\n\\end{longtable}")


def _summary_rows() -> list[tuple[str, ...]]:
    bce, nll, sgd = _m("bce_gradient"), _m("bernoulli_nll"), _m("sgd_update")
    sce, mlp, lda = _m("softmax_ce_gradient"), _m("mlp_backprop"), _m("lda_logistic")
    theta_k = S.eps * sce.GRADIENT_THETA
    binary = ("Logistic regression", "sgd-update",
              _math(sp.Eq(S.p, sigmoid(bce.LOGIT), evaluate=False), "bce-gradient", keep="p"),
              _math(nll.LOSS), _math(bce.GRADIENT, "bce-gradient"),
              r"$\boldsymbol{\theta} \leftarrow %s$" % _math(sgd.UPDATE, "sgd-update").strip("$"))
    softmax = ("Softmax regression", "softmax-ce-gradient", r"$\mathbf{s} = \operatorname{softmax}(\mathbf{a})$",
               _math(sce.LOSS, "softmax-ce-gradient", keep="L"),
               _math(sce.GRADIENT_THETA, "softmax-ce-gradient"),
               r"$\boldsymbol{\Theta} \leftarrow \boldsymbol{\Theta} - %s$" % _P.doprint(
                   named(theta_k, names_for("softmax-ce-gradient"))))
    network = ("Network, one tanh layer", "mlp-backprop", r"$\mathbf{s} = \operatorname{softmax}(\mathbf{a})$",
               r"$-\mathbf{y}^{\top}\log\mathbf{s}$",
               "$%s = %s$, $%s = %s$" % (_P.doprint(GradMatrix(sp.Symbol("L"), S.W2)),
                                         _P.doprint(named(mlp.GRAD_W2, names_for("mlp-backprop"))),
                                         _P.doprint(GradMatrix(sp.Symbol("L"), S.W1)),
                                         _P.doprint(sp.MatMul(delta1, S.x.T))),
               r"$\mathbf{W} \leftarrow \mathbf{W} - \varepsilon\, \partial L / \partial \mathbf{W}$ for each layer")
    gaussian = ("Two Gaussian classes (LDA)", "lda-logistic", r"$p = \sigma(\boldsymbol{\theta}^{\top}\mathbf{x} + \theta_{0})$",
                "none: plug-in estimates", "none: closed form", _math(sp.Eq(S.theta, lda.THETA, evaluate=False)))
    return [binary, softmax, network, gaussian]


def summary_section(refs: Mapping[str, str]) -> str:
    """The summary of results: model → output → loss → gradient → update, with the theorem."""
    rows = []
    for model, derivation, output, loss, gradient, update in _summary_rows():
        ref = refs.get(derivation, "")
        rows.append(r"%s%s & %s & %s & %s & %s \\" % (model, (" (" + ref + ")") if ref else "", output, loss,
                                                       gradient, update))
    return ("\\section*{Summary of results}\\addcontentsline{toc}{section}{Summary of results}\\label{sec:summary}\n"
            "\\begin{table}[htbp]\n\\centering\n\\caption{Summary of results: each model's output, the loss of one "
            "example, its gradient and one step of gradient descent with learning rate $\\varepsilon$.}"
            "\\label{tab:summary}\n\\renewcommand{\\arraystretch}{1.3}\n"
            "\\begin{tabular}{@{}>{\\raggedright\\arraybackslash}p{0.15\\linewidth}"
            ">{\\raggedright\\arraybackslash}p{0.13\\linewidth}>{\\raggedright\\arraybackslash}p{0.19\\linewidth}"
            ">{\\raggedright\\arraybackslash}p{0.19\\linewidth}>{\\raggedright\\arraybackslash}p{0.22\\linewidth}@{}}\n"
            "\\toprule\nModel & Output & Loss $L$ & Gradient & Update \\\\\n\\midrule\n"
            + "\n".join(rows) + "\n\\bottomrule\n\\end{tabular}\n\\end{table}")
