"""Messages between an incident's organisation and one other (IONICS's targeted
communication between focal points): a thread per (incident, other organisation), read
by those two only (the store's read filters on it), every message audited without its
text.

An organisation that may see an incident asks about it there; one that may not, but was
alerted to a match with it, asks through the alert, and still learns nothing of the
incident but the answer it is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from narcwatch.errors import NotFoundError, UsageError
from narcwatch.results.share import Message, MessageDraft
from narcwatch.store.audit import Event

if TYPE_CHECKING:
    from narcwatch.jobs.share import Caller, ShareService

__all__ = ["alert_messages", "ask_about_alert", "incident_messages", "post_message"]


def post_message(
    svc: ShareService, caller: Caller, incident_id: str, draft: MessageDraft
) -> Message:
    """Write in the thread of an incident the caller may see: its own thread with
    the owner, or, for the owner, the thread of ``draft.to`` (an organisation that
    may see the incident, or that asked about it through an alert)."""
    svc.check_writer(caller)
    stored = svc.incidents.get(incident_id, visibility=caller.visibility)
    thread = caller.org
    if stored.incident.org == caller.org:
        if not draft.to or draft.to == caller.org:
            raise UsageError("the incident's organisation answers a thread: give 'to'")
        theirs = svc.accounts.visibility_of(draft.to)
        seen = svc.incidents.visible_to(stored.pk, visibility=theirs)
        if not seen and not svc.messages.has_thread(stored.pk, draft.to):
            raise NotFoundError(f"no thread with {draft.to!r} on this incident")
        thread = draft.to
    return _post(svc, caller, stored.pk, incident_id, thread, draft.body, True)


def ask_about_alert(
    svc: ShareService, caller: Caller, alert_id: int, draft: MessageDraft
) -> Message:
    """Ask the organisation of an alert's other incident about it, whether or not the
    caller may see that incident (the alert's "whom to ask")."""
    svc.check_writer(caller)
    found = svc.alerts.other_of(alert_id, visibility=caller.visibility)
    if found is None:
        raise NotFoundError(f"no alert {alert_id}")
    pk, incident_id, seen = found
    return _post(svc, caller, pk, incident_id, caller.org, draft.body, seen)


def _post(
    svc: ShareService, caller: Caller, pk: int, incident_id: str, thread: str, body: str, show: bool
) -> Message:
    event = Event(
        caller.email,
        caller.org,
        "message.post",
        incident_id,
        {"token_id": caller.token_id, "thread": thread},
    )
    message_id = svc.messages.post(pk, thread, caller.org, caller.email, body, event)
    mine = svc.messages.read(
        pk, visibility=caller.visibility, show_incident=show, thread_org=thread
    )
    return next(m for m in mine if m.id == message_id)


def incident_messages(svc: ShareService, caller: Caller, incident_id: str) -> list[Message]:
    """The threads of an incident the caller may see: all of them for its owner."""
    stored = svc.incidents.get(incident_id, visibility=caller.visibility)
    return svc.messages.read(stored.pk, visibility=caller.visibility, show_incident=True)


def alert_messages(svc: ShareService, caller: Caller, alert_id: int) -> list[Message]:
    """The caller's thread about an alert's other incident."""
    found = svc.alerts.other_of(alert_id, visibility=caller.visibility)
    if found is None:
        raise NotFoundError(f"no alert {alert_id}")
    pk, _, seen = found
    return svc.messages.read(
        pk, visibility=caller.visibility, show_incident=seen, thread_org=caller.org
    )
