"""``GET /api/v1/alerts/stream``: the caller's alerts as Server-Sent Events.

The stream reads new alerts through the same job and store read as ``GET /alerts``
(so the same visibility applies). It looks when alerts are stored: at once for those
stored by this process, and on PostgreSQL for those of any process (another worker,
another server on the same database, a sync run) through LISTEN/NOTIFY
(:meth:`ShareService.watch_alerts`, :class:`AlertWake`). It also looks every
``poll_seconds`` whatever happens, so a missed notification delays an alert, never
loses it.

Each event is ``id: <alert id>``, ``event: alert``, ``data: <Alert JSON>``; a client
that reconnects with ``Last-Event-ID`` (or ``?after=``) resumes after it. ``?limit=N``
ends the stream after N alerts (scripts, tests). The token is checked again at every
poll: a revoked or expired token ends the stream.

:func:`alert_events` is the stream itself, shared with the web UI's alerts inbox
(``narcwatch.web.alerts``), which authenticates by its session cookie instead.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from narcwatch.errors import AccessError
from narcwatch.jobs.share import Caller, ShareService
from narcwatch.results.share import Alert
from narcwatch.server.auth import bearer, caller, service
from narcwatch.server.routes import MAX_ID, After

__all__ = ["AlertWake", "alert_events", "resume_after", "router"]

router = APIRouter()


@router.get(
    "/alerts/stream",
    tags=["alerts"],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Alert events"}},
)
async def stream_alerts(
    request: Request,
    who: Annotated[Caller, Depends(caller)],
    svc: Annotated[ShareService, Depends(service)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    after: After = 0,
    limit: Annotated[int | None, Query(ge=1, description="Close after this many")] = None,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    """New correlation alerts of the caller's organisation as they are raised (SSE)."""
    token = credentials.credentials if credentials else None
    events = alert_events(
        request, svc, who, lambda: svc.authenticate(token),
        after=resume_after(after, last_event_id), limit=limit,
    )  # fmt: skip
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


class AlertWake:
    """Wakes the event loop's waiting streams when alerts are stored (called from any
    thread by :meth:`ShareService.watch_alerts`). A stream takes :meth:`token` before it
    reads, then waits on it: an alert stored between its read and its wait still wakes
    it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._event = asyncio.Event()

    def token(self) -> asyncio.Event:
        return self._event

    def fire_threadsafe(self) -> None:
        self.loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()


async def _wait(token: asyncio.Event | None, seconds: float) -> None:
    if token is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(token.wait(), seconds)


def resume_after(after: int, last_event_id: str | None) -> int:
    """Where a stream starts: after ``?after=`` or the ``Last-Event-ID`` a reconnecting
    client sends, whichever is later."""
    if last_event_id and last_event_id.isascii() and last_event_id.isdigit():
        # ASCII digits only ("²".isdigit() too, but int() refuses it), at most MAX_ID.
        after = max(after, min(int(last_event_id), MAX_ID))
    return after


async def alert_events(
    request: Request,
    svc: ShareService,
    who: Caller,
    recheck: Callable[[], Caller],
    *,
    after: int = 0,
    limit: int | None = None,
    data: Callable[[Caller, Alert], str] | None = None,
) -> AsyncIterator[str]:
    """The SSE events of ``who``'s alerts after ``after``: the API's stream and the web
    UI's inbox (which authenticates by its session cookie and adds to each alert what
    ``data`` renders, in a worker thread). ``recheck`` gives the caller again at every
    poll, or raises AccessError: the stream then ends."""
    settings = request.app.state.settings
    wake: AlertWake | None = getattr(request.app.state, "alert_wake", None)
    last, sent, idle = after, 0, 0.0
    yield "retry: 3000\n\n"
    while True:
        token = wake.token() if wake is not None else None
        page = await run_in_threadpool(svc.list_alerts, who, after=last, limit=100)
        for alert in page.items:
            body = (
                alert.model_dump_json()
                if data is None
                else await run_in_threadpool(data, who, alert)
            )
            yield f"id: {alert.id}\nevent: alert\ndata: {body}\n\n"
            last, sent, idle = alert.id, sent + 1, 0.0
            if limit is not None and sent >= limit:
                return
        if page.items:
            continue
        if await request.is_disconnected():
            return
        pause = max(0.01, min(settings.poll_seconds, settings.heartbeat_seconds - idle))
        started = asyncio.get_running_loop().time()
        await _wait(token, pause)
        idle += asyncio.get_running_loop().time() - started
        if idle >= settings.heartbeat_seconds:
            yield ": keep-alive\n\n"
            idle = 0.0
        try:
            who = await run_in_threadpool(recheck)
        except AccessError:
            yield "event: end\ndata: token no longer valid\n\n"
            return
