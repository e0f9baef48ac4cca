"""The check shared by the tables of claims beyond the lecture: a true claim is proved, a false
one refuted with its counterexample ({} for a claim without variables)."""

from __future__ import annotations

import pytest

from derive import Verdict, verify_claim


def assert_decided(claim, assumptions, true: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")  # each claim is decided here, not remembered
    r = verify_claim(claim, assumptions)
    if true:
        assert r.verdict is Verdict.PROVED, r.method
    else:
        assert r.verdict is Verdict.REFUTED, r.method
        assert r.counterexample is not None, r.method
