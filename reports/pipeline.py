"""The whole report pipeline: verify once, draw the figures, write the LaTeX, build the PDFs.

``write_reports(derivations, outdir)`` writes ``NAME.tex`` for each derivation and, with
``notes=True``, ``lecture-notes.tex`` for all of them and ``lecture-notes-solutions.tex`` for
the exercises; the figures go to ``outdir/figures``.
Each derivation is verified exactly once, and the same results feed the handout and the
lecture notes.  The independent jobs (verifying each derivation, checking the errata,
drawing the figures) run side by side in worker processes, longest first; ``build`` then
turns the ``.tex`` files into PDFs two at a time, the lecture notes first.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from derive.batch import step_cost, step_runs
from derive.step import Derivation
from derive.verify import StepResult

from derive.processes import kill_descendants

from . import document
from .build import build_pdf

__all__ = ["verify_all", "write_reports", "Written", "build", "NOTES_NAME", "FIGURE_DIR", "WORKERS"]

NOTES_NAME = "lecture-notes"
FIGURE_DIR = "figures"
#: Worker processes: pdflatex and SymPy each keep one core busy.
WORKERS = min(2, os.cpu_count() or 1)

# Set before the worker processes fork, so that each finds its derivation by index without
# pickling SymPy expressions.
_PENDING: Sequence[Derivation] = ()


def _verify_steps(index: int, steps: list[int]) -> list[StepResult]:
    return _PENDING[index].verify(only=steps)


def _runs(derivations: Sequence[Derivation]) -> list[tuple[int, tuple[int, ...]]]:
    """(derivation index, step indices): runs of a few neighbouring steps, which share their
    sides, longest first, so that the workers finish together."""
    runs = [(i, tuple(steps)) for i, d in enumerate(derivations)
            for _, steps in step_runs([(d.name, k) for k in range(len(d.steps))])]
    return sorted(runs, key=lambda run: -sum(step_cost(derivations[run[0]].steps[k]) for k in run[1]))


class _Inline(Executor):
    """Runs each job on submission: the fallback where processes cannot be forked."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _ignore_sigint() -> None:
    # A Ctrl-C on a terminal reaches the whole process group; the parent stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _executor(workers: int) -> Executor:
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_ignore_sigint)
    return _Inline()


def _abandon(pool: Executor) -> None:
    """Stop at once: kill every process below this one, drop the queued jobs."""
    kill_descendants()
    pool.shutdown(wait=False, cancel_futures=True)


def _bar(total: int, desc: str):
    from tqdm import tqdm

    # disable=None: shown only when stderr is a terminal; silent in a pipe or a log.
    return tqdm(total=total, desc=desc, unit="job", disable=None, file=sys.stderr, leave=False,
                dynamic_ncols=True, delay=0.5)


def verify_all(derivations: Sequence[Derivation], workers: int = WORKERS) -> list[list[StepResult]]:
    """``d.verify()`` for each derivation, over ``workers`` processes."""
    return _run(derivations, workers, None, False)[0]


def _run(derivations: Sequence[Derivation], workers: int, figure_dir: Path | None,
         notes: bool) -> tuple[list[list[StepResult]], dict, list | None, str, tuple | None, str]:
    """Verify every derivation, draw the figures, check the errata, run the numeric
    experiments and the exercises' worked checks (the last three for the lecture notes only),
    side by side."""
    global _PENDING
    _PENDING = tuple(derivations)
    pool = _executor(workers)
    runs = _runs(derivations)
    jobs = len(runs) + (figure_dir is not None) + 2 * bool(notes) + bool(notes and figure_dir is not None)
    bar = _bar(jobs, "verifying")
    try:
        with bar:
            figures = errata_checks = numeric = None
            if notes and figure_dir is not None:
                # the slowest job (it imports and trains numeric): first in line
                numeric = pool.submit(_numeric_job, figure_dir)
            if figure_dir is not None:
                from .figures import make_figures

                figures = pool.submit(make_figures, figure_dir, [d.name for d in derivations])
            worked = None
            if notes:
                from .errata import verify_errata
                from .exercises import exercise_job

                errata_checks = pool.submit(verify_errata)
                worked = pool.submit(exercise_job)
            futures = {run: pool.submit(_verify_steps, run[0], list(run[1])) for run in runs}
            for future in [*futures.values(), *(f for f in (figures, errata_checks, numeric, worked) if f)]:
                future.add_done_callback(lambda _: bar.update(1))
            results = [[r for run in sorted(k for k in futures if k[0] == i) for r in futures[run].result()]
                       for i in range(len(derivations))]
            experiments, example = numeric.result() if numeric else ("", "")
            out = (results, figures.result() if figures else {},
                   errata_checks.result() if errata_checks else None, experiments,
                   worked.result() if worked else None, example)
    except KeyboardInterrupt:
        _abandon(pool)
        raise
    except BaseException:
        pool.shutdown(wait=True)
        raise
    else:
        pool.shutdown(wait=True)
        return out
    finally:
        _PENDING = ()


def _numeric_job(figure_dir: Path) -> tuple[str, str]:
    """The numeric experiments and the worked example: both import ``numeric``, so one worker
    pays for the import once."""
    from .example import example_job
    from .numeric_report import numeric_section

    return numeric_section(figure_dir, FIGURE_DIR), example_job()


@dataclass
class Written:
    """What ``write_reports`` wrote: the .tex files, and the sections (with their results)."""

    tex: list[Path] = field(default_factory=list)
    sections: list[document.Section] = field(default_factory=list)


def write_reports(derivations: Sequence[Derivation], outdir: Path | str, *, notes: bool = False,
                  results: Sequence[list[StepResult]] | None = None, figures: bool = True,
                  workers: int = WORKERS) -> Written:
    """Write ``outdir/NAME.tex`` for each derivation (and ``lecture-notes.tex`` if ``notes``).

    ``results`` may be passed in (one list per derivation) to skip verification; otherwise
    each derivation is verified here, once.  The lecture notes end with the lecture errata
    and, where the numeric package is present, the numeric experiments.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    figure_dir = outdir / FIGURE_DIR if figures else None
    if results is None:
        results, drawn, checks, numeric, worked, example = _run(derivations, workers, figure_dir, notes)
    else:
        if len(results) != len(derivations):
            raise ValueError(f"{len(results)} result lists for {len(derivations)} derivations")
        _, drawn, checks, numeric, worked, example = _run((), workers, figure_dir, notes)
    written = Written()
    for d, rs in zip(derivations, results):
        figs = [document.Figure(f"{FIGURE_DIR}/{name}", caption) for name, caption in drawn.get(d.name, [])]
        item = document.Section(d, list(rs), figs)
        written.sections.append(item)
        path = outdir / f"{d.name}.tex"
        path.write_text(document.standalone(item), encoding="utf-8")
        written.tex.append(path)
    if notes:
        written.tex.extend(_write_notes(written.sections, outdir, checks, numeric, worked, example))
    return written


def _write_notes(sections: Sequence[document.Section], outdir: Path, checks: list | None, numeric: str,
                 worked: tuple[str, str] | None, example: str) -> list[Path]:
    """lecture-notes.tex (errata and numeric experiments in the appendix) and the solutions."""
    from .errata import errata_section
    from .exercises import SOLUTIONS_NAME, exercise_job
    from .notes import lecture_notes

    results = {s.derivation.name: (s.derivation, s.results) for s in sections}
    appendices = [errata_section(results, checks), numeric]
    path = outdir / f"{NOTES_NAME}.tex"
    exercises, solutions_tex = worked if worked is not None else exercise_job()
    path.write_text(lecture_notes(sections, [a for a in appendices if a], exercises, {"sgd-update": example}),
                    encoding="utf-8")
    solutions = outdir / f"{SOLUTIONS_NAME}.tex"
    solutions.write_text(solutions_tex, encoding="utf-8")
    return [path, solutions]


def build(tex: Sequence[Path], workers: int = WORKERS) -> list[Path]:
    """The PDFs of ``tex`` (see ``reports.build.build_many``); the lecture notes start first."""
    ordered = sorted(tex, key=lambda p: not p.stem.startswith(NOTES_NAME))
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(ordered))))
    with _bar(len(ordered), "building PDFs") as bar:
        futures = [pool.submit(build_pdf, t) for t in ordered]
        for future in futures:
            future.add_done_callback(lambda _: bar.update(1))
        try:
            pdfs = dict(zip(ordered, [f.result() for f in futures]))
        except KeyboardInterrupt:
            _abandon(pool)   # kills latexmk and its pdflatex, so the threads end at once
            raise
        except BaseException:
            pool.shutdown(wait=True)
            raise
    pool.shutdown(wait=True)
    return [pdfs[t] for t in tex]
