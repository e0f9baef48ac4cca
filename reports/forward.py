"""The forward pass of the network as a figure: x → h = tanh(W₁x + b₁) → a = W₂h + b₂ → s = softmax(a).

The figure is computed, not drawn by hand: a seeded network with d = 3 inputs, m = 4 hidden
units and K = 3 classes is run on one input through the derivation's own expressions
(``mlp_backprop.HIDDEN`` and ``PROBS``, lambdified at those sizes); each unit shows its value,
and each connection's width and colour show its weight's size and sign.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["forward_values", "draw_forward", "SIZES", "SEED"]

SIZES = (3, 4, 3)   # d, m, K
SEED = 20240919


def forward_values() -> dict[str, np.ndarray]:
    """The weights, the input and every layer's values of the example network."""
    from derive.assumptions import instantiate
    from derive.derivations import mlp_backprop as mlp
    from derive.ops import explicit
    from derive.symbols import K, W1, W2, b1, b2, d, m, x

    from .figures import numeric_function

    sizes = dict(zip((d, m, K), SIZES))
    rng = np.random.default_rng(SEED)
    values = {"W1": rng.normal(0, 0.9, (SIZES[1], SIZES[0])), "b1": rng.normal(0, 0.3, SIZES[1]),
              "W2": rng.normal(0, 0.9, (SIZES[2], SIZES[1])), "b2": rng.normal(0, 0.3, SIZES[2]),
              "x": np.array([1.0, -0.5, 0.8])}
    out = dict(values)
    for key, expr in (("h", mlp.HIDDEN), ("a", mlp.LOGITS), ("s", mlp.PROBS)):
        inst = instantiate(expr, (), sizes)
        symbols, numbers = [], []
        for name, sym in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2), ("x", x)):
            entries = inst.entries.get(sym.subs(sizes))
            if entries is not None:
                symbols.extend(entries)
                numbers.extend(np.ravel(values[name]))
        f = numeric_function(list(explicit(inst.expr)), symbols)
        out[key] = np.array(f(*numbers), dtype=float).ravel()
    return out


def _column(n: int) -> np.ndarray:
    return ((n - 1) / 2 - np.arange(n)) * 1.0   # the first unit on top


def draw_forward(path: Path) -> None:
    """Four columns of units (x, h, a, s), connections by weight, values written in the units."""
    from matplotlib.figure import Figure

    v = forward_values()
    layers = [("x", r"$\mathbf{x}$"), ("h", r"$\mathbf{h} = \tanh(\mathbf{W}_1\mathbf{x} + \mathbf{b}_1)$"),
              ("a", r"$\mathbf{a} = \mathbf{W}_2\mathbf{h} + \mathbf{b}_2$"),
              ("s", r"$\mathbf{s} = \mathrm{softmax}(\mathbf{a})$")]
    xs = [0.0, 2.4, 4.8, 7.6]
    fig = Figure(figsize=(6.0, 2.9))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ys = [_column(len(v[key])) for key, _ in layers]
    for (left, right, weights) in ((0, 1, v["W1"]), (1, 2, v["W2"])):
        scale = np.abs(weights).max()
        for i, yr in enumerate(ys[right]):
            for j, yl in enumerate(ys[left]):
                w = weights[i, j]
                ax.plot([xs[left] + 0.28, xs[right] - 0.28], [yl, yr], lw=0.4 + 2.2 * abs(w) / scale,
                        color="#2E5E9E" if w > 0 else "#D9731A", alpha=0.75, zorder=1)
    for yr in ys[3]:   # every s_k depends on every a_j (the normalising sum)
        for yl in ys[2]:
            ax.plot([xs[2] + 0.28, xs[3] - 0.28], [yl, yr], color="#6B6B6B", lw=0.5, zorder=1)
    for column, (key, label) in enumerate(layers):
        for y, value in zip(ys[column], v[key]):
            ax.add_patch(_unit(xs[column], y))
            ax.text(xs[column], y, "%.2f" % value, ha="center", va="center", fontsize=7.5, zorder=3)
        ax.text(xs[column], ys[column][0] + 0.45 + 0.45 * (column % 2), label, ha="center", va="bottom", fontsize=8.5)
    ax.text((xs[0] + xs[1]) / 2, ys[1][-1] - 0.85, r"$\mathbf{W}_1$", ha="center", fontsize=9)
    ax.text((xs[1] + xs[2]) / 2, ys[1][-1] - 0.85, r"$\mathbf{W}_2$", ha="center", fontsize=9)
    ax.set_xlim(-0.6, 8.6)
    ax.set_ylim(ys[1][-1] - 1.1, ys[1][0] + 1.3)
    ax.set_aspect("equal")
    fig.savefig(path)


def _unit(x: float, y: float):
    from matplotlib.patches import Circle

    return Circle((x, y), 0.28, facecolor="white", edgecolor="black", lw=0.9, zorder=2)
