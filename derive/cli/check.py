"""``derive check``, ``derive grade``, ``derive check-steps`` and ``derive problem``: the homework checker."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from . import UsageError


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

    p = sub.add_parser("grade", help="grade a class's answers from a CSV or JSON Lines file",
                       description="Grade every row of FILE: a CSV with the header student,target,answer, or JSON "
                                   "Lines with those keys. One bad row never stops the batch.")
    p.add_argument("file", help="the submissions (.csv, or .jsonl)")
    p.add_argument("--json", action="store_true", help="print one JSON object per row, in order (the check "
                                                       "fields plus student)")
    p.add_argument("--out", metavar="DIR", help="write DIR/summary.csv and DIR/<student>/results.json "
                                                "(Gradescope autograder format)")
    p.add_argument("--no-cache", action="store_true", help="check every row from scratch, even an answer "
                                                           "identical to an earlier one (for timing)")
    p.add_argument("--isolate", action="store_true", help="check each answer in a worker process that is killed "
                                                          "if it overruns the 5 s limit (hard isolation)")
    p.set_defaults(handler=run_grade)

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
    p.add_argument("target", nargs="?", help="a target name")
    p.add_argument("--seed", type=int, help="draw the numeric variant with this seed")
    p.add_argument("--list", action="store_true", help="list the targets")
    p.add_argument("--no-key", action="store_true", help="leave the answer key out (to hand the problem out)")
    p.add_argument("--json", action="store_true", help="print the variant as JSON")
    p.set_defaults(handler=run_problem)


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
    if args.points_seed is not None:
        from ..homework.seed import use_seed
        try:
            use_seed(args.points_seed)
        except ValueError as exc:
            raise UsageError(f"--points-seed: {exc}") from None
    result = check(target, args.answer)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_result(result)
    return 0 if result.verdict is Verdict.CORRECT else 1


def _print_result(r) -> None:
    print(f"{r.verdict.value.upper()}  (score {r.score:g}/1)   target: {r.target}")
    if r.interpreted_as:
        print(f"read as:  {r.interpreted_as['plain']}")
        print(f"   LaTeX: {r.interpreted_as['latex']}")
    print(r.feedback)
    if r.counterexample:
        print("counterexample: " + ", ".join(f"{k} = {v}" for k, v in r.counterexample.items()))
    seed = f", points seed {r.seed}" if getattr(r, "seed", None) is not None else ""
    print(f"({r.seconds:.3f} s{seed})")


# --- grade -------------------------------------------------------------------------------------

def run_grade(args: argparse.Namespace) -> int:
    from ..homework.grade import grade, read_submissions, summary_line
    from ..homework.gradescope import write_gradescope

    path = Path(args.file)
    if not path.is_file():
        raise OSError(f"no such file: {path}")
    rows = list(read_submissions(path))

    def show(g) -> None:
        if args.json:
            print(json.dumps(g.as_dict(), ensure_ascii=False), flush=False)
        else:
            r = g.result
            feedback = " ".join(r.feedback.split())
            feedback = feedback if len(feedback) <= 90 else feedback[:87] + "..."
            print(f"{g.submission.student[:18]:<18}  {(r.target or '-')[:20]:<20}  {r.verdict.value:<9}  "
                  f"{r.score:4.2f}  {feedback}")

    if not args.json:
        print(f"{'student':<18}  {'target':<20}  {'verdict':<9}  score  feedback")
    batch = grade(rows, on_result=show, cache=not args.no_cache, isolate=args.isolate)
    if args.out:
        written = write_gradescope(batch, args.out)
        print(f"wrote {Path(args.out) / 'summary.csv'} and {len(written)} results.json files", file=sys.stderr)
    print(summary_line(batch), file=sys.stderr if args.json else sys.stdout)
    return 0


# --- check-steps -------------------------------------------------------------------------------

def run_check_steps(args: argparse.Namespace) -> int:
    from ..homework.steps import check_steps
    from ..homework.targets import UnknownTarget

    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8", errors="replace")
    try:
        result = check_steps(args.target, text)
    except UnknownTarget as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0 if result.ok else 1
    for s in result.steps:
        mark = {"start": "  ", "follows": "ok", "does not follow": "✗ ", "invalid": "✗ ",
                "not the answer": "✗ ", "not checked": "? "}.get(s.status, "  ")
        print(f"{mark} line {s.line}: {s.text}")
        if s.status not in ("start", "follows"):
            print(f"     {s.status}: {s.reason}")
    if result.ok:
        print("Every step follows, and the last line is the answer.")
    elif result.first_failure is not None:
        print(f"First problem at line {result.first_failure}.")
    return 0 if result.ok else 1


# --- problem -----------------------------------------------------------------------------------

def run_problem(args: argparse.Namespace) -> int:
    from ..homework.targets import UnknownTarget, get_target, target_names

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
