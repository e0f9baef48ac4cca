"""The two HTML pages: the student's page ``/`` and the instructor's class page ``/class``.

Both are Jinja2 templates with autoescaping, so a student's text is always escaped; the only
markup inserted as is is what this package generated (the class plot's SVG).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from .limits import require_token
from .plot import VERDICT_COLOURS, verdict_svg

__all__ = ["student_page", "class_page", "TEMPLATES"]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


async def student_page(request: Request) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "student.html", {"targets": request.app.state.targets})


def class_view(gradebook: Any, recent: int = 30) -> dict[str, Any]:
    """What the class page shows: per-target figures, common mistakes, the plot, recent attempts."""
    stats = gradebook.target_stats()
    rows = [{"target": s.target, "attempts": s.attempts, "correct": s.correct,
             "share": f"{100 * s.share_correct:.0f}%", "verdicts": s.verdicts,
             "mistakes": gradebook.top_mistakes(s.target, limit=3)} for s in stats]
    return {"rows": rows, "total": sum(s.attempts for s in stats),
            "plot": Markup(verdict_svg(stats)), "colours": VERDICT_COLOURS,
            "recent": gradebook.recent(recent)}


async def class_page(request: Request) -> HTMLResponse:
    state = request.app.state
    require_token(request, state.config.token)
    view = await run_in_threadpool(class_view, state.gradebook)
    return TEMPLATES.TemplateResponse(request, "class.html", view)
