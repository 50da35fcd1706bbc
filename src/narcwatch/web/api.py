"""The review's API under ``/api/v1/review`` (bearer tokens, as the rest of the API):
every page and action of the UI's queue, document view and dashboards, for scripts."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from narcwatch.jobs import market
from narcwatch.jobs import review as jobs
from narcwatch.jobs.context import Context
from narcwatch.jobs.share import Caller
from narcwatch.results.base import Record
from narcwatch.results.market import FirstSeenList, GramPrices
from narcwatch.results.review import Decision, DocumentView, OfferSeries, QueuePage, Review
from narcwatch.server.auth import caller

router = APIRouter(tags=["review"])
CallerDep = Annotated[Caller, Depends(caller)]
Family = Annotated[
    str | None, Query(max_length=64, description="Substance family: fentanyl, cathinone...")
]
Control = Annotated[
    str | None,
    Query(pattern=r"^(1961|1971|1988|national|none)$",
          description="Control status: a UN convention, national lists only, or none known"),
]  # fmt: skip


Country = Annotated[
    str | None,
    Query(pattern=r"^[A-Za-z]{2}$",
          description="ISO 3166-1 alpha-2: a listing's origin column or a phone's region"),
]  # fmt: skip


class DecisionBody(Record):
    decision: Decision
    note: str = ""


def _ctx(request: Request) -> Context:
    ctx: Context = request.app.state.web.ctx
    return ctx


@router.get("/review/queue", response_model=QueuePage)
def queue(
    request: Request,
    who: CallerDep,
    platform: Annotated[str | None, Query(max_length=128)] = None,
    substance: Annotated[str | None, Query(max_length=128)] = None,
    kind: Annotated[str | None, Query(pattern=r"^(drug|other|talk)$")] = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    since: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    until: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    undecided: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    family: Family = None,
    control: Control = None,
    country: Country = None,
) -> QueuePage:
    """Findings to review, highest risk first, with each one's latest decision."""
    where = jobs.QueueFilter(platform, substance, kind, min_score, since, until, undecided,
                             country=country.upper() if country else None)  # fmt: skip
    return jobs.queue_job(_ctx(request), where, limit=limit, offset=offset,
                          visibility=who.visibility, family=family, control=control)  # fmt: skip


@router.get("/review/documents/{doc_id}", response_model=DocumentView)
def document(request: Request, who: CallerDep, doc_id: str) -> DocumentView:
    """One stored document's finding, actor and decisions."""
    return jobs.show_document(_ctx(request), doc_id, visibility=who.visibility)


@router.post("/review/documents/{doc_id}", response_model=Review, status_code=201)
def decide(
    request: Request, who: CallerDep, doc_id: str, body: Annotated[DecisionBody, Body()]
) -> Review:
    """Record a decision (confirm, dismiss, escalate) as the caller; audited."""
    return jobs.decide(_ctx(request), doc_id, body.decision, analyst=who.email, org=who.org,
                       role=who.role, note=body.note, visibility=who.visibility)  # fmt: skip


@router.get("/review/export", response_class=StreamingResponse)
def export(request: Request, who: CallerDep) -> Response:
    """Confirmed (label offer) and dismissed (not_offer) documents as JSON Lines."""
    records = jobs.export_labels(_ctx(request), visibility=who.visibility)
    lines = (json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n" for r in records)
    return StreamingResponse(lines, media_type="application/x-ndjson")


@router.get("/review/offers", response_model=OfferSeries)
def offers(
    request: Request,
    who: CallerDep,
    by: Annotated[str, Query(pattern=r"^(substance|platform|country)$")] = "substance",
    family: Family = None,
    control: Control = None,
) -> OfferSeries:
    """Drug offers a day per substance, platform or country (the dashboards' data)."""
    return jobs.offers_over_time(_ctx(request), by, visibility=who.visibility, family=family,
                                 control=control)  # fmt: skip


@router.get("/review/first-seen", response_model=FirstSeenList)
def first_seen(
    request: Request,
    who: CallerDep,
    family: Family = None,
    control: Control = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> FirstSeenList:
    """Substances by the day a stored document first named them, newest first."""
    return market.first_seen_job(_ctx(request), family=family, control=control, limit=limit,
                                 visibility=who.visibility)  # fmt: skip


@router.get("/review/prices", response_model=GramPrices)
def prices(
    request: Request, who: CallerDep, family: Family = None, control: Control = None
) -> GramPrices:
    """Median price per gram per substance, market and currency of the drug offers."""
    return market.gram_prices(_ctx(request), family=family, control=control,
                              visibility=who.visibility)  # fmt: skip
