"""What every page's route shares: the UI's state on the app, the logged-in analyst,
CSRF checks on posts, and errors turned into pages (or a redirect to the login)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from narcwatch.errors import AccessError, NarcwatchError, NotFoundError, UsageError
from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService
from narcwatch.web.session import Sessions, WebUser, check_csrf
from narcwatch.web.views import render

__all__ = ["LoginRequired", "WebRoute", "WebState", "posted", "state", "user"]


@dataclass(slots=True)
class WebState:
    ctx: Context
    sessions: Sessions


class LoginRequired(Exception):
    """No valid session: the page redirects to the login form."""


def state(request: Request) -> WebState:
    web: WebState = request.app.state.web
    return web


def service(request: Request) -> ShareService:
    svc: ShareService = request.app.state.service
    return svc


def user(request: Request) -> WebUser:
    """The logged-in analyst (a dependency of every page but the login form)."""
    found = state(request).sessions.user(request, service(request))
    if found is None:
        raise LoginRequired
    return found


def posted(request: Request, who: WebUser, token: str | None) -> None:
    """Check a POST's CSRF token (the form's ``csrf`` field or the X-CSRF-Token header)."""
    check_csrf(request, who.csrf, token or request.headers.get("x-csrf-token"))


_STATUS = {NotFoundError: 404, UsageError: 400}


class WebRoute(APIRoute):
    """A page route: errors become an HTML page (JSON for the page's own script), a
    missing session a redirect to the login form with ``next``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                if request.method != "GET":
                    return _error(request, 401, "Your session has ended: log in again.")
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
            except NarcwatchError as exc:
                status = getattr(exc, "status", None) or next(
                    (s for t, s in _STATUS.items() if isinstance(exc, t)), 400
                )
                if isinstance(exc, AccessError) and status == 401:
                    status = 403  # a page's 401 is a login redirect; this is a refusal
                return _error(request, status, str(exc))

        return route


def _error(request: Request, status: int, message: str) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        from fastapi.responses import JSONResponse

        return JSONResponse({"error": message}, status_code=status)
    return render(request, "error.html", status=status, message=message, code=status)
