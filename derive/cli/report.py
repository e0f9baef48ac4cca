"""``derive report NAME ... | --all [-o DIR] [--tex-only]``: the derivations as LaTeX and PDF.

Writes ``DIR/NAME.tex`` and ``DIR/NAME.pdf`` per derivation and, with ``--all``, also
``DIR/lecture-notes.tex`` and ``.pdf``.  Exit status: 0 when every requested file was
written, 1 when LaTeX failed (the relevant log lines go to stderr), 2 for a usage error,
3 when no TeX is installed (the .tex files are still written, and one line says how to get
the PDFs).  The reports package is imported here, inside the handler, so that ``derive``
itself never depends on it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..registry import REGISTRY
from . import UsageError

#: The exit status when the .tex files were written but no TeX is available to build them.
EXIT_NO_TEX = 3
DEFAULT_DIR = Path("reports") / "out"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="write derivations as LaTeX and build PDFs",
        description="Write each named derivation (or all of them) as a LaTeX handout with a machine-checked "
                    "badge on every step, and build the PDFs with latexmk. With --all, also the whole lecture "
                    "notes: every derivation, the figures, and the lecture's errata.",
        epilog=f"Exit status 3: no TeX found; the .tex files are written but no PDF. Default DIR: {DEFAULT_DIR}")
    p.add_argument("names", nargs="*", metavar="NAME", help="derivation names (see 'derive list')")
    p.add_argument("--all", action="store_true", help="every derivation, plus DIR/lecture-notes.{tex,pdf}")
    p.add_argument("-o", "--output", type=Path, default=DEFAULT_DIR, metavar="DIR",
                   help=f"where to write the files (default: {DEFAULT_DIR})")
    p.add_argument("--tex-only", action="store_true", help="write the .tex files (and figures) but build no PDF")
    p.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    if args.all and args.names:
        raise UsageError("give derivation names or --all, not both")
    if not args.all and not args.names:
        raise UsageError("name at least one derivation, or use --all (see 'derive list')")
    unknown = [n for n in args.names if n not in REGISTRY]
    if unknown:
        raise UsageError(f"unknown derivation(s) {', '.join(map(repr, unknown))}; known: {', '.join(REGISTRY)}")
    names = list(REGISTRY) if args.all else list(dict.fromkeys(args.names))

    from reports.build import HOW_TO_GET_TEX, LatexError, tex_available
    from reports.pipeline import build, write_reports

    start = time.perf_counter()
    written = write_reports([REGISTRY[n] for n in names], args.output, notes=args.all)
    if args.tex_only:
        for path in written.tex:
            print(path)
        return 0
    if not tex_available():
        print(f"derive report: wrote {len(written.tex)} .tex file(s) to {args.output}/ but no PDF: "
              + HOW_TO_GET_TEX, file=sys.stderr)
        return EXIT_NO_TEX
    try:
        build(written.tex)
    except LatexError as exc:
        print(f"derive report: {exc}", file=sys.stderr)
        return 1
    pdfs = [tex.with_suffix(".pdf") for tex in written.tex]
    for pdf in pdfs:
        print(pdf)
    refuted = [s.derivation.name for s in written.sections
               if any(r.verdict.value == "refuted" for r in s.results)]
    note = f"; refuted steps in {', '.join(refuted)}" if refuted else ""
    print(f"{len(pdfs)} PDF(s) in {time.perf_counter() - start:.1f} s{note}", file=sys.stderr)
    return 0
