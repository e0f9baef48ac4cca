"""The numeric experiments appendix: training curves, and generative against discriminative boundaries.

Built only when the ``numeric`` package provides its estimators; ``numeric_section`` returns
an empty string otherwise, and the lecture notes simply go without the appendix.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["numeric_section", "numeric_available"]


def numeric_available() -> bool:
    """True when ``numeric`` exposes the estimators this appendix trains."""
    try:
        from numeric import GaussianLDA, LogisticRegression  # noqa: F401
    except ImportError:
        return False
    return True


def numeric_section(figure_dir: Path, relative: str) -> str:
    """The appendix as LaTeX, with its figures drawn into ``figure_dir`` ('' without numeric)."""
    if not numeric_available():
        return ""
    raise NotImplementedError("the numeric appendix is drawn once numeric's estimators exist")
