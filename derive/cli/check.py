"""``derive check``, ``derive grade``, ``derive check-steps`` and ``derive problem``: the homework checker."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from . import UsageError

DUPLICATES = ("last", "first", "all")
#: check-steps reads at most this much: a derivation is short, /dev/zero is not.
STEPS_MAX_BYTES = 1024 * 1024
STEPS_MAX_LINE = 64 * 1024


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check one answer to a homework target",
                       description="Check an answer typed in plain math or LaTeX, e.g. "
                                   "derive check bce-gradient '(p - y) x'. Prints the verdict (correct, incorrect, "
                                   "invalid, undecided), how the answer was read, feedback naming the mistake, and "
                                   "the score. Exits 0 only for a correct answer.",
                       epilog="Targets: see 'derive problem --list'. A numeric variant is TARGET@SEED "
                              "(see 'derive problem TARGET --seed N').")
    p.add_argument("target", help="a target name, or TARGET@SEED for a numeric variant")
    p.add_argument("answer", help="the answer, quoted (plain: '(p-y)*x'; LaTeX: '\\frac{1}{2}')")
    p.add_argument("--seed", type=int, help="check against the numeric variant TARGET@SEED")
    p.add_argument("--points-seed", type=int, metavar="N", help="draw the check points from N, the "
                   "points_seed a verdict records, to reproduce it (default: a fresh secret seed)")
    p.add_argument("--json", action="store_true",
                   help="print {target, answer, verdict, score, feedback, interpreted_as, counterexample, seconds}")
    p.set_defaults(handler=run_check)
    _answers_may_start_with_minus(p)

    _register_grade(sub)

    p = sub.add_parser("check-steps", help="check a step-by-step derivation: the first line that does not follow",
                       description="FILE holds a derivation, one expression per line ('a = b' on one line is two "
                                   "steps; '#' starts a comment). Each expression must equal the one before, and "
                                   "the last must be the answer to TARGET. Use - for standard input.")
    p.add_argument("target", help="a target name (see 'derive problem --list')")
    p.add_argument("file", help="the derivation, or - for standard input")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=run_check_steps)

    p = sub.add_parser("problem", help="print a homework target, or a numeric variant with its answer key",
                       description="Without --seed: the question, its symbols (with shapes), bindings and "
                                   "assumptions. With --seed N: concrete inputs and the answer key as numbers; "
                                   "check an answer with 'derive check TARGET@N ANSWER'.")
    p.add_argument("target", nargs="?", help="a target name, or 'validate' followed by problem files or folders")
    p.add_argument("paths", nargs="*", metavar="PATH", help="with 'validate': problem files, folders or courses")
    p.add_argument("--seed", type=int, help="draw the numeric variant with this seed")
    p.add_argument("--list", action="store_true", help="list the targets")
    p.add_argument("--no-key", action="store_true", help="leave the answer key out (to hand the problem out)")
    p.add_argument("--json", action="store_true", help="print the variant as JSON")
    p.set_defaults(handler=run_problem)


def _register_grade(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grade", help="grade a class's answers from a CSV or JSON Lines file",
                       description="Grade every row of FILE: a CSV with the header student,target,answer, or JSON "
                                   "Lines with those keys, in UTF-8 (or --encoding). One bad row never stops the "
                                   "batch. Identical (target, answer) pairs are checked once; rows are reported in "
                                   "input order. With --out, each student's results are written as soon as their "
                                   "last row is graded, so an interrupted run leaves a consistent part; with --db, "
                                   "a rerun over the same file resumes where the last one stopped.")
    p.add_argument("file", help="the submissions (.csv, or .jsonl)")
    p.add_argument("--json", action="store_true", help="print one JSON object per row, in order (the check "
                                                       "fields plus student)")
    p.add_argument("--out", metavar="DIR", help="write DIR/summary.csv and DIR/<student>/results.json "
                                                "(Gradescope autograder format); earlier results in DIR are replaced")
    p.add_argument("--encoding", metavar="NAME", help="the file's encoding when it is not UTF-8 (e.g. latin-1)")
    p.add_argument("--duplicates", choices=DUPLICATES, default="last",
                   help="which of several rows with the same student and target counts: last (default), first, "
                        "or all; the others are reported and not scored")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="check in N worker processes (default 1)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="check on the dask cluster at ADDRESS "
                                                          "(e.g. tcp://10.0.0.5:8786)")
    p.add_argument("--db", metavar="PATH", help="record each graded row in the SQLite gradebook PATH as it is "
                                                "made; rerun with the same PATH to resume an interrupted run")
    p.add_argument("--points-seed", type=int, metavar="N", help="draw the check points from N (default: the "
                   "seed of the rows in --db, else a fresh secret seed); each row records its points_seed")
    p.add_argument("--no-cache", action="store_true", help="check every row from scratch, even an answer "
                                                           "identical to an earlier one (for timing)")
    p.add_argument("--isolate", action="store_true", help="check each answer in a worker process that is killed "
                                                          "if it overruns the 5 s limit (hard isolation)")
    p.set_defaults(handler=run_grade)


def _answers_may_start_with_minus(p: argparse.ArgumentParser) -> None:
    """Read ``derive check T '-p(p-1)'`` as an answer, not as an unknown option ``-p``.

    argparse treats an argument that starts with '-' as a positional only when it looks like a
    negative number; every answer that starts with '-' should count as one here.  The parser's
    own options (-h, --seed, --json) are still matched first, by their exact spellings.
    """
    p._negative_number_matcher = re.compile(r"^-(?!-)")  # argparse offers no public hook for this


# --- check -------------------------------------------------------------------------------------

def run_check(args: argparse.Namespace) -> int:
    from ..homework.verdict import Verdict, check

    target = args.target
    if args.seed is not None:
        if "@" in target:
            raise UsageError("give the seed either as TARGET@SEED or with --seed, not both")
        if args.seed < 0:
            raise UsageError(f"--seed must be a non-negative integer, got {args.seed}")
        target = f"{target}@{args.seed}"
    if not _encodable(args.answer) or not _encodable(target):
        raise UsageError("the answer (or target) is not valid text in this terminal's encoding")
    if args.points_seed is not None:
        from ..homework.seed import use_seed
        try:
            use_seed(args.points_seed)
        except ValueError as exc:
            raise UsageError(f"--points-seed: {exc}") from None
    result = check(target, args.answer)
    if args.json:
        from ..homework.safetext import json_text

        print(json_text(result.as_dict(), indent=2))
    else:
        _print_result(result)
    return 0 if result.verdict is Verdict.CORRECT else 1


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _print_result(r) -> None:
    from ..homework.safetext import printable

    # Everything a student typed is echoed with its control characters escaped.
    print(printable(f"{r.verdict.value.upper()}  (score {r.score:g}/1)   target: {r.target}"))
    if r.interpreted_as:
        print(printable(f"read as:  {r.interpreted_as['plain']}"))
        print(printable(f"   LaTeX: {r.interpreted_as['latex']}"))
    print(printable(r.feedback, keep_newlines=True))
    if r.counterexample:
        print(printable("counterexample: " + ", ".join(f"{k} = {v}" for k, v in r.counterexample.items())))
    seed = f", points seed {r.seed}" if getattr(r, "seed", None) is not None else ""
    print(f"({r.seconds:.3f} s{seed})")


# --- grade -------------------------------------------------------------------------------------

def run_grade(args: argparse.Namespace) -> int:
    from ..homework.grade import grade, mark_duplicates, read_submissions, summary_line

    if args.workers < 1:
        raise UsageError(f"--workers must be a positive integer, got {args.workers}")
    if args.scheduler and args.isolate:
        raise UsageError("--isolate is implied by --scheduler (a dask worker checks each answer in a killable process)")
    path = Path(args.file)
    if not path.is_file():
        raise OSError(f"no such file: {path}")
    rows = mark_duplicates(list(read_submissions(path, encoding=args.encoding)), args.duplicates)
    from .grading import GradeRun

    run = GradeRun(args, rows)
    try:
        with run:
            batch = grade(rows, on_result=run.show, cache=not args.no_cache, isolate=args.isolate,
                          workers=args.workers, scheduler=args.scheduler, store=run.store, progress=run.advance)
    except KeyboardInterrupt:
        print(f"derive grade: interrupted after {run.shown} of {len(rows)} rows; " + run.partial_note(),
              file=sys.stderr)
        return 130
    if run.writer is not None:
        print(f"wrote {Path(args.out) / 'summary.csv'} and {len(run.writer.written)} results.json files",
              file=sys.stderr)
    superseded = batch.superseded()
    if superseded:
        listed = ", ".join(f"row {g.submission.row} (by row {g.submission.superseded_by})" for g in superseded[:10])
        more = f" and {len(superseded) - 10} more" if len(superseded) > 10 else ""
        print(f"{len(superseded)} duplicate (student, target) rows not counted (--duplicates {args.duplicates}): "
              f"{listed}{more}", file=sys.stderr)
    print(summary_line(batch), file=sys.stderr if args.json else sys.stdout)
    return 0


# --- check-steps -------------------------------------------------------------------------------

def run_check_steps(args: argparse.Namespace) -> int:
    from ..homework.steps import check_steps
    from ..homework.targets import UnknownTarget

    from ..textfile import read_text

    text = read_text(args.file, max_bytes=STEPS_MAX_BYTES, max_line=STEPS_MAX_LINE)
    try:
        result = check_steps(args.target, text)
    except UnknownTarget as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        from ..homework.safetext import json_text

        print(json_text(result.as_dict(), indent=2))
        return 0 if result.ok else 1
    from ..homework.safetext import printable

    for s in result.steps:
        mark = {"start": "  ", "follows": "ok", "does not follow": "✗ ", "invalid": "✗ ",
                "not the answer": "✗ ", "not checked": "? "}.get(s.status, "  ")
        print(printable(f"{mark} line {s.line}: {s.text}"))
        if s.status not in ("start", "follows"):
            print(printable(f"     {s.status}: {s.reason}", keep_newlines=True))
    if result.ok:
        print("Every step follows, and the last line is the answer.")
    elif result.first_failure is not None:
        print(f"First problem at line {result.first_failure}.")
    return 0 if result.ok else 1


# --- problem -----------------------------------------------------------------------------------

def run_problem(args: argparse.Namespace) -> int:
    from ..homework.targets import UnknownTarget, get_target, target_names

    if args.target == "validate" or args.paths:
        from .course import run_validate
        return run_validate(args)
    if args.list or not args.target:
        if not args.list:
            raise UsageError("name a target, or use --list")
        for name in target_names():
            try:
                print(f"{name:<20}  {get_target(name).question}")
            except ValueError as exc:
                print(f"{name:<20}  (unavailable: {exc})")
        return 0
    try:
        target = get_target(args.target)
    except UnknownTarget as exc:
        raise UsageError(str(exc)) from None
    if args.seed is None:
        _print_target(target)
        return 0
    from ..homework.problems import make_variant

    if args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, got {args.seed}")
    v = make_variant(target.name, args.seed)
    if args.json:
        print(json.dumps(v.as_dict(with_key=not args.no_key), ensure_ascii=False, indent=2))
        return 0
    print(f"Problem {v.name}")
    print(f"Find {target.question}.")
    if v.lay.size_names:
        print(f"Sizes: {v.sizes_text()}")
    print("Given:")
    from ..homework.points import format_value
    for name, value in v.given.items():
        print(f"  {name} = {format_value(value)}")
    if target.modulo:
        print("For a numeric answer, add no term that is the same for every class.")
    if not args.no_key:
        print(f"Answer key: {v.key_text()}")
    example = "NUMBER" if target.shape is None else "[...]"
    print(f"Check an answer with:  derive check {v.name} '{example}'   (numbers, or a formula)")
    return 0


def _print_target(target) -> None:
    from ..homework.mistakes import describe_shape

    print(f"{target.name}: {target.question}")
    print(f"The answer is {describe_shape(target.shape)}.")
    print("Symbols:")
    for d in target.symbols:
        print(f"  {d.name:<8} {describe_shape(d.shape):<26} {d.meaning}")
    if target.bindings:
        visible = [b for b in target.bindings if b.symbol not in target.hidden]
        if visible:
            print("Bindings (an answer may use either side): " + "; ".join(str(b) for b in visible))
    if target.assumptions:
        print("Assumptions: " + "; ".join(a.describe() for a in target.assumptions if not set(a.symbols) & set(target.hidden)))
    aliases = getattr(target, "aliases", ())
    if aliases:
        print("Also written: " + "; ".join(f"{spelling} for {name}" for spelling, name in aliases))
    for note in target.notes:
        print(f"Note: {note}")
