"""Logging in and out: the accounts ``narcwatch admin create-user`` makes."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from narcwatch.errors import AccessError
from narcwatch.web.base import WebRoute, posted, service, state, user
from narcwatch.web.session import WebUser, check_csrf
from narcwatch.web.views import render

router = APIRouter(route_class=WebRoute)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme) is followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/queue"


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    sessions = state(request).sessions
    data = sessions.anonymous(request)
    # A fresh home has no account yet: the form says how to make the first one.
    first = not service(request).users()
    page = render(request, "login.html", csrf=data["c"], next=_safe_next(next), error=None,
                  email="", first=first)  # fmt: skip
    sessions.write(request, page, data)
    return page


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/queue",
) -> Response:
    sessions = state(request).sessions
    check_csrf(request, str(sessions.read(request).get("c", "")), csrf)
    host = request.client.host if request.client else "?"
    request.app.state.limiter.hit("login:" + host)
    try:
        issued = service(request).login(email.strip(), password)
    except AccessError:
        page = render(request, "login.html", status=401, csrf=csrf, next=_safe_next(next),
                      error="Wrong e-mail or password.", email=email, first=False)  # fmt: skip
        return page
    response = RedirectResponse(_safe_next(next), status_code=303)
    # A new CSRF token with the new session: one set before login is not reused.
    sessions.write(request, response, {"t": issued.token, "i": issued.id,
                                       "c": secrets.token_urlsafe(24)})  # fmt: skip
    return response


@router.post("/logout")
def logout(
    request: Request,
    who: Annotated[WebUser, Depends(user)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    posted(request, who, csrf)
    if who.token_id:
        service(request).revoke_token(who.token_id, who.caller)
    response = RedirectResponse("/login", status_code=303)
    state(request).sessions.clear(response)
    return response
