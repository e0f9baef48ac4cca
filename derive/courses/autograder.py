"""The program a Gradescope autograder runs: a student's answers in, ``results/results.json`` out.

Gradescope unpacks the autograder zip into ``ROOT/source`` (ROOT is ``/autograder``; the
environment variable ``DERIVE_AUTOGRADER_ROOT`` names another one, for ``derive gradescope
selftest``), puts the student's files in ``ROOT/submission`` and reads
``ROOT/results/results.json``.

The answers file is a CSV with the header ``target,answer`` or JSON Lines of
``{"target": ..., "answer": ...}``.  The results hold one test per target of the assignment
(``source/autograder.json``), each with score, max_score, the feedback as Markdown
(``output_format: "md"``) and visibility.  results.json is written whatever happens: a missing
or malformed submission scores 0 with a message saying what is wrong, and so does a failure of
the checker itself.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from pathlib import Path

__all__ = ["grade_submission", "read_answers", "run", "main", "ROOT_ENV", "CONFIG"]

ROOT_ENV = "DERIVE_AUTOGRADER_ROOT"
#: The assignment, inside the zip: {"targets": [...], "courses": [folders inside source/]}.
CONFIG = "autograder.json"
_MAX_BYTES = 1_000_000


class SubmissionError(ValueError):
    """A submission that cannot be read as target,answer rows."""


def _answers_file(folder: Path) -> Path:
    if not folder.is_dir():
        raise SubmissionError("no submission folder was found")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".jsonl", ".json"))
    if not files:
        raise SubmissionError("no answers file was submitted: upload a .csv (header target,answer) or a .jsonl "
                              "file with one {\"target\": ..., \"answer\": ...} per line")
    return files[0]


def read_answers(path: Path) -> dict[str, str]:
    """target → answer (the last row for a target wins); SubmissionError for anything unreadable."""
    if path.stat().st_size > _MAX_BYTES:
        raise SubmissionError(f"{path.name} is larger than {_MAX_BYTES} bytes")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionError(f"{path.name} is not UTF-8 text") from None
    rows: list[dict] = []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"target", "answer"} <= {f.strip() for f in reader.fieldnames}:
            raise SubmissionError(f"{path.name} needs a header line with the columns target,answer")
        rows = [{k.strip(): v for k, v in row.items() if k is not None} for row in reader]
    else:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SubmissionError(f"{path.name} line {n} is not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise SubmissionError(f"{path.name} line {n} is not an object with target and answer")
            rows.append(row)
    answers = {}
    for row in rows:
        target, answer = row.get("target"), row.get("answer")
        if isinstance(target, str) and isinstance(answer, str) and target.strip():
            answers[target.strip()] = answer
    return answers


def _markdown(result) -> str:
    lines = [f"**{result.verdict.value.capitalize()}** ({result.score:g}/1)", "",
             f"Your answer: `{result.answer}`"]
    if result.interpreted_as:
        lines.append(f"Read as: `{result.interpreted_as.get('plain', '')}`")
    lines += ["", result.feedback]
    return "\n".join(lines)


def _test(name: str, score: float, output: str) -> dict:
    return {"name": name, "score": score, "max_score": 1.0, "output": output, "output_format": "md",
            "visibility": "visible"}


def grade_submission(targets: list[str], answers: dict[str, str] | None, problem: str = "") -> dict:
    """The results of one student: a test per target; ``answers`` None means an unreadable submission."""
    from ..homework.verdict import check

    start = time.perf_counter()
    tests = []
    for name in targets:
        if answers is None:
            tests.append(_test(name, 0.0, f"Not graded: {problem}"))
        elif name not in answers:
            tests.append(_test(name, 0.0, "No answer for this target was found in the submission."))
        else:
            result = check(name, answers[name])
            tests.append(_test(name, result.score, _markdown(result)))
    extra = sorted(set(answers or ()) - set(targets))
    note = f" Answers to unknown targets were ignored: {', '.join(extra)}." if extra else ""
    return {
        "score": round(sum(t["score"] for t in tests), 6),
        "execution_time": round(time.perf_counter() - start, 3),
        "output": (f"Submission not graded: {problem}" if answers is None
                   else f"{len(targets)} targets checked by derive-toolkit.{note}"),
        "output_format": "md",
        "visibility": "visible",
        "tests": tests,
    }


def _write(root: Path, results: dict) -> Path:
    out = root / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    tmp = out / "results.json.tmp"
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


def run(root: Path) -> dict:
    """Grade ``root/submission`` into ``root/results/results.json``; returns the results."""
    targets: list[str] = []
    try:
        config = json.loads((root / "source" / CONFIG).read_text(encoding="utf-8"))
        targets = list(config["targets"])
        from . import load_course
        errors = [e for folder in config.get("courses", []) for e in load_course(root / "source" / folder).errors]
        if errors:
            print("\n".join(errors), file=sys.stderr)
        try:
            answers, problem = read_answers(_answers_file(root / "submission")), ""
        except (SubmissionError, OSError) as exc:
            answers, problem = None, str(exc)
        results = grade_submission(targets, answers, problem)
    except Exception as exc:  # noqa: BLE001 - Gradescope must get a results.json, whatever failed
        results = {"score": 0.0, "output": f"The autograder itself failed ({type(exc).__name__}: {exc}); "
                                           "please tell your instructor.", "output_format": "md",
                   "visibility": "visible", "tests": [_test(t, 0.0, "Not graded: the autograder failed.")
                                                      for t in targets]}
    _write(root, results)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="derive-autograder", description="Grade ROOT/submission into "
                                     "ROOT/results/results.json (Gradescope's layout).")
    parser.add_argument("--root", default=os.environ.get(ROOT_ENV, "/autograder"), help="the autograder root")
    args = parser.parse_args(argv)
    results = run(Path(args.root))
    print(f"score {results['score']:g} of {len(results.get('tests', []))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
