"""The alerts inbox: correlation alerts of the analyst's organisation, and new ones as
they are raised, pushed to the open page by Server-Sent Events.

``/alerts/stream`` is the API's alert stream (:func:`narcwatch.server.stream.alert_events`:
the same job, the same visibility, ``Last-Event-ID`` resume) authenticated by the session
cookie instead of a bearer token, so the page's ``EventSource`` needs no token in
script. The session is checked again at every poll of the stream: logging out, the
token's revocation or the session's expiry ends it. ``/alerts.json`` is the page's
fallback where ``EventSource`` cannot connect.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse

from narcwatch.errors import AccessError, NotFoundError
from narcwatch.jobs.share import Caller
from narcwatch.results.share import Alert
from narcwatch.server.routes import MAX_ID
from narcwatch.server.stream import alert_events, resume_after
from narcwatch.web.base import WebRoute, service, state, user
from narcwatch.web.session import WebUser
from narcwatch.web.views import render, secure

router = APIRouter(route_class=WebRoute)
Me = Annotated[WebUser, Depends(user)]
After = Annotated[int, Query(ge=0, le=MAX_ID)]


class _Titles:
    """Our own incidents' titles by id, to name them in the inbox (read once each)."""

    def __init__(self, request: Request) -> None:
        self.svc = service(request)
        self.known: dict[str, str] = {}

    def __call__(self, caller: Caller, incident_id: str) -> str:
        if incident_id not in self.known:
            try:
                self.known[incident_id] = self.svc.get_incident(caller, incident_id).title
            except NotFoundError:
                self.known[incident_id] = incident_id
        return self.known[incident_id]

    def alert(self, caller: Caller, alert: Alert) -> dict[str, object]:
        """An alert as the page's script reads it: the API's JSON and our title."""
        return {**alert.model_dump(mode="json"), "title": self(caller, alert.incident)}


@router.get("/alerts")
def alerts(request: Request, who: Me) -> Response:
    page = service(request).list_alerts(who.caller, limit=500)
    last = page.items[-1].id if page.items else 0
    titles = _Titles(request)
    names = {a.incident: titles(who.caller, a.incident) for a in page.items}
    return render(request, "alerts.html", user=who, nav="alerts", alerts=page.items[::-1],
                  last=last, titles=names)  # fmt: skip


@router.get("/alerts.json")
def alerts_json(request: Request, who: Me, after: After = 0) -> Response:
    """New alerts after ``after``, each with our incident's title: the inbox's fallback
    where EventSource fails."""
    page = service(request).list_alerts(who.caller, after=after, limit=100)
    titles = _Titles(request)
    items = [titles.alert(who.caller, a) for a in page.items]
    return JSONResponse({"items": items, "next": page.next})


@router.get("/alerts/stream")
async def stream(
    request: Request,
    after: After = 0,
    limit: Annotated[int | None, Query(ge=1)] = None,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> Response:
    """The inbox's live alerts (SSE); a 401 without a session (EventSource gives up)."""
    svc, sessions = service(request), state(request).sessions
    who = await run_in_threadpool(sessions.user, request, svc)
    if who is None:
        return secure(JSONResponse({"error": "log in first"}, status_code=401))

    def recheck() -> Caller:
        found = sessions.user(request, svc)
        if found is None:
            raise AccessError("session ended")
        return found.caller

    titles = _Titles(request)
    events = alert_events(
        request, svc, who.caller, recheck, after=resume_after(after, last_event_id),
        limit=limit, data=lambda caller, alert: json.dumps(titles.alert(caller, alert)),
    )  # fmt: skip
    response = StreamingResponse(events, media_type="text/event-stream",
                                 headers={"X-Accel-Buffering": "no"})  # fmt: skip
    return secure(response)
