"""The Starlette application of ``derive serve``: routes, limits, errors, and its lifetime.

``create_app(config)`` builds the app; on startup it warms the answer keys, forks the worker
pool (which inherits them) and opens the gradebook; on shutdown it closes both.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..gradebook import Gradebook
from ..homework.verdict import TIME_LIMIT, check
from . import api, pages
from .limits import BodyLimit, HTTPError, error_response
from .pool import WorkerPool

__all__ = ["ServeConfig", "create_app"]


@dataclass(frozen=True)
class ServeConfig:
    """``db``: the gradebook file (None: the default under the user's data directory);
    ``token``: the shared secret of the class page and the grade API (None: no token);
    ``workers``: worker processes for checks; ``seconds``: the time limit of one check (its
    worker is killed a grace second after)."""

    db: Path | None = None
    token: str | None = None
    workers: int = max(2, os.cpu_count() or 2)
    seconds: float = TIME_LIMIT


def _warm(targets: list[dict]) -> None:
    # Build every answer key once before forking, so each worker starts with them in memory.
    for t in targets:
        check(t["name"], "0")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, HTTPError):
        return error_response(exc.status, exc.message)
    if isinstance(exc, HTTPException):   # Starlette's own: 404 for an unknown path, 405, ...
        return error_response(exc.status_code, str(exc.detail))
    return error_response(400, "the request could not be read")


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    # Our failure: say so in one line, never with a traceback.
    return error_response(500, f"internal error ({type(exc).__name__})")


def create_app(config: ServeConfig = ServeConfig()) -> Starlette:
    """The web app; run it with uvicorn (``derive serve``) or drive it with a test client."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.targets = api.target_list()
        _warm(app.state.targets)
        app.state.pool = WorkerPool(config.workers, seconds=config.seconds)
        try:
            app.state.gradebook = Gradebook(config.db)
        except BaseException:
            app.state.pool.close()
            raise
        try:
            yield
        finally:
            app.state.pool.close()
            app.state.gradebook.close()

    routes = [
        Route("/", pages.student_page),
        Route("/class", pages.class_page),
        Route("/api/targets", api.targets),
        Route("/api/variant", api.variant),
        Route("/api/preview", api.preview, methods=["POST"]),
        Route("/api/check", api.check, methods=["POST"]),
        Route("/api/grade", api.grade, methods=["POST"]),
        Route("/api/grade/{batch_id}/results.zip", api.grade_zip),
        Mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPError: _http_error, HTTPException: _http_error,
                                        Exception: _server_error})
    app.state.config = config
    app.add_middleware(BodyLimit)
    return app
