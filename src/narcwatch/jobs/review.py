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

from narcwatch.errors import AccessError
from narcwatch.jobs.context import Context
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
)
from narcwatch.store.reviews import ReviewRepository
from narcwatch.store.visibility import Visibility

__all__ = [
    "NO_PLATFORM",
    "QueueFilter",
    "decide",
    "export_labels",
    "offers_csv",
    "offers_over_time",
    "queue_job",
    "show_document",
]


def queue_job(
    ctx: Context,
    where: QueueFilter | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    visibility: Visibility | None = None,
) -> QueuePage:
    """Findings to review, highest risk first, with their latest decisions."""
    with ctx.open_store() as store:
        return review_queue(
            store, where or QueueFilter(), limit=limit, offset=offset, visibility=visibility
        )


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
) -> Review:
    """Record an analyst's decision on a document (audited as ``review.<decision>``).
    ``role``: the server account's; a reader may look but not decide."""
    if role == "reader":
        raise AccessError("role 'reader' may read but not record decisions")
    with ctx.open_store() as store:
        return ReviewRepository(store).add(doc_id, decision, analyst=analyst, org=org, note=note)


def export_labels(
    ctx: Context, *, visibility: Visibility | None = None
) -> Iterator[LabelledRecord]:
    """Every confirmed or dismissed document as a labelled record (``label``: offer or
    not_offer), for ``narcwatch eval --labels label --positive offer``."""
    with ctx.open_store() as store:
        yield from ReviewRepository(store).labelled(visibility=visibility)


def offers_over_time(
    ctx: Context, by: str, *, top: int = 8, visibility: Visibility | None = None
) -> OfferSeries:
    """Drug offers a day per substance or platform."""
    with ctx.open_store() as store:
        return offer_series(store, by, top=top, visibility=visibility)


def offers_csv(series: OfferSeries) -> str:
    """The series as CSV: one row per day, one column per substance or platform."""
    counts = {(p.day, p.key): p.offers for p in series.points}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["day", *series.keys])
    for day in series.days:
        writer.writerow([day, *(counts.get((day, k), 0) for k in series.keys)])
    return out.getvalue()
