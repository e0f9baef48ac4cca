"""``derive gradescope selftest autograder.zip SUBMISSION``: run an autograder as Gradescope would.

The zip is unpacked into a temporary fake ``/autograder`` root (``source/``, ``submission/``,
``results/``), the student's file is put in ``submission/``, and ``run_autograder`` runs with
``DERIVE_AUTOGRADER_ROOT`` naming that root, so no real /autograder is needed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .autograder import ROOT_ENV

__all__ = ["selftest", "unpack"]


def unpack(zip_path: Path, source: Path) -> None:
    """Extract ``zip_path`` into ``source``, refusing any member that would land outside it."""
    base = source.resolve()
    with zipfile.ZipFile(zip_path) as zf:
        for member in zf.infolist():
            dest = (source / member.filename).resolve()
            if base != dest and base not in dest.parents:
                raise ValueError(f"{zip_path}: member {member.filename!r} would be written outside the folder")
        zf.extractall(source)
        for member in zf.infolist():
            mode = member.external_attr >> 16
            if mode & 0o111:
                os.chmod(source / member.filename, mode & 0o777)


def selftest(zip_path: str | Path, submission: str | Path | None, timeout: float = 600) -> dict:
    """The results.json that the autograder writes for ``submission`` (None: an empty submission)."""
    zip_path = Path(zip_path)
    if not zipfile.is_zipfile(zip_path):
        raise ValueError(f"{zip_path} is not a zip file")
    if submission is not None and not Path(submission).is_file():
        raise OSError(f"no such file: {submission}")
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        root = Path(tmp)
        unpack(zip_path, root / "source")
        runner = root / "source" / "run_autograder"
        if not runner.is_file():
            raise ValueError(f"{zip_path} has no run_autograder at its root")
        shutil.copy2(runner, root / "run_autograder")
        (root / "submission").mkdir()
        if submission is not None:
            shutil.copy2(submission, root / "submission" / Path(submission).name)
        env = {**os.environ, ROOT_ENV: str(root), "DERIVE_AUTOGRADER_PYTHON": sys.executable}
        env.pop("PYTHONPATH", None)
        done = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                              timeout=timeout)
        results = root / "results" / "results.json"
        if not results.is_file():
            raise ValueError(f"the autograder wrote no results.json: {done.stderr.strip()[-300:]}")
        return json.loads(results.read_text(encoding="utf-8"))
