"""``derive gradescope build``: a ready Gradescope autograder zip for some targets.

The zip holds, at its root, ``setup.sh`` and ``run_autograder`` (what Gradescope expects),
``autograder.json`` (the targets, and the course folders to load), the ``derive`` package, the
pure-Python libraries it needs (SymPy, mpmath, lark) under ``lib/``, and a copy of each course.
Nothing is fetched at grading time: ``run_autograder`` starts Python with ``-S`` (no
site-packages), so the bundle is all the code it can see.
"""

from __future__ import annotations

import importlib
import json
import zipfile
from pathlib import Path

from .autograder import CONFIG

__all__ = ["build_autograder", "LIBRARIES", "RUN_AUTOGRADER", "SETUP_SH"]

#: The libraries the checker imports, bundled from this installation.
LIBRARIES = ("sympy", "mpmath", "lark")
_SKIP_DIRS = {"__pycache__", "tests", "benchmarks", ".git"}

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this with the zip unpacked in /autograder/source (derive gradescope selftest
# sets DERIVE_AUTOGRADER_ROOT to a temporary folder instead).
ROOT="${DERIVE_AUTOGRADER_ROOT:-/autograder}"
PY="${DERIVE_AUTOGRADER_PYTHON:-$(command -v python3.12 || command -v python3.11 || command -v python3)}"
export PYTHONPATH="$ROOT/source/lib:$ROOT/source"
mkdir -p "$ROOT/results"
cd "$ROOT/source" || exit 0
# -S: no site-packages, so only the bundled code is used.
"$PY" -S -m derive.courses.autograder --root "$ROOT"
if [ ! -s "$ROOT/results/results.json" ]; then
  # Python itself could not start the grader: still give Gradescope a result to show.
  printf '%s\\n' '{"score": 0, "output": "The autograder could not start (Python 3.11 or newer is needed); please tell your instructor.", "tests": []}' > "$ROOT/results/results.json"
fi
exit 0
"""

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image.  The checker is bundled in
# this zip; it needs only Python 3.11 or newer (tomllib), which is installed here if missing.
set -e
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11
fi
"""


def _package_dir(name: str) -> Path:
    module = importlib.import_module(name)
    return Path(module.__file__).parent


def _add_tree(zf: zipfile.ZipFile, folder: Path, prefix: str) -> int:
    count = 0
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_dir() or _SKIP_DIRS & set(rel.parts[:-1]) or path.suffix in (".pyc", ".pyo"):
            continue
        zf.write(path, f"{prefix}/{rel.as_posix()}")
        count += 1
    return count


def _add_text(zf: zipfile.ZipFile, name: str, text: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, text)


def build_autograder(targets: list[str], output: str | Path, courses: list[Path] = ()) -> Path:
    """Write the autograder zip for ``targets`` to ``output``; the targets must exist and be usable.

    ``courses`` are the course folders the targets may come from (already loaded); each is copied
    into the zip and loaded again at grading time.
    """
    from ..homework.targets import get_target

    if not targets:
        raise ValueError("name at least one target for the autograder")
    for name in targets:
        get_target(name)  # UnknownTarget / TargetUnavailable say what is wrong, before anything is written
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    folders = [f"courses/{i}-{Path(c).resolve().name}" for i, c in enumerate(courses)]
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        _add_text(zf, "run_autograder", RUN_AUTOGRADER, executable=True)
        _add_text(zf, "setup.sh", SETUP_SH, executable=True)
        _add_text(zf, CONFIG, json.dumps({"targets": list(targets), "courses": folders}, indent=2))
        _add_tree(zf, _package_dir("derive"), "derive")
        for lib in LIBRARIES:
            _add_tree(zf, _package_dir(lib), f"lib/{lib}")
        for folder, course in zip(folders, courses):
            _add_tree(zf, Path(course), folder)
    tmp.replace(out)
    return out
