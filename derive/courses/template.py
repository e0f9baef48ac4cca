"""``derive new-course DIR``: write a small starting course that verifies, validates and grades as it is.

The files are in ``derive/courses/template/``; ``__COURSE__`` in them becomes a name made from
DIR, so that derivations and targets of two new courses do not clash.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["new_course", "TEMPLATE"]

TEMPLATE = Path(__file__).with_name("template")


def course_slug(folder: Path) -> str:
    """A name for the course's derivations and targets: the folder's name in lower-case words and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    return slug if slug and slug[0].isalpha() else f"course-{slug}".rstrip("-")


def new_course(folder: str | Path) -> list[Path]:
    """Write the starting course into ``folder`` (created; it must not hold files yet); returns the files."""
    root = Path(folder)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ValueError(f"{folder} already exists and is not an empty directory; choose a new one")
    slug = course_slug(root)
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        target = root / source.relative_to(TEMPLATE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text(encoding="utf-8").replace("__COURSE__", slug), encoding="utf-8")
        written.append(target)
    return written
