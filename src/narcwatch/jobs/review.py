"""Jobs of the analyst's review (issue 18): the queue, one document, decisions, the
labelled export and offers over time. The web UI, its API routes and the CLI call these::

    page = review_queue(ctx, QueueFilter(kind="drug", min_score=0.5), limit=50)
    review = decide(ctx, page.items[0].doc_id, Decision.CONFIRM, analyst="ana@customs")
    for record in export_labels(ctx): ...          # what narcwatch eval reads

Reads take the caller's Visibility (None: everything, the analyst's own home).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace

from narcwatch.errors import AccessError, UsageError
from narcwatch.jobs.context import Context
from narcwatch.kb.schema import Substance
from narcwatch.results.review import (
    Decision,
    DocumentView,
    LabelledRecord,
    OfferSeries,
    QueuePage,
    Review,
)
from narcwatch.store.queue import (
    NO_PLATFORM,
    QueueFilter,
    document_view,
    offer_series,
    review_queue,
    stored_substances,
)
from narcwatch.store.reviews import ReviewRepository
from narcwatch.store.visibility import Visibility, require_findings

__all__ = [
    "CONTROLS",
    "NO_PLATFORM",
    "QueueFilter",
    "decide",
    "export_labels",
    "families_stored",
    "offers_csv",
    "offers_over_time",
    "queue_job",
    "show_document",
    "substances_of",
]

# Control statuses a finding's substances can be filtered by (the knowledge base's
# schedules): under a UN convention, on national lists only, or under no control known.
CONTROLS = {
    "1961": "UN 1961 (narcotics)",
    "1971": "UN 1971 (psychotropics)",
    "1988": "UN 1988 (precursors)",
    "national": "national lists only",
    "none": "none known",
}


def substances_of(
    ctx: Context, *, family: str | None = None, control: str | None = None
) -> frozenset[str] | None:
    """The knowledge-base ids of a structural family (``fentanyl``, ``cathinone``...) and
    of a control status (:data:`CONTROLS`), both when both are given; None for neither."""
    if not family and not control:
        return None
    if control and control not in CONTROLS:
        raise UsageError(f"unknown control status {control!r}", options=list(CONTROLS))
    found = set()
    for sid, sub in ctx.kb.substances.items():
        if family and sub.family != family:
            continue
        if control and control not in _statuses(sub):
            continue
        found.add(sid)
    return frozenset(found)


def _statuses(sub: Substance) -> set[str]:
    """A substance's control statuses: the UN conventions it is scheduled under, else
    ``national`` (national lists only), else ``none``."""
    schedules = [c.schedule for c in sub.control]
    years = {x.split("-")[0] for x in schedules if not x.startswith("national:")}
    return years or ({"national"} if schedules else {"none"})


def families_stored(ctx: Context, *, visibility: Visibility | None = None) -> list[str]:
    """The structural families of the substances found in the stored documents."""
    with ctx.open_store() as store:
        ids = stored_substances(store, visibility=visibility)
    subs = ctx.kb.substances
    return sorted({f for i in ids if i in subs and (f := subs[i].family)})


def queue_job(
    ctx: Context,
    where: QueueFilter | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    visibility: Visibility | None = None,
    family: str | None = None,
    control: str | None = None,
) -> QueuePage:
    """Findings to review, highest risk first, with their latest decisions; ``family``
    and ``control`` keep those naming a substance of that family and control status."""
    where = where or QueueFilter()
    ids = substances_of(ctx, family=family, control=control)
    if ids is not None:
        where = replace(where, substances_any=ids)
    with ctx.open_store() as store:
        return review_queue(store, where, limit=limit, offset=offset, visibility=visibility)


def show_document(
    ctx: Context, doc_id: str, *, visibility: Visibility | None = None
) -> DocumentView:
    """One stored document's finding, its actor and its decisions."""
    with ctx.open_store() as store:
        return document_view(store, doc_id, visibility=visibility)


def decide(
    ctx: Context,
    doc_id: str,
    decision: Decision,
    *,
    analyst: str,
    org: str | None = None,
    role: str | None = None,
    note: str = "",
    visibility: Visibility | None = None,
) -> Review:
    """Record an analyst's decision on a document (audited as ``review.<decision>``).
    ``role``: the server account's; a reader may look but not decide. A caller outside
    the home organisation finds no document to decide on."""
    require_findings(visibility, f"document {doc_id!r}")  # not found before refused
    if role == "reader":
        raise AccessError("role 'reader' may read but not record decisions")
    with ctx.open_store() as store:
        return ReviewRepository(store).add(doc_id, decision, analyst=analyst, org=org,
                                           note=note, visibility=visibility)  # fmt: skip


def export_labels(
    ctx: Context, *, visibility: Visibility | None = None
) -> Iterator[LabelledRecord]:
    """Every confirmed or dismissed document as a labelled record (``label``: offer or
    not_offer), for ``narcwatch eval --labels label --positive offer``."""
    with ctx.open_store() as store:
        yield from ReviewRepository(store).labelled(visibility=visibility)


def offers_over_time(
    ctx: Context,
    by: str,
    *,
    top: int = 8,
    visibility: Visibility | None = None,
    family: str | None = None,
    control: str | None = None,
) -> OfferSeries:
    """Drug offers a day per substance or platform (of a family, a control status)."""
    ids = substances_of(ctx, family=family, control=control)
    with ctx.open_store() as store:
        return offer_series(store, by, top=top, visibility=visibility, substances_any=ids)


def offers_csv(series: OfferSeries) -> str:
    """The series as CSV: one row per day, one column per substance or platform."""
    counts = {(p.day, p.key): p.offers for p in series.points}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["day", *series.keys])
    for day in series.days:
        writer.writerow([day, *(counts.get((day, k), 0) for k in series.keys)])
    return out.getvalue()
