"""Comments and sightings from other organisations on shared incidents (issue 17), in
the manner of MISP sightings and IONICS feedback.

Whoever may see an incident reads its comments and sightings and, as an admin or an
analyst, adds to them; whoever may not gets a 404 exactly like an incident that does not
exist (the store's reads decide). Every comment and sighting is audited (a comment
without its text). Incidents returned by the server carry the counts (read with them by
the store's incident reads).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from narcwatch.exchange.stix_sightings import add_sightings
from narcwatch.results.feedback import Comment, CommentDraft, Sighting, SightingDraft
from narcwatch.store.audit import Event
from narcwatch.store.feedback import FeedbackRepository

if TYPE_CHECKING:
    from narcwatch.jobs.share import Caller, ShareService
    from narcwatch.results.incident import Incident

__all__ = ["comments", "post_comment", "post_sighting", "sightings", "stix_sightings"]


def _repo(svc: ShareService) -> FeedbackRepository:
    return FeedbackRepository(svc.store)


def post_comment(
    svc: ShareService, caller: Caller, incident_id: str, draft: CommentDraft
) -> Comment:
    """Comment on an incident the caller may see (404 otherwise; 403 for a reader)."""
    stored = svc.incidents.get(incident_id, visibility=caller.visibility)
    svc.check_writer(caller)
    event = Event(caller.email, caller.org, "comment.post", incident_id,
                  {"token_id": caller.token_id})  # fmt: skip
    return _repo(svc).add_comment(
        stored.pk, incident_id, caller.org, caller.email, draft.body, event
    )


def post_sighting(
    svc: ShareService, caller: Caller, incident_id: str, draft: SightingDraft
) -> Sighting:
    """Report a sighting of an incident the caller may see (404 otherwise; 403 for a
    reader)."""
    stored = svc.incidents.get(incident_id, visibility=caller.visibility)
    svc.check_writer(caller)
    detail = {"token_id": caller.token_id, "kind": draft.kind.value, "country": draft.country}
    event = Event(caller.email, caller.org, "sighting.post", incident_id, detail)
    return _repo(svc).add_sighting(
        stored.pk, incident_id, caller.org, caller.email, kind=draft.kind, seen=draft.seen,
        country=draft.country, note=draft.note, event=event,
    )  # fmt: skip


def comments(
    svc: ShareService, caller: Caller, incident_id: str, *, after: int = 0, limit: int = 100
) -> list[Comment]:
    """The comments on an incident the caller may see, oldest first (404 otherwise)."""
    stored = svc.incidents.get(incident_id, visibility=caller.visibility)
    return _repo(svc).comments(stored.pk, visibility=caller.visibility, after=after, limit=limit)


def sightings(
    svc: ShareService, caller: Caller, incident_id: str, *, after: int = 0, limit: int = 100
) -> list[Sighting]:
    """The sightings of an incident the caller may see, oldest first (404 otherwise)."""
    stored = svc.incidents.get(incident_id, visibility=caller.visibility)
    return _repo(svc).sightings(stored.pk, visibility=caller.visibility, after=after, limit=limit)


def stix_sightings(
    svc: ShareService, caller: Caller, incidents: list[Incident], body: bytes
) -> bytes:
    """A STIX export ``body`` of ``incidents`` with their ``seen`` sightings added as
    STIX 2.1 Sighting objects (read with the caller's visibility, like the incidents)."""
    seen = _repo(svc).seen_in([i.id for i in incidents], visibility=caller.visibility)
    if not seen:
        return body
    bundle = add_sightings(json.loads(body), incidents, seen)
    return (json.dumps(bundle, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
