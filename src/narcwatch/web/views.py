"""Rendering: one Jinja environment (autoescape on for every template, whatever its
name), the security headers every page gets, and the HTML error page."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from narcwatch import __version__

__all__ = ["CAPTURE_CSP", "PAGE_CSP", "render", "secure"]

TEMPLATES = Path(__file__).parent / "templates"

# Pages load their own script, stylesheet and frames only; nothing inline runs (a
# listing's text that slipped past escaping still could not execute).
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# An archived capture: no script, no request anywhere, only its own inline styles and
# data: images; the sandbox directive gives it a unique origin even if opened directly.
CAPTURE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _query(request: Request, **changes: Any) -> str:
    """The current query string with ``changes`` (None removes a key)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return urlencode(params)


_env.globals.update(version=__version__, query=_query)
_env.filters["pct"] = lambda x: f"{100 * float(x):.0f}%"
_env.filters["short"] = lambda s, n=12: (s or "")[:n]


def secure(response: Any, csp: str = PAGE_CSP) -> Any:
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin, not no-referrer: with no-referrer the browser sends "Origin: null" on
    # our own form posts, and the CSRF check refuses them; other sites still get nothing.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    if csp == PAGE_CSP:
        response.headers["X-Frame-Options"] = "DENY"
    return response


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", None)
    context.setdefault("nav", "")
    context.setdefault("csrf", context["user"].csrf if context["user"] else "")
    html = _env.get_template(template).render(request=request, **context)
    return secure(HTMLResponse(html, status_code=status))
