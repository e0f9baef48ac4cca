"""The report pipeline verifies in worker processes, in runs of neighbouring steps, and hands
each derivation its own results in step order."""

from __future__ import annotations

from derive import REGISTRY
from reports.pipeline import verify_all


def test_results_come_back_per_derivation_in_step_order():
    chosen = [REGISTRY["sgd-update"], REGISTRY["sigmoid-derivative"], REGISTRY["bce-gradient"]]
    parallel = verify_all(chosen, workers=2)
    serial = [d.verify() for d in chosen]
    assert [len(rs) for rs in parallel] == [len(d.steps) for d in chosen]
    assert [[(r.verdict, r.method) for r in rs] for rs in parallel] == \
           [[(r.verdict, r.method) for r in rs] for rs in serial]
