"""Shared fixtures: TeX (required in CI), and one `derive report --all` build for the PDF tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest

from reports.build import tex_available

POPPLER = ("pdftotext", "pdfinfo")


def _ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def tex() -> None:
    """Skip without TeX, except in CI (CI=true), where a missing TeX is a failure."""
    missing = [] if tex_available() else ["latexmk/pdflatex"]
    missing += [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (make tex installs TeX Live and poppler-utils)"
        if _ci():
            pytest.fail("CI must build the PDFs, but " + message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def built(tex, tmp_path_factory) -> dict:
    """`derive report --all` into a fresh directory, once for the session."""
    from derive.cli import main

    out = tmp_path_factory.mktemp("report")
    start = time.perf_counter()
    code = main(["report", "--all", "-o", str(out)])
    return {"code": code, "dir": out, "seconds": time.perf_counter() - start}


def normal(text: str) -> str:
    """Compatibility form without white space: µ (micro) → μ, θ₀ → θ0, ’ → ', and math set one
    glyph per line reads as one word."""
    return "".join(unicodedata.normalize("NFKC", text).replace("’", "'").split())


def pdf_text(pdf: Path) -> str:
    """The PDF's text, in ``normal`` form."""
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return normal(raw)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
