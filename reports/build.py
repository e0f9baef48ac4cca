"""LaTeX → PDF with latexmk, and what to say when that is not possible.

``build_pdf(tex)`` runs ``latexmk -pdf`` next to the file and returns the PDF's path.  When
LaTeX stops on an error, ``LatexError`` carries only the log lines that matter (the
``file:line: message`` lines and the source line TeX was reading), not the whole log.
``tex_available()`` says whether latexmk and pdflatex are on the PATH; ``HOW_TO_GET_TEX``
is the one line a user needs when they are not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

__all__ = ["LatexError", "TexMissing", "tex_available", "build_pdf", "build_many", "relevant_log_lines",
           "HOW_TO_GET_TEX", "TEX_PACKAGES"]

TEX_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended", "texlive-fonts-recommended",
                "latexmk", "poppler-utils")
HOW_TO_GET_TEX = ("install TeX Live to get the PDF (`make tex`, or `apt-get install --no-install-recommends "
                  + " ".join(TEX_PACKAGES) + "`), then run `latexmk -pdf FILE.tex`")

#: Where latexmk keeps its auxiliary files, beside the .tex.
AUX_DIR = ".build"

#: Seconds after which one latexmk run is abandoned (a healthy report takes a few).
TIMEOUT = 180


class LatexError(RuntimeError):
    """LaTeX stopped on an error; the message holds the relevant lines of its log."""


class TexMissing(OSError):
    """latexmk or pdflatex is not installed."""


def tex_available() -> bool:
    """True when both latexmk and pdflatex can be run."""
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


_ERROR_LINE = re.compile(r"^(!|.*:\d+: )")
_CONTEXT_LINE = re.compile(r"^l\.\d+ ")


def relevant_log_lines(log: str, limit: int = 12) -> list[str]:
    """The lines of a TeX log that explain an error: each error line and TeX's ``l.N`` context.

    With ``-file-line-error`` an error reads ``./notes.tex:42: Undefined control sequence.``;
    TeX follows it with the line it was reading (``l.42 \\badcommand``).
    """
    lines = log.splitlines()
    picked: list[str] = []
    for i, line in enumerate(lines):
        if _ERROR_LINE.match(line) and not line.startswith("!  ==>"):
            picked.append(line.rstrip())
            for follow in lines[i + 1:i + 8]:
                if _CONTEXT_LINE.match(follow):
                    picked.append(follow.rstrip())
                    break
        if len(picked) >= limit:
            break
    return picked[:limit]


def build_pdf(tex: Path | str) -> Path:
    """Run latexmk on ``tex`` in its own directory and return the path of the PDF.

    Raises ``TexMissing`` without TeX, and ``LatexError`` (with the relevant log lines) when
    LaTeX fails.
    """
    tex = Path(tex).resolve()
    if not tex.is_file():
        raise FileNotFoundError(f"no such LaTeX file: {tex}")
    if not tex_available():
        raise TexMissing("latexmk/pdflatex not found: " + HOW_TO_GET_TEX)
    # Auxiliary files (.aux, .log, ...) go to a hidden folder, so the output folder holds only
    # what a reader wants: the .tex, the .pdf and the figures.
    cmd = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           "-silent", "-emulate-aux-dir", f"-auxdir={AUX_DIR}", tex.name]
    env = {**os.environ, "max_print_line": "1000"}  # one log line per message, not wrapped at 79
    try:
        proc = subprocess.run(cmd, cwd=tex.parent, capture_output=True, text=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        raise LatexError(f"{tex.name}: latexmk took longer than {TIMEOUT} s and was stopped") from None
    pdf = tex.with_suffix(".pdf")
    if proc.returncode != 0 or not pdf.is_file():
        log_path = tex.parent / AUX_DIR / tex.with_suffix(".log").name
        log = log_path.read_text(errors="replace") if log_path.is_file() else proc.stdout + proc.stderr
        lines = relevant_log_lines(log) or [line for line in (proc.stdout + proc.stderr).splitlines() if line][-6:]
        raise LatexError(f"LaTeX failed on {tex.name} (full log: {log_path}):\n" + "\n".join(lines))
    return pdf


def build_many(texs: Sequence[Path], workers: int = 2) -> list[Path]:
    """Build several documents, ``workers`` at a time (pdflatex uses one core each)."""
    if not texs:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(texs)))) as pool:
        return list(pool.map(build_pdf, texs))
