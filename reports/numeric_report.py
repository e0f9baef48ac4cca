"""The numeric experiments appendix: training curves, and generative against discriminative boundaries.

Both experiments train ``numeric``'s estimators, whose kernels are generated from the
derivations, on seeded synthetic data:

* **training curves**: J(θ_t) − J* per iteration for each solver of
  ``numeric.LogisticRegression`` (Newton, L-BFGS, gradient descent, SGD) on one data set;
* **generative against discriminative**: the boundary θᵀx + θ₀ = 0 of ``GaussianLDA`` (plug-in
  estimates through the formulas of ``lda-logistic``) and of ``LogisticRegression`` (maximum
  likelihood), on data drawn from the LDA model and on data that violates it (class 1 has a
  second, distant cluster), with the true Bayes boundary θ = Σ⁻¹(μ₁ − μ₀) where it exists.

``numeric_section`` returns the appendix as LaTeX ('' when ``numeric`` lacks the estimators).
It imports ``numeric`` only when called, so ``reports`` never needs it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["numeric_section", "numeric_available", "model_data", "violating_data", "SEED"]

SEED = 20240919          # the lecture's date: every draw below is seeded from it
N_TRAIN, N_TEST = 4000, 4000
MU = (np.array([-1.0, -0.5]), np.array([1.0, 0.8]))
SIGMA = np.array([[1.0, 0.5], [0.5, 1.2]])
PRIOR1 = 0.4
#: The data that violates the model: a quarter of class 1 forms a tight cluster far away.
FAR_CLUSTER, FAR_SHARE, FAR_SPREAD = np.array([6.0, 0.0]), 0.25, 0.3
SOLVERS = ("newton", "lbfgs", "gd", "sgd")
L2 = 1e-3


def numeric_available() -> bool:
    """True when ``numeric`` exposes the estimators this appendix trains."""
    try:
        from numeric import GaussianLDA, LogisticRegression  # noqa: F401
    except ImportError:
        return False
    return True


def model_data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n points from the LDA model: y ~ Bernoulli(π₁), x | y ~ N(μ_y, Σ) with a shared Σ."""
    y = (rng.random(n) < PRIOR1).astype(float)
    X = np.empty((n, 2))
    for k in (0, 1):
        rows = y == k
        X[rows] = rng.multivariate_normal(MU[k], SIGMA, size=int(rows.sum()))
    return X, y


def violating_data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The model data, except that a share of class 1 is drawn from a distant tight cluster.

    x | y = 1 is then no longer Gaussian: its mean and the pooled covariance move toward the
    cluster, which pulls the LDA boundary, while the points near the boundary are unchanged.
    """
    X, y = model_data(rng, n)
    ones = np.flatnonzero(y == 1)
    far = ones[rng.random(len(ones)) < FAR_SHARE]
    X[far] = rng.multivariate_normal(FAR_CLUSTER, FAR_SPREAD * np.eye(2), size=len(far))
    return X, y


def true_parameters() -> tuple[np.ndarray, float]:
    """The Bayes θ and θ₀ of the model data, from lda-logistic's formulas (Σ⁻¹ = P)."""
    from derive.derivations.lda_logistic import THETA, THETA0
    from derive.symbols import P, mu0, mu1, pi0, pi1
    from numeric.codegen import lambdify_numpy

    theta, theta0 = lambdify_numpy((P, mu0, mu1, pi0, pi1), [THETA, THETA0])(
        np.linalg.inv(SIGMA), MU[0][:, None], MU[1][:, None], 1 - PRIOR1, PRIOR1)
    return np.asarray(theta, dtype=float).ravel(), float(theta0)


@dataclass
class _Fit:
    theta: np.ndarray
    theta0: float
    accuracy: float


def _fit_both(X, y, X_test, y_test) -> dict[str, _Fit]:
    from numeric import GaussianLDA, LogisticRegression

    out = {}
    for label, model in (("logistic", LogisticRegression(solver="newton")), ("lda", GaussianLDA())):
        model.fit(X, y)
        accuracy = float(np.mean(model.predict(X_test) == y_test))
        out[label] = _Fit(np.asarray(model.coef_, dtype=float), float(model.intercept_), accuracy)
    return out


def _curves(X, y) -> dict[str, list[float]]:
    from numeric import LogisticRegression

    curves = {}
    for solver in SOLVERS:
        values: list[float] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # SGD stops at max_iter by design
            LogisticRegression(l2=L2, solver=solver, seed=SEED).fit(X, y, callback=lambda i, J: values.append(J))
        curves[solver] = values
    return curves


def _draw_curves(path: Path, curves: dict[str, list[float]]) -> float:
    from matplotlib.figure import Figure

    from .figures import BLUE, GREEN, GREY, ORANGE

    best = min(min(v) for v in curves.values())
    fig = Figure(figsize=(6.2, 2.7))
    ax = fig.add_subplot()
    names = {"newton": "Newton", "lbfgs": "L-BFGS", "gd": "gradient descent", "sgd": "SGD (per epoch)"}
    for (solver, values), colour in zip(curves.items(), (BLUE, ORANGE, GREEN, GREY)):
        gap = np.maximum(np.asarray(values) - best, 1e-16)
        ax.plot(np.arange(1, len(gap) + 1), gap, marker="o" if len(gap) < 30 else None, ms=3,
                color=colour, label=f"{names[solver]} ({len(values)} it.)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel(r"$J(\theta_t) - J^*$")
    ax.set_ylim(1e-16, None)
    # the legend sits beside the axes, where it cannot cover the curves it labels
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    fig.savefig(path)
    return best


def _boundary(ax, theta: np.ndarray, theta0: float, **style) -> None:
    x1 = np.linspace(*ax.get_xlim(), 2)
    ax.plot(x1, -(theta0 + theta[0] * x1) / theta[1], **style)


def _draw_boundaries(path: Path, panels: list[tuple[str, np.ndarray, np.ndarray, dict[str, _Fit], tuple | None]]) -> None:
    from matplotlib.figure import Figure

    from .figures import BLUE, ORANGE, RED

    fig = Figure(figsize=(6.4, 2.9))
    spans = [(-4.0, max(4.0, float(np.max(X[:, 0])) + 0.5)) for _, X, _, _, _ in panels]
    axes = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [hi - lo for lo, hi in spans]})
    for ax, span, (title, X, y, fits, truth) in zip(axes, spans, panels):
        ax.set_xlim(*span)
        ax.set_ylim(-4, 4)
        shown = slice(0, 600)
        ax.scatter(*X[shown][y[shown] == 0].T, s=5, color=ORANGE, alpha=0.5, lw=0, label="class 0")
        ax.scatter(*X[shown][y[shown] == 1].T, s=5, color=BLUE, alpha=0.5, lw=0, label="class 1")
        _boundary(ax, fits["logistic"].theta, fits["logistic"].theta0, color="black", lw=1.5,
                  label="logistic regression")
        _boundary(ax, fits["lda"].theta, fits["lda"].theta0, color=RED, lw=1.5, ls="--", label="Gaussian LDA")
        if truth is not None:
            _boundary(ax, truth[0], truth[1], color="#555555", lw=1.0, ls=":", label=r"Bayes: $\Sigma^{-1}(\mu_1-\mu_0)$")
        ax.set_xlim(*span)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=9.5)
        ax.set_xlabel(r"$x_1$")
    axes[0].set_ylabel(r"$x_2$")
    fig.tight_layout(w_pad=1.0)
    # one legend below both panels, where it covers neither points nor boundaries
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=5, fontsize=7.5,
               frameon=False, markerscale=2)
    fig.savefig(path)


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    cos = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def _vector(v: np.ndarray) -> str:
    return "(%s)" % ", ".join("%.3f" % x for x in v)


def numeric_section(figure_dir: Path, relative: str) -> str:
    """The appendix as LaTeX, with its two figures drawn into ``figure_dir`` ('' without numeric).

    ``relative`` is how the .tex file names ``figure_dir``.  Should the experiments fail, the
    notes go without them and a warning says why.
    """
    if not numeric_available():
        return ""
    try:
        return _section(figure_dir, relative)
    except Exception as exc:  # noqa: BLE001 - numeric is another package; the notes stand without it
        warnings.warn(f"numeric experiments skipped: {type(exc).__name__}: {exc}", RuntimeWarning)
        return ""


def _fits_table(model_fits: dict, violating_fits: dict, truth: tuple) -> str:
    """The fitted boundaries and their test accuracy on both data sets, as a captioned table."""
    rows = []
    for label, fits, true in (("LDA model", model_fits, truth), ("distant cluster", violating_fits, None)):
        for name, key in (("logistic regression", "logistic"), ("Gaussian LDA", "lda")):
            f = fits[key]
            rows.append(r"%s & %s & $%s$ & $%.3f$ & %.3f \\" % (label, name, _vector(f.theta), f.theta0, f.accuracy))
            label = ""
        if true is not None:
            rows.append(r" & Bayes (true $\Sigma^{-1}(\mu_1-\mu_0)$) & $%s$ & $%.3f$ & -- \\" % (_vector(true[0]), true[1]))
        rows.append(r"\addlinespace")
    return ("\\begin{table}[htbp]\n\\centering\n\\caption{The fitted boundaries $\\boldsymbol{\\theta}^{\\top}"
             "\\mathbf{x} + \\theta_0 = 0$ and their test accuracy, on the model data and on data with a distant "
             "cluster.}\\label{tab:boundaries}\n\\begin{tabular}{@{}llrrr@{}}\n\\toprule\n"
             "data & fit & $\\boldsymbol{\\theta}$ & $\\theta_0$ & test accuracy \\\\\n\\midrule\n"
             + "\n".join(rows[:-1]) + "\n\\bottomrule\n\\end{tabular}\n\\end{table}")


def _section(figure_dir: Path, relative: str) -> str:
    import matplotlib

    from .figures import STYLE

    rng = np.random.default_rng(SEED)
    X, y = model_data(rng, N_TRAIN)
    X_test, y_test = model_data(rng, N_TEST)
    V, v = violating_data(rng, N_TRAIN)
    V_test, v_test = violating_data(rng, N_TEST)
    truth = true_parameters()
    model_fits = _fit_both(X, y, X_test, y_test)
    violating_fits = _fit_both(V, v, V_test, v_test)
    curves = _curves(X, y)
    figure_dir.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(STYLE):
        best = _draw_curves(figure_dir / "training.pdf", curves)
        _draw_boundaries(figure_dir / "boundaries.pdf", [
            ("data from the LDA model", X, y, model_fits, truth),
            ("class 1 with a distant cluster", V, v, violating_fits, None)])
    table = _fits_table(model_fits, violating_fits, truth)
    better = violating_fits["logistic"].accuracy >= violating_fits["lda"].accuracy
    verdict = ("the discriminative fit, which assumes nothing about $p(\\mathbf{x}\\,|\\,k)$, classifies "
               "at least as well" if better else "here the generative fit still classifies better")
    agree = _angle(model_fits["logistic"].theta, model_fits["lda"].theta)
    disagree = _angle(violating_fits["logistic"].theta, violating_fits["lda"].theta)
    iterations = ", ".join("%s %d" % (s, len(c)) for s, c in curves.items())
    return "\n\n".join([
        r"\section{Numeric experiments}\label{sec:numeric}",
        r"The estimators of \textsf{numeric} train with kernels generated from the derivations above: "
        r"the loss of Theorem~\ref{sec:bernoulli-nll}, the gradient $(p - y)\mathbf{x}$ of "
        r"Theorem~\ref{sec:bce-gradient}, and, for Gaussian LDA, the parameters of "
        r"Theorem~\ref{sec:lda-logistic}. The data are synthetic and seeded "
        r"(seed %d; %d training and %d test points per data set)." % (SEED, N_TRAIN, N_TEST),
        r"\paragraph{Training curves.} Figure~\ref{fig:training} follows the objective "
        r"$J = \frac{1}{n}\sum_i \ell_i + \frac{\lambda}{2}\lVert\boldsymbol{\theta}\rVert^2$ "
        r"($\lambda = 10^{-3}$) on the model data for each solver; $J^* = %.10f$ is the lowest value "
        r"reached. Iterations: %s." % (best, iterations),
        "\\begin{figure}[htbp]\n\\centering\n\\includegraphics[width=\\linewidth]{%s/training.pdf}\n"
        "\\caption{Training curves of logistic regression on the model data: for each solver, the gap "
        "between the objective and the lowest value any solver reached, per iteration (per epoch for "
        "SGD).}\\label{fig:training}\n\\end{figure}" % relative,
        r"\paragraph{Generative against discriminative.} On data drawn from the LDA model both routes "
        r"estimate the same boundary, the Bayes boundary of Theorem~\ref{sec:lda-logistic}: "
        r"their normals differ by %.2f$^\circ$. When a quarter of class 1 is moved to a distant cluster, "
        r"$p(\mathbf{x}\,|\,1)$ is no longer Gaussian: the plug-in mean and covariance follow the "
        r"cluster, the two fits disagree by %.1f$^\circ$, and %s "
        r"(Figure~\ref{fig:boundaries} and the table)." % (agree, disagree, verdict),
        table,
        "\\begin{figure}[htbp]\n\\centering\n\\includegraphics[width=0.95\\linewidth]{%s/boundaries.pdf}\n"
        "\\caption{Decision boundaries of logistic regression (maximum likelihood) and of Gaussian LDA "
        "(plug-in estimates through the derived formulas). Left: the LDA model holds and both agree with "
        "the Bayes boundary. Right: class 1 has a distant cluster; LDA's estimates follow it and its boundary "
        "turns away from the data near the boundary.}\\label{fig:boundaries}\n"
        "\\end{figure}" % relative,
    ])
