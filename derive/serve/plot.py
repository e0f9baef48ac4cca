"""The class page's figure: a stacked bar per target of its verdicts, drawn by matplotlib as SVG."""

from __future__ import annotations

import io
import threading

from ..gradebook import TargetStats

__all__ = ["verdict_svg", "VERDICT_COLOURS"]

VERDICT_COLOURS = {"correct": "#2e7d32", "incorrect": "#c62828", "invalid": "#6d4c41", "undecided": "#f9a825"}
_LOCK = threading.Lock()   # pyplot's state is global; one figure at a time


def verdict_svg(stats: list[TargetStats]) -> str:
    """An SVG document: for each target a horizontal bar split by verdict counts (empty text if no data)."""
    if not stats:
        return ""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [s.target for s in stats]
    with _LOCK:
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(stats) + 1.4))
        try:
            left = [0] * len(stats)
            for verdict, colour in VERDICT_COLOURS.items():
                counts = [s.verdicts.get(verdict, 0) for s in stats]
                ax.barh(names, counts, left=left, color=colour, label=verdict)
                left = [a + b for a, b in zip(left, counts)]
            ax.invert_yaxis()
            ax.set_xlabel("attempts")
            ax.set_title("Verdicts per target")
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
            fig.tight_layout()
            out = io.StringIO()
            fig.savefig(out, format="svg")
        finally:
            plt.close(fig)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]   # drop the XML prolog and doctype: the SVG sits inside HTML
