"""``derive list``, ``derive show NAME`` and ``derive verify [NAME ...] | --all``."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import textwrap

import sympy as sp

from ..batch import verify_many
from ..registry import REGISTRY, get
from ..step import Derivation
from ..verify import StepResult, Verdict
from . import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list the derivations, one line each",
                       description="List the derivations with a one-line statement of each.")
    p.set_defaults(handler=run_list)

    p = sub.add_parser("show", help="show one derivation step by step",
                       description="Print a derivation in the terminal: its theorem, assumptions, and each "
                                   "step with its justification and verification verdict.")
    p.add_argument("name", help="a derivation name (see 'derive list')")
    p.add_argument("--no-verify", action="store_true", help="do not verify the steps (faster)")
    _cache_option(p)
    p.set_defaults(handler=run_show)

    p = sub.add_parser("verify", help="verify derivations and print a table of verdicts",
                       description="Verify every step of the named derivations (or all of them). "
                                   "Exits 0 only if every step is proved.")
    p.add_argument("names", nargs="*", metavar="NAME", help="derivation names (see 'derive list')")
    p.add_argument("--all", action="store_true", help="verify every derivation")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a table")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: one per core)")
    _cache_option(p)
    p.set_defaults(handler=run_verify)


def _cache_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-cache", action="store_true",
                   help="recompute every step instead of reading (or writing) the proof cache in "
                        "$XDG_CACHE_HOME/derive-toolkit; DERIVE_NO_CACHE=1 does the same")


def _apply_cache_option(args: argparse.Namespace) -> None:
    if getattr(args, "no_cache", False):
        os.environ["DERIVE_NO_CACHE"] = "1"  # the environment reaches the worker processes too


def _derivations(names: list[str]) -> list[Derivation]:
    try:
        return [get(n) for n in names]
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def run_list(args: argparse.Namespace) -> int:
    width = max(len(n) for n in REGISTRY)
    for name, d in REGISTRY.items():
        print(f"{name:<{width}}  {d.summary or d.title}")
    return 0


def _pretty(expr: sp.Basic) -> str:
    return sp.pretty(expr, use_unicode=True, wrap_line=False)


def _indent(text: str, prefix: str = "    ") -> str:
    return textwrap.indent(text, prefix)


def run_show(args: argparse.Namespace) -> int:
    (d,) = _derivations([args.name])
    _apply_cache_option(args)
    results = None if args.no_verify else verify_many([d])[0]
    rule = "─" * min(shutil.get_terminal_size((88, 20)).columns, 88)
    print(f"{d.title}  [{d.name}]\n{rule}")
    print("Theorem:")
    for rel in d.statement:
        print(_indent(_pretty(rel)))
    if d.all_assumptions:
        print("Assumptions: " + "; ".join(a.describe() for a in d.all_assumptions))
    for note in d.notes:
        print(textwrap.fill("Note: " + note, 88))
    print(rule)
    for i, step in enumerate(d.steps):
        if step.new_chain and i:
            print()
        verdict = "" if results is None else f"   [{_badge(results[i])}]"
        print(f"Step {i + 1}. {step.justification}{verdict}")
        print(_indent(_pretty(step.claim)))
        if results is not None:
            print(f"    scope: {results[i].scope}")
    if results is not None:
        proved = sum(r.proved for r in results)
        print(rule + f"\n{proved}/{len(results)} steps proved.")
        return 0 if proved == len(results) else 1
    return 0


def _badge(r: StepResult) -> str:
    if r.verdict is Verdict.REFUTED and r.counterexample:
        point = ", ".join(f"{k}={v}" for k, v in list(r.counterexample.items())[:6])
        return f"refuted: {r.method}; counterexample {point}"
    return f"{r.verdict}: {r.method}"


def run_verify(args: argparse.Namespace) -> int:
    if args.all and args.names:
        raise UsageError("give derivation names or --all, not both")
    if not args.all and not args.names:
        raise UsageError("name at least one derivation, or use --all (see 'derive list')")
    derivations = list(REGISTRY.values()) if args.all else _derivations(args.names)
    _apply_cache_option(args)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    report = list(zip(derivations, verify_many(derivations, args.jobs)))
    if args.json:
        print(json.dumps([_as_json(d, rs) for d, rs in report], indent=2))
    else:
        _print_table(report)
    ok = all(r.proved for _, rs in report for r in rs)
    return 0 if ok else 1


def overall(results: list[StepResult]) -> Verdict:
    """A derivation's verdict: refuted if any step is, proved if all are, else undecided."""
    if any(r.verdict is Verdict.REFUTED for r in results):
        return Verdict.REFUTED
    return Verdict.PROVED if all(r.proved for r in results) else Verdict.UNDECIDED


def _as_json(d: Derivation, results: list[StepResult]) -> dict:
    return {
        "name": d.name,
        "verdict": overall(results).value,
        "steps": [{"index": i + 1, "justification": s.justification, **r.as_dict()}
                  for i, (s, r) in enumerate(zip(d.steps, results))],
    }


def _print_table(report: list[tuple[Derivation, list[StepResult]]]) -> None:
    name_w = max(len(d.name) for d, _ in report)
    header = f"{'derivation':<{name_w}}  {'step':>4}  {'verdict':<9}  {'seconds':>7}  method"
    print(header + "\n" + "─" * len(header))
    total_s, counts = 0.0, {v: 0 for v in Verdict}
    for d, results in report:
        for i, r in enumerate(results):
            label = d.name if i == 0 else ""
            print(f"{label:<{name_w}}  {i + 1:>4}  {r.verdict.value:<9}  {r.seconds:7.3f}  {r.method}")
            if r.counterexample:
                point = ", ".join(f"{k}={v}" for k, v in list(r.counterexample.items())[:6])
                print(f"{'':<{name_w}}  {'':>4}  {'':<9}  {'':>7}  counterexample: {point}")
            total_s += r.seconds
            counts[r.verdict] += 1
    n = sum(counts.values())
    print("─" * len(header))
    print(f"{len(report)} derivations, {n} steps: {counts[Verdict.PROVED]} proved, "
          f"{counts[Verdict.REFUTED]} refuted, {counts[Verdict.UNDECIDED]} undecided ({total_s:.1f} s)")
