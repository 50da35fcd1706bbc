"""Errors as RFC 9457 problem details (``application/problem+json``), and the request
body size limit.

Every error a client can get has the same shape: ``type``, ``title``, ``status``,
``detail`` (and ``errors`` for invalid bodies: where and what, never the value sent, so
an error never echoes a secret or a huge input back). Unexpected failures are a bare 500
with no internals in it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from narcwatch.errors import (
    AccessError,
    ConflictError,
    NarcwatchError,
    NotFoundError,
    StoreError,
    UsageError,
)

__all__ = ["TAXII_PREFIX", "BodyLimit", "error", "install", "problem"]

log = logging.getLogger("narcwatch.server")

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request body too large",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(status: int, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:  # fmt: skip
    body = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status, headers=headers, media_type="application/problem+json")


TAXII_PREFIX = "/taxii2"  # errors there are TAXII 2.1 error messages
_TAXII_MEDIA = "application/taxii+json;version=2.1"


def error(request: Request, status: int, detail: str, headers: dict[str, str] | None = None,
          **extra: Any) -> JSONResponse:  # fmt: skip
    """A problem, or under ``/taxii2/`` a TAXII 2.1 error message (``title``,
    ``description``, ``http_status``; a 422 there is a 400, as TAXII knows no 422)."""
    if not request.url.path.startswith(TAXII_PREFIX):
        return problem(status, detail, headers, **extra)
    status = 400 if status == 422 else status
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": 'Basic realm="narcwatch TAXII", Bearer'}
    body = {"title": _TITLES.get(status, "Error"), "description": detail,
            "http_status": str(status)}  # fmt: skip
    return JSONResponse(body, status, headers=headers, media_type=_TAXII_MEDIA)


def _status(exc: NarcwatchError) -> int:
    if isinstance(exc, AccessError):
        return exc.status
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, UsageError):
        return 422
    if isinstance(exc, StoreError):
        return 503
    return 400


def install(app: FastAPI) -> None:
    @app.exception_handler(NarcwatchError)
    async def _narcwatch(request: Request, exc: NarcwatchError) -> JSONResponse:
        status = _status(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            log.error("store failure on %s %s: %s", request.method, request.url.path, exc)
            return error(request, 503, "the database is unavailable")
        return error(request, status, str(exc), headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", "")}
            for e in exc.errors()[:20]
        ]
        return error(request, 422, "the request does not match the API's schema", errors=errors)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error(request, 500, "an unexpected error occurred; it was logged")


class _TooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing passes it on as a 413 instead of
    turning it into "error parsing the body" (400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request bodies are limited to {limit} bytes")


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413: at once when Content-Length
    says so, else as soon as the streamed body passes the limit (chunked uploads)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(self.limit)
            return message

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, f"request bodies are limited to {self.limit} bytes")
        await response(scope, receive, send)
