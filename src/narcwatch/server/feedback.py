"""Comments and sightings on incidents under ``/api/v1`` (issue 17): what other
organisations say about an incident and whether they saw it too, read by everyone who
may see the incident. Thin, like :mod:`narcwatch.server.routes`: validate, call one job
of :mod:`narcwatch.jobs.share_feedback`, return its typed result. An incident the caller
may not see is a 404 on every path, read or write.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from narcwatch.jobs import share_feedback
from narcwatch.results.feedback import Comment, CommentDraft, Sighting, SightingDraft
from narcwatch.server.routes import MAX_ID, CallerDep, IncidentId, ServiceDep

__all__ = ["router"]

router = APIRouter(tags=["feedback"])

After = Annotated[int, Query(ge=0, le=MAX_ID, description="Only those after this id")]
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/incidents/{incident_id}/comments", response_model=list[Comment])
def incident_comments(
    incident_id: IncidentId, who: CallerDep, svc: ServiceDep, after: After = 0,
    limit: Limit = 100,
) -> list[Comment]:  # fmt: skip
    """The comments on an incident, oldest first; 404 like ``GET`` for an incident the
    caller may not see."""
    return share_feedback.comments(svc, who, incident_id, after=after, limit=limit)


@router.post("/incidents/{incident_id}/comments", response_model=Comment, status_code=201)
def post_comment(
    incident_id: IncidentId, draft: Annotated[CommentDraft, Body()], who: CallerDep,
    svc: ServiceDep,
) -> Comment:  # fmt: skip
    """Comment on an incident: read by every organisation that may see it (admins and
    analysts; readers may not write). Audited without the text."""
    return share_feedback.post_comment(svc, who, incident_id, draft)


@router.get("/incidents/{incident_id}/sightings", response_model=list[Sighting])
def incident_sightings(
    incident_id: IncidentId, who: CallerDep, svc: ServiceDep, after: After = 0,
    limit: Limit = 100,
) -> list[Sighting]:  # fmt: skip
    """The sightings of an incident, oldest first; 404 like ``GET`` for an incident the
    caller may not see."""
    return share_feedback.sightings(svc, who, incident_id, after=after, limit=limit)


@router.post("/incidents/{incident_id}/sightings", response_model=Sighting, status_code=201)
def post_sighting(
    incident_id: IncidentId, draft: Annotated[SightingDraft, Body()], who: CallerDep,
    svc: ServiceDep,
) -> Sighting:  # fmt: skip
    """Report that the caller's organisation saw the incident too (``seen``), found it
    wrong (``false_positive``) or over (``expired``), with when and where if known; the
    incident's ``sightings`` counts each kind. Admins and analysts; audited."""
    return share_feedback.post_sighting(svc, who, incident_id, draft)
