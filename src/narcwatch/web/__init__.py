"""The analyst's workbench (issue 18): a web UI served by ``narcwatch serve`` at ``/``,
next to the API under ``/api/v1``, over the same jobs, login and visibility rules.

Server-rendered Jinja pages with one small script of our own (``static/app.js``:
keyboard triage, the alerts inbox's live updates by Server-Sent Events, and charts saved
as PNG through a canvas), SVG charts drawn on the server, and no
third-party JavaScript at all: nothing to vendor, audit or keep patched, every page
works without script, and captured content can never share a page with code.

    app = create_app(settings, ctx=ctx)   # calls mount(app, ctx)
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from narcwatch.jobs.context import Context

__all__ = ["mount"]

STATIC = Path(__file__).parent / "static"
SESSION_HOURS = 8.0


def mount(app: FastAPI, ctx: Context | None, *, session_hours: float = SESSION_HOURS) -> None:
    """Add the UI's pages to ``app``; without a context (an app over a bare service, as
    some API tests build) there is no home to read findings from, and no UI."""
    if ctx is None:
        return
    from narcwatch.web import actors, alerts, dashboard, incidents, login, messages, review, search
    from narcwatch.web.api import router as api_router
    from narcwatch.web.base import WebState
    from narcwatch.web.session import Sessions, load_secret

    app.state.web = WebState(
        ctx=ctx, sessions=Sessions(load_secret(ctx.home), max_age=int(session_hours * 3600))
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (login, review, actors, incidents, messages, alerts, dashboard, search):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api_router, prefix="/api/v1")
