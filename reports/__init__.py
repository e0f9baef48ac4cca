"""reports: the derivations as LaTeX and PDF, with figures computed from the derived formulas.

The pipeline runs derivation objects → LaTeX string → PDF::

    latex(expr)                      an expression in the lecture's notation (LecturePrinter)
    write_reports(derivations, dir)  verify once; DIR/NAME.tex per derivation (+ lecture-notes.tex)
    build(tex_paths)                 latexmk, two documents at a time → PDF paths
    LatexError, TexMissing           a LaTeX failure (relevant log lines) / no TeX installed

``derive report`` is the command-line front end.  matplotlib and ``numeric`` are imported
only when figures and the numeric appendix are drawn.
"""

from .build import LatexError, TexMissing, build_pdf, tex_available
from .latex import LecturePrinter, latex
from .pipeline import build, verify_all, write_reports

__all__ = ["latex", "LecturePrinter", "write_reports", "build", "build_pdf", "verify_all", "tex_available",
           "LatexError", "TexMissing"]
