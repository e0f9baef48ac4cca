"""The results of checking an answer: the verdict and what goes with it.  A leaf module: it
imports nothing of the homework engine, so every layer (verdicts, numeric variants, batch
grading, the CLI) can use it without a cycle.

A ``CheckVerdict`` is one of correct, incorrect, invalid, undecided (a homework answer's
verdict; the verifier's proved/refuted/undecided is ``derive.verify.Verdict``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

__all__ = ["CheckVerdict", "CheckResult"]


class CheckVerdict(str, enum.Enum):
    """correct, incorrect, invalid or undecided."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    INVALID = "invalid"
    UNDECIDED = "undecided"

    def __str__(self) -> str:
        return self.value


@dataclass
class CheckResult:
    """One answer's verdict.  ``as_dict`` gives the fields of ``derive check --json``."""

    target: str
    answer: str
    verdict: CheckVerdict
    score: float
    feedback: str
    interpreted_as: dict[str, str] | None = None
    counterexample: dict[str, str] | None = None
    seconds: float = 0.0
    method: str = ""
    mistake: str | None = None
    seed: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target, "answer": self.answer, "verdict": self.verdict.value,
            "score": self.score, "feedback": self.feedback, "interpreted_as": self.interpreted_as,
            "counterexample": self.counterexample, "seconds": round(self.seconds, 4), "points_seed": self.seed,
        }
