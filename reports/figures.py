"""Figures computed from the derived formulas, drawn with matplotlib as vector PDF.

Every curve comes from a SymPy expression that a derivation proved, turned into NumPy with
``lambdify`` — never a second, hand-typed copy of the formula:

* ``sigmoid``: σ and σ′ = σ(1 − σ) (``sigmoid-derivative``);
* ``geometry``: p = σ(θᵀx + θ₀) over the plane, the boundary θᵀx + θ₀ = 0, θ drawn at the
  boundary, and the boundary's shift −θ₀/‖θ‖ (``logistic-geometry``, ``bce-gradient``);
* ``softmax``: softmax(a) as one logit grows, and softmax(t·a) as the scale t grows
  (``softmax-properties``);
* ``lda``: two Gaussian class densities and the posterior σ(θx + θ₀) with θ, θ₀ from
  ``lda-logistic``, checked against Bayes' rule evaluated directly.

``FIGURES`` lists them with the derivation whose section shows each; ``make_figures``
draws those whose derivation is present.  matplotlib's object API is used (no pyplot), so
drawing touches no global state and needs no display.
"""

from __future__ import annotations

import importlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import sympy as sp
from scipy.special import expit, log_expit

from derive.assumptions import instantiate
from derive.functions import sigmoid

__all__ = ["FigureSpec", "FIGURES", "make_figures", "numeric_function", "STYLE"]

#: matplotlib settings shared by every figure: Computer Modern, to match the text.
STYLE = {
    "font.family": "serif", "font.serif": ["cmr10"], "mathtext.fontset": "cm",
    "axes.formatter.use_mathtext": True, "axes.unicode_minus": True,
    "font.size": 9.5, "axes.titlesize": 10, "axes.labelsize": 10, "legend.fontsize": 8.5,
    "xtick.labelsize": 8.5, "ytick.labelsize": 8.5, "axes.spines.top": False,
    "axes.spines.right": False, "lines.linewidth": 1.6, "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03, "axes.grid": True, "grid.alpha": 0.25, "grid.linewidth": 0.5,
}
BLUE, ORANGE, GREEN, GREY, RED = "#2E5E9E", "#D9731A", "#3A8A4A", "#6B6B6B", "#B3001B"


def numeric_function(expr: sp.Basic, symbols: Sequence[sp.Symbol]) -> Callable:
    """``expr`` as a NumPy function of ``symbols``; σ is ``scipy.special.expit``."""
    modules = [{"sigmoid": expit, "softplus": lambda u: -log_expit(-u)}, "numpy"]
    return sp.lambdify(list(symbols), expr, modules=modules, cse=True)


def _module(name: str):
    return importlib.import_module(f"derive.derivations.{name}")


def _new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


# -- σ and σ′ ----------------------------------------------------------------------------

def draw_sigmoid(path: Path) -> None:
    """σ(z) and σ′(z) = σ(z)(1 − σ(z)) on [−6, 6], σ′ peaking at 1/4 at z = 0."""
    sd = _module("sigmoid_derivative")
    z = sd.z
    s = numeric_function(sigmoid(z), [z])
    ds = numeric_function(sd.DERIVATIVE, [z])
    zz = np.linspace(-6, 6, 400)
    fig = _new_figure(5.6, 2.5)
    ax = fig.add_subplot()
    ax.plot(zz, s(zz), color=BLUE, label=r"$\sigma(z)$")
    ax.plot(zz, ds(zz), color=ORANGE, label=r"$\sigma'(z) = \sigma(z)\,(1-\sigma(z))$")
    ax.axhline(0.25, color=GREY, lw=0.8, ls=":")
    ax.annotate(r"$\sigma'(0) = 1/4$", xy=(0, 0.25), xytext=(1.3, 0.34), fontsize=8.5,
                arrowprops={"arrowstyle": "-", "color": GREY, "lw": 0.7})
    ax.set_xlabel(r"$z$")
    ax.set_ylim(-0.03, 1.05)
    ax.set_xlim(-6, 6)
    ax.legend(loc="upper left", frameon=False)
    fig.savefig(path)


# -- the geometry of θ -------------------------------------------------------------------

#: The example model of the geometry figure.
GEOMETRY_THETA = (1.6, 0.8)
GEOMETRY_THETA0 = -1.6


def _logistic_plane():
    """p(x) = σ(θᵀx + θ₀) at d = 2, as a NumPy function of (θ₁, θ₂, θ₀, x₁, x₂)."""
    from derive.symbols import d, theta, theta0, x

    bce = _module("bce_gradient")
    inst = instantiate(sigmoid(bce.LOGIT), (), {d: 2})
    th, xx = inst.entries[theta.subs(d, 2)], inst.entries[x.subs(d, 2)]
    return numeric_function(inst.expr.doit(), [th[0], th[1], theta0, xx[0], xx[1]])


def _boundary_distance() -> Callable:
    """The signed distance of the boundary from the origin, −θ₀/‖θ‖, from logistic-geometry."""
    geo = _module("logistic_geometry")
    from derive.symbols import d, theta, theta0

    inst = instantiate(geo.BOUNDARY_DISTANCE, (), {d: 2})
    th = inst.entries[theta.subs(d, 2)]
    return numeric_function(inst.expr.doit(), [th[0], th[1], theta0])


def draw_geometry(path: Path) -> None:
    """The plane coloured by p = σ(θᵀx + θ₀), the boundary, θ at the boundary, and the shift by θ₀."""
    t1, t2 = GEOMETRY_THETA
    t0 = GEOMETRY_THETA0
    p = _logistic_plane()
    distance = float(_boundary_distance()(t1, t2, t0))
    theta = np.array([t1, t2])
    unit = theta / np.linalg.norm(theta)
    g1, g2 = np.meshgrid(np.linspace(-3, 3, 241), np.linspace(-3, 3, 241))
    fig = _new_figure(4.6, 3.9)
    ax = fig.add_subplot()
    ax.grid(False)
    levels = np.linspace(0, 1, 11)
    shade = ax.contourf(g1, g2, p(t1, t2, t0, g1, g2), levels=levels, cmap="RdBu", alpha=0.55, vmin=-0.1, vmax=1.1)
    cbar = fig.colorbar(shade, ax=ax, shrink=0.85, pad=0.02)
    cbar.set_label(r"$p(1\,|\,\mathbf{x}) = \sigma(\boldsymbol{\theta}^\top\mathbf{x} + \theta_0)$")
    along = np.array([-unit[1], unit[0]])
    ts = np.linspace(-6, 6, 2)
    foot = distance * unit                       # the boundary's point nearest the origin
    line = foot[:, None] + along[:, None] * ts
    ax.plot(*line, color="black", lw=1.6, label=r"boundary $\boldsymbol{\theta}^\top\mathbf{x} + \theta_0 = 0$")
    ax.plot(*(along[:, None] * ts), color="black", lw=1.0, ls="--", label=r"the boundary at $\theta_0 = 0$")
    ax.annotate("", xy=foot + theta, xytext=foot,
                arrowprops={"arrowstyle": "-|>", "color": RED, "lw": 1.8, "mutation_scale": 14})
    ax.text(*(foot + theta + np.array([0.05, 0.12])), r"$\boldsymbol{\theta}$", color=RED, fontsize=12)
    ax.annotate("", xy=foot, xytext=(0, 0),
                arrowprops={"arrowstyle": "<|-|>", "color": GREEN, "lw": 1.2, "mutation_scale": 9,
                            "shrinkA": 0, "shrinkB": 0})
    ax.text(*(foot / 2 + np.array([0.15, -0.45])), r"$-\theta_0/\|\boldsymbol{\theta}\|$", color=GREEN, fontsize=10,
            bbox={"facecolor": "white", "alpha": 0.75, "lw": 0, "pad": 1.5})
    ax.plot([0], [0], "o", color="black", ms=3)
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    ax.text(-2.8, -2.75, "class 0", fontsize=9, color="#7A1F1F")
    ax.text(1.75, 2.6, "class 1", fontsize=9, color="#1F3F7A")
    ax.legend(loc="upper left", fontsize=7.5, framealpha=0.85)
    fig.savefig(path)


# -- softmax saturating ------------------------------------------------------------------

def _softmax3() -> Callable:
    """softmax(a) at K = 3 from derive.ops.Softmax, as a NumPy function of (a₁, a₂, a₃)."""
    from derive.ops import Softmax, explicit
    from derive.symbols import K, a

    inst = instantiate(Softmax(a), (), {K: 3})
    comps = list(inst.entries[a.subs(K, 3)])
    return numeric_function(list(explicit(inst.expr)), comps)


#: The saturating inputs of the softmax figure: a = (c, c − g₂, c − g₃) with the gaps below.
SATURATION_C, SATURATION_GAPS = 1.0, (0.4, 1.4)


def _saturating3() -> Callable:
    """softmax(t·a) at K = 3 for softmax-properties' a = (c, c − g₂, c − g₃), a function of t."""
    from derive.ops import Softmax, explicit
    from derive.symbols import K

    sat = _module("softmax_properties")
    inst = instantiate(Softmax(sat.t * sat.SATURATING), (), {K: 3})
    gaps = inst.entries[sat.GAPS.subs(K, 3)]
    values = {sat.c: SATURATION_C, gaps[0]: SATURATION_GAPS[0], gaps[1]: SATURATION_GAPS[1]}
    return numeric_function(list(explicit(inst.expr).xreplace(values)), [sat.t])


def draw_softmax(path: Path) -> None:
    """Left: softmax(a₁, 0.5, 0) as a₁ grows.  Right: softmax(t·a) for a = (1, 0.6, −0.4) as t grows."""
    s = _softmax3()
    saturating = _saturating3()
    fig = _new_figure(6.2, 2.5)
    left, right = fig.subplots(1, 2)
    a1 = np.linspace(-4, 8, 300)
    out = s(a1, 0.5 + 0 * a1, 0 * a1)
    colors = (BLUE, ORANGE, GREEN)
    for k in range(3):
        left.plot(a1, out[k], color=colors[k], label=r"$s_%d$" % (k + 1))
    left.set_xlabel(r"$a_1$ (with $a_2 = 0.5,\ a_3 = 0$)")
    left.set_ylabel(r"$\mathrm{softmax}(\mathbf{a})_k$")
    left.set_title(r"one logit grows", fontsize=9.5)
    left.legend(frameon=False, loc="center right")
    t = np.linspace(0, 12, 300)
    out = [np.broadcast_to(v, t.shape) for v in saturating(t)]
    for k in range(3):
        right.plot(t, out[k], color=colors[k], label=r"$s_%d$" % (k + 1))
    right.set_xlabel(r"scale $t$ of $\mathbf{a} = t\,(1,\ 0.6,\ -0.4)$")
    right.set_title(r"$\mathrm{softmax}(t\mathbf{a}) \to \mathbf{e}_1$ as $t \to \infty$", fontsize=9.5)
    for ax in (left, right):
        ax.set_ylim(-0.03, 1.03)
    fig.tight_layout(w_pad=1.5)
    fig.savefig(path)


# -- Gaussian classes and the LDA posterior ----------------------------------------------

#: The example of the LDA figure: two 1-D Gaussian classes with a shared variance.
LDA_MU = (-1.0, 1.5)
LDA_VAR = 1.0
LDA_PRIOR1 = 0.35


def _lda_parameters() -> tuple[float, float]:
    """θ and θ₀ at d = 1 from lda-logistic's formulas, at the example's μ₀, μ₁, σ², π₁."""
    lda = _module("lda_logistic")
    from derive.symbols import P, d, mu0, mu1, pi0, pi1

    values = {}
    for expr_name in ("THETA", "THETA0"):
        expr = getattr(lda, expr_name)
        inst = instantiate(expr, lda.DERIVATION.assumptions, {d: 1})
        e = inst.entries
        subs = {e[mu0.subs(d, 1)][0]: LDA_MU[0], e[mu1.subs(d, 1)][0]: LDA_MU[1],
                e[P.subs(d, 1)][0]: 1 / LDA_VAR, pi0: 1 - LDA_PRIOR1, pi1: LDA_PRIOR1}
        value = inst.expr.doit()
        if getattr(value, "is_Matrix", False):
            value = sp.ImmutableMatrix(value)[0]
        values[expr_name] = float(value.xreplace({k: sp.Float(v) for k, v in subs.items()}))
    return values["THETA"], values["THETA0"]


def draw_lda(path: Path) -> None:
    """Top: π_k N(x; μ_k, σ²).  Bottom: p(1|x) by Bayes' rule, and σ(θx + θ₀) from lda-logistic."""
    theta, theta0 = _lda_parameters()
    x = np.linspace(-5, 5.5, 400)

    def density(mu: float) -> np.ndarray:
        return np.exp(-(x - mu) ** 2 / (2 * LDA_VAR)) / np.sqrt(2 * np.pi * LDA_VAR)

    joint0, joint1 = (1 - LDA_PRIOR1) * density(LDA_MU[0]), LDA_PRIOR1 * density(LDA_MU[1])
    bayes = joint1 / (joint0 + joint1)
    s = numeric_function(sigmoid(sp.Symbol("u")), [sp.Symbol("u")])
    fig = _new_figure(5.6, 3.6)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1.1]})
    top.fill_between(x, joint0, color=ORANGE, alpha=0.25, lw=0)
    top.fill_between(x, joint1, color=BLUE, alpha=0.25, lw=0)
    top.plot(x, joint0, color=ORANGE, label=r"$\pi_0\,\mathcal{N}(x;\mu_0,\sigma^2)$")
    top.plot(x, joint1, color=BLUE, label=r"$\pi_1\,\mathcal{N}(x;\mu_1,\sigma^2)$")
    top.set_ylabel("density")
    top.legend(frameon=False, loc="upper right")
    bottom.plot(x, s(theta * x + theta0), color=BLUE, label=r"$\sigma(\theta x + \theta_0)$, $\theta,\theta_0$ from the derivation")
    every = slice(0, None, 16)
    bottom.plot(x[every], bayes[every], "o", ms=3.2, mfc="white", color="black", label=r"Bayes' rule, evaluated directly")
    boundary = -theta0 / theta
    for ax in (top, bottom):
        ax.axvline(boundary, color=GREY, lw=0.9, ls="--")
    bottom.text(boundary + 0.12, 0.06, r"$x^* = -\theta_0/\theta$", fontsize=8.5, color=GREY)
    bottom.set_ylabel(r"$p(1\,|\,x)$")
    bottom.set_xlabel(r"$x$")
    bottom.set_ylim(-0.04, 1.04)
    bottom.legend(frameon=False, loc="upper left", fontsize=8)
    fig.tight_layout(h_pad=0.6)
    fig.savefig(path)


def _draw_forward(path: Path) -> None:
    from .forward import draw_forward

    draw_forward(path)


# -- the registry of figures -------------------------------------------------------------

@dataclass(frozen=True)
class FigureSpec:
    """A figure: its file stem, the derivation whose section shows it, its caption, how to draw it."""

    key: str
    derivation: str
    caption: str
    draw: Callable[[Path], None]
    needs: tuple[str, ...] = ()   # derivation modules its formulas come from


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("sigmoid", "sigmoid-derivative",
               "The logistic function σ and its derivative σ′ = σ(1 − σ), both evaluated from the "
               "derived expressions. The slope is largest, 1/4, at z = 0, and σ′ is symmetric because "
               "σ(−z) = 1 − σ(z).", draw_sigmoid, ("sigmoid_derivative",)),
    FigureSpec("geometry", "logistic-geometry",
               "The geometry of θ. The colour is p(1|x) = σ(θᵀx + θ₀) for θ = (1.6, 0.8) and θ₀ = −1.6. "
               "θ, drawn at the boundary, is perpendicular to it and points toward class 1; θ₀ shifts the "
               "boundary away from the dashed line through the origin by the derived distance −θ₀/‖θ‖.",
               draw_geometry, ("bce_gradient", "logistic_geometry")),
    FigureSpec("softmax", "softmax-properties",
               "The softmax saturating. Left: as one logit grows, its share tends to 1 and the others to 0. "
               "Right: the derivation's limit, softmax(t a) → e₁ as t → ∞, for a = (c, c − g₂, c − g₃) with c = 1 "
               "and gaps g = (0.4, 1.4).",
               draw_softmax, ("softmax_properties",)),
    FigureSpec("lda", "lda-logistic",
               "Two Gaussian classes with a shared variance (μ₀ = −1, μ₁ = 1.5, σ² = 1, π₁ = 0.35). The posterior "
               "σ(θx + θ₀), with θ and θ₀ computed from the derived formulas, passes through Bayes' rule evaluated "
               "directly (circles); the boundary x* = −θ₀/θ is where the weighted densities cross.",
               draw_lda, ("lda_logistic",)),
    FigureSpec("forward", "mlp-backprop",
               "The forward pass of a network with d = 3 inputs, m = 4 tanh units and K = 3 classes, computed "
               "from the derived formulas for h, a and s on one input x: each unit shows its value, each "
               "connection's width its weight's size (blue positive, orange negative). The softmax turns the "
               "logits a into probabilities s that sum to 1.", _draw_forward, ("mlp_backprop",)),
)


def _available(spec: FigureSpec, derivations: Iterable[str]) -> bool:
    if spec.derivation not in derivations:
        return False
    try:
        for module in spec.needs:
            _module(module)
    except ImportError:
        return False
    return True


def make_figures(outdir: Path, derivations: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Draw each figure whose derivation is among ``derivations`` into ``outdir``.

    Returns derivation name → [(file name, caption), …].  Each call draws afresh, so the
    figures always follow the current formulas.
    """
    import matplotlib

    names = set(derivations)
    outdir.mkdir(parents=True, exist_ok=True)
    drawn: dict[str, list[tuple[str, str]]] = {}
    with matplotlib.rc_context(STYLE):
        for spec in FIGURES:
            if not _available(spec, names):
                continue
            path = outdir / f"{spec.key}.pdf"
            try:
                spec.draw(path)
            except Exception as exc:  # noqa: BLE001 - a figure is drawn from formulas other modules own
                # One broken figure must not cost the whole report; the PDF tests check that
                # every figure is there, so this cannot pass unnoticed.
                warnings.warn(f"figure {spec.key!r} skipped: {type(exc).__name__}: {exc}", RuntimeWarning)
                continue
            drawn.setdefault(spec.derivation, []).append((path.name, spec.caption))
    return drawn
