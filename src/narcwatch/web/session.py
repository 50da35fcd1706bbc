"""Signed session cookies, CSRF tokens and the logged-in analyst.

Logging in goes through :meth:`ShareService.login` (argon2 check, audited) and keeps the
day-long API token it issues in the session cookie, so every page authenticates exactly
as the API does and sees what the API would show (a revoked token or a deleted user
ends the session at once). The cookie is signed with a secret kept in
``HOME/web-secret`` (or ``NARCWATCH_WEB_SECRET``: workers on several hosts must share
it), HttpOnly, SameSite=Lax and Secure over https, and expires after ``max_age``.

Every POST carries the session's CSRF token (a hidden ``csrf`` field, or the
``X-CSRF-Token`` header from the page's script), and a cross-origin ``Origin`` is refused.
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from narcwatch.errors import AccessError
from narcwatch.jobs.share import Caller, ShareService

__all__ = ["COOKIE", "ENV_SECRET", "Sessions", "WebUser"]

COOKIE = "narcwatch_session"
ENV_SECRET = "NARCWATCH_WEB_SECRET"


@dataclass(frozen=True, slots=True)
class WebUser:
    """The analyst a request comes from: the API's caller and the session's CSRF token."""

    caller: Caller
    csrf: str
    token_id: str

    @property
    def email(self) -> str:
        return self.caller.email

    @property
    def org(self) -> str:
        return self.caller.org


def load_secret(home: Path) -> str:
    """The signing secret: from the environment, else ``HOME/web-secret`` (made once,
    readable by its owner only)."""
    given = os.environ.get(ENV_SECRET)
    if given:
        return given
    path = home / "web-secret"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    # Written whole under a temporary name, then linked into place: a worker starting at
    # the same moment either wins or reads the winner's secret, never half of one.
    secret = secrets.token_urlsafe(32)
    tmp = path.with_name(f".web-secret.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secret)
    try:
        os.link(tmp, path)
    except FileExistsError:
        secret = path.read_text(encoding="ascii").strip()
    finally:
        tmp.unlink()
    return secret


class Sessions:
    """Reads and writes the session cookie."""

    def __init__(self, secret: str, *, max_age: int = 8 * 3600) -> None:
        self.max_age = max_age
        self._signer = URLSafeTimedSerializer(secret, salt="narcwatch.web.session")

    def read(self, request: Request) -> dict[str, Any]:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return {}
        try:
            data = self._signer.loads(raw, max_age=self.max_age)
        except BadSignature:  # tampered with, or older than max_age (SignatureExpired)
            return {}
        return data if isinstance(data, dict) else {}

    def write(self, request: Request, response: Response, data: dict[str, Any]) -> None:
        response.set_cookie(
            COOKIE,
            self._signer.dumps(data),
            max_age=self.max_age,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/")

    def anonymous(self, request: Request) -> dict[str, Any]:
        """The session for the login form: the current one, or a new one holding only a
        CSRF token (written by :meth:`write` with the form's response)."""
        data = self.read(request)
        return data if data.get("c") else {"c": secrets.token_urlsafe(24)}

    def user(self, request: Request, svc: ShareService) -> WebUser | None:
        """The logged-in analyst, or None (no session, expired, or its token revoked)."""
        data = self.read(request)
        token = data.get("t")
        if not token:
            return None
        try:
            caller = svc.authenticate(str(token))
        except AccessError:
            return None
        return WebUser(caller=caller, csrf=str(data.get("c", "")), token_id=str(data.get("i", "")))


def check_csrf(request: Request, expected: str, given: str | None) -> None:
    """Refuse a POST without the session's CSRF token or from another origin."""
    origin = request.headers.get("origin")
    if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise AccessError("cross-origin request refused")
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise AccessError("missing or wrong CSRF token; reload the page")
