"""Limits on what a request may send, and the JSON errors the server answers with.

* A request body is capped (``BODY_LIMIT`` for JSON, ``UPLOAD_LIMIT`` plus room for the
  multipart envelope for an upload).  A declared ``Content-Length`` over the cap is refused
  before anything is read; a body that turns out longer is cut off while it streams.
* Every refusal is an HTTP 4xx whose body is ``{"error": "..."}`` — never a 500 with a traceback.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..answers import MAX_CHARS

__all__ = ["BODY_LIMIT", "UPLOAD_LIMIT", "ANSWER_LIMIT", "HTTPError", "BodyLimit", "error_response",
           "json_object", "require_token"]

BODY_LIMIT = 64 * 1024            # bytes of a JSON request: an answer of 2,000 characters, escaped
UPLOAD_LIMIT = 20 * 1024 * 1024   # bytes of an uploaded CSV or JSON Lines file
ANSWER_LIMIT = MAX_CHARS          # characters of one answer (the answer language's own bound)
_ENVELOPE = 64 * 1024             # multipart boundaries and headers around the file


class HTTPError(Exception):
    """A refusal: ``status`` (4xx) and a one-line message for ``{"error": message}``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _limit_for(path: str) -> int:
    return UPLOAD_LIMIT + _ENVELOPE if path.startswith("/api/grade") else BODY_LIMIT


class BodyLimit:
    """ASGI middleware: refuse a body over its path's cap with 413, whether declared or streamed."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = _limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await error_response(413, f"the request body is over the limit of {limit} bytes")(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPError(413, f"the request body is over the limit of {limit} bytes")
            return message

        await self.app(scope, counted, send)


async def json_object(request: Request, *required: str) -> dict[str, Any]:
    """The request's JSON object, with string values for ``required`` keys; HTTPError 400 otherwise."""
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise HTTPError(400, "the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise HTTPError(400, "the request body must be a JSON object")
    for key in required:
        if not isinstance(data.get(key), str):
            raise HTTPError(400, f"the field {key!r} is missing or not a string")
    for key, value in data.items():
        # JSON may escape a lone surrogate (\ud800), which no UTF-8 text (nor SQLite) can hold
        if isinstance(value, str) and not _is_unicode(value):
            raise HTTPError(400, f"the field {key[:40]!r} is not valid Unicode text")
    answer = data.get("answer")
    if isinstance(answer, str) and len(answer) > ANSWER_LIMIT:
        raise HTTPError(413, f"the answer is {len(answer)} characters long; the limit is {ANSWER_LIMIT}")
    return data


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def require_token(request: Request, token: str | None) -> None:
    """Refuse (401) a request without the shared token, given as a Bearer header or ``?token=``."""
    if not token:
        return
    header = request.headers.get("authorization", "")
    given = header[7:] if header.lower().startswith("bearer ") else request.query_params.get("token", "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPError(401, "this page needs the instructor token (?token=... or Authorization: Bearer ...)")
