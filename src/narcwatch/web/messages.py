"""Message threads between an incident's organisation and one other, through the same
jobs as ``/api/v1/incidents/{id}/messages`` and ``/api/v1/alerts/{id}/messages``: only
the two organisations read a thread, an incident the analyst may not see is a 404 as in
the API, and every message is audited. Bodies are shown as text, never markup.

- On an incident's page (:func:`narcwatch.web.incidents.incident_page`): the caller's
  thread with the owner, or, for the owner, one per organisation, each with a reply form.
- ``/alerts/{id}/messages``: asking the organisation behind an alert's match about it,
  whether or not the analyst may see that incident (it stays undisclosed).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from narcwatch.errors import NotFoundError, UsageError
from narcwatch.results.share import Alert, MessageDraft, Role
from narcwatch.server.routes import MAX_ID
from narcwatch.web.base import WebRoute, posted, service, user
from narcwatch.web.incidents import incident_page
from narcwatch.web.session import WebUser
from narcwatch.web.views import render

router = APIRouter(route_class=WebRoute)
Me = Annotated[WebUser, Depends(user)]
IncidentId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
AlertId = Annotated[int, Path(ge=1, le=MAX_ID)]
Body = Annotated[str, Form(max_length=20_000)]


def _draft(body: str, to: str | None) -> MessageDraft | str:
    """The form as the API's body, or what is wrong with it."""
    try:
        return MessageDraft(body=body.strip(), to=to or None)
    except ValidationError as exc:
        error = exc.errors()[0]
        return f"{'.'.join(map(str, error['loc']))}: {error['msg']}"


@router.post("/incidents/{incident_id}/messages")
def post_incident_message(
    request: Request,
    who: Me,
    incident_id: IncidentId,
    body: Body = "",
    to: Annotated[str | None, Form(max_length=128)] = None,
    csrf: Annotated[str | None, Form(max_length=100)] = None,
) -> Response:
    """Ask the incident's organisation (or, as that organisation, answer ``to``)."""
    posted(request, who, csrf)
    draft = _draft(body, to)
    if isinstance(draft, str):
        return incident_page(request, who, incident_id, status=400, error=draft,
                             draft={"body": body, "to": to or ""})  # fmt: skip
    try:
        sent = service(request).post_message(who.caller, incident_id, draft)
    except (UsageError, NotFoundError) as exc:
        # The incident itself is checked first: one the analyst may not see stays a 404
        # page; a thread the owner may not start is said on the incident's page.
        service(request).get_incident(who.caller, incident_id)
        return incident_page(request, who, incident_id, status=400, error=str(exc),
                             draft={"body": body, "to": to or ""})  # fmt: skip
    return RedirectResponse(f"/incidents/{incident_id}#thread-{sent.thread_org}", status_code=303)


def _alert(request: Request, who: WebUser, alert_id: int) -> Alert:
    """One of the caller's alerts (the alerts job, from just before its id)."""
    page = service(request).list_alerts(who.caller, after=alert_id - 1, limit=1)
    if not page.items or page.items[0].id != alert_id:
        raise NotFoundError(f"no alert {alert_id}")
    return page.items[0]


def _alert_page(request: Request, who: WebUser, alert_id: int, *, status: int = 200,
                error: str | None = None, body: str = "") -> Response:  # fmt: skip
    alert = _alert(request, who, alert_id)
    svc = service(request)
    messages = svc.alert_messages(who.caller, alert_id)
    mine = svc.get_incident(who.caller, alert.incident).title  # our own incident
    return render(request, "alert_thread.html", status=status, user=who, nav="alerts",
                  alert=alert, messages=messages, error=error, body=body, mine=mine,
                  writer=who.caller.role != Role.READER)  # fmt: skip


@router.get("/alerts/{alert_id}/messages")
def alert_thread(request: Request, who: Me, alert_id: AlertId) -> Response:
    return _alert_page(request, who, alert_id)


@router.post("/alerts/{alert_id}/messages")
def post_alert_message(
    request: Request,
    who: Me,
    alert_id: AlertId,
    body: Body = "",
    csrf: Annotated[str | None, Form(max_length=100)] = None,
) -> Response:
    """Ask the organisation behind an alert's match, as ``POST /alerts/{id}/messages``."""
    posted(request, who, csrf)
    draft = _draft(body, None)
    if isinstance(draft, str):
        return _alert_page(request, who, alert_id, status=400, error=draft, body=body)
    service(request).ask_about_alert(who.caller, alert_id, draft)
    return RedirectResponse(f"/alerts/{alert_id}/messages", status_code=303)
