"""``examples/tour.ipynb`` runs from top to bottom without an error (each cell asserts what it shows)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[3] / "examples" / "tour.ipynb"
ROOT = NOTEBOOK.parents[1]


def test_tour_notebook_runs(monkeypatch):
    # The kernel is a new process: it must import this checkout, not some other installed copy.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()      # raises CellExecutionError if any cell fails
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    htmls = [o["data"]["text/html"] for o in outputs if "data" in o and "text/html" in o["data"]]
    assert any("✓ proved" in h and "<math" in h for h in htmls)           # the derivation
    assert any("✗ incorrect" in h for h in htmls)                         # the wrong answer
    assert any("derive-batch" in h for h in htmls)                        # the graded batch
    assert any("accuracy" in o.get("text", "") for o in outputs)          # the trained model
