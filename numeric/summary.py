"""The results table of a maximum-likelihood fit, laid out as statsmodels users know it.

A header of fit statistics in two columns, then one row per parameter:
coef, std err, z, P>|z| and the confidence interval.  ``str()`` is the plain-text table for a
terminal; ``_repr_html_`` the same content as HTML tables for a notebook.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import scipy.stats

__all__ = ["Summary", "summary_table"]

_WIDTH = 78


@dataclass(frozen=True)
class Summary:
    """A title, header pairs (label, value) and the parameter blocks (block title, rows)."""

    title: str
    header: list[tuple[str, str]]
    columns: list[str]
    blocks: list[tuple[str, list[tuple[str, list[str]]]]]

    def as_text(self) -> str:
        lines = [self.title.center(_WIDTH), "=" * _WIDTH]
        half = len(self.header) - len(self.header) // 2
        left, right = self.header[:half], self.header[half:]
        for i in range(half):
            cell = f"{left[i][0] + ':':<18}{left[i][1]:>20}"
            if i < len(right):
                cell += f"   {right[i][0] + ':':<18}{right[i][1]:>19}"
            lines.append(cell)
        lines.append("=" * _WIDTH)
        for block_title, rows in self.blocks:
            width = max([len(block_title)] + [len(name) for name, _ in rows] + [8])
            lines.append(f"{block_title:<{width}}" + "".join(f"{c:>11}" for c in self.columns))
            lines.append("-" * max(_WIDTH, width + 11 * len(self.columns)))
            for name, cells in rows:
                lines.append(f"{name:<{width}}" + "".join(f"{c:>11}" for c in cells))
        lines.append("=" * _WIDTH)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        e = html.escape
        half = len(self.header) - len(self.header) // 2
        left, right = self.header[:half], self.header[half:]
        rows = []
        for i in range(half):
            cells = f"<th>{e(left[i][0])}:</th><td>{e(left[i][1])}</td>"
            if i < len(right):
                cells += f"<th>{e(right[i][0])}:</th><td>{e(right[i][1])}</td>"
            rows.append(f"<tr>{cells}</tr>")
        out = [f'<table class="simpletable"><caption>{e(self.title)}</caption>{"".join(rows)}</table>']
        for block_title, block in self.blocks:
            head = f"<tr><th>{e(block_title)}</th>" + "".join(f"<th>{e(c)}</th>" for c in self.columns) + "</tr>"
            body = "".join(f"<tr><th>{e(name)}</th>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>"
                           for name, cells in block)
            out.append(f'<table class="simpletable">{head}{body}</table>')
        return "".join(out)


def _cells(coef: float, se: float, z: float, p: float, low: float, high: float) -> list[str]:
    return [f"{coef:.4f}", f"{se:.3f}", f"{z:.3f}", f"{p:.3f}", f"{low:.3f}", f"{high:.3f}"]


def summary_table(model, inference, names: list[str], intervals: np.ndarray, alpha: float, yname: str) -> Summary:
    """The Summary of a fitted model whose ``_inference`` is ``inference``."""
    params, bse = model.params_, model.bse_
    z, p = model.zvalues_, model.pvalues_
    two = params.ndim == 1
    kind = "Logit" if two else "MNLogit"
    llr = 2.0 * (inference.loglike - inference.llnull)
    header = [
        ("Dep. Variable", str(yname)), ("Model", kind), ("Method", f"MLE ({model.solver})"),
        ("converged", str(bool(model.converged_))), ("Iterations", str(model.n_iter_)),
        ("No. Observations", f"{inference.nobs:g}"), ("Df Residuals", f"{inference.nobs - len(inference.params):g}"),
        ("Df Model", str(inference.df_model)),
        ("Pseudo R-squ.", f"{1.0 - inference.loglike / inference.llnull:.4f}"),
        ("Log-Likelihood", f"{inference.loglike:.3f}"), ("LL-Null", f"{inference.llnull:.3f}"),
        ("LLR p-value", f"{scipy.stats.chi2.sf(llr, inference.df_model):.4g}"),
    ]
    columns = ["coef", "std err", "z", "P>|z|", f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"]
    classes = list(model.classes_)
    blocks = []
    for k in range(1 if two else params.shape[0]):
        sel = (slice(None),) if two else (k,)
        title = str(yname) if two else f"{yname}={classes[k + 1]} vs {classes[0]}"
        rows = [(names[j], _cells(params[sel][j], bse[sel][j], z[sel][j], p[sel][j],
                                  intervals[sel][j][0], intervals[sel][j][1])) for j in range(len(names))]
        blocks.append((title, rows))
    return Summary(f"{kind} Regression Results", header, columns, blocks)
