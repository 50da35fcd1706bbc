"""Analysts' review decisions: recorded (audited in the hash-chained log, in the same
transaction), read back as each document's latest, and exported as labelled data. A
caller outside the home organisation neither records nor reads any (not found, empty)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select

from narcwatch.errors import NotFoundError
from narcwatch.results.review import Decision, LabelledRecord, Review
from narcwatch.store import Store
from narcwatch.store.audit import Event, run_audited, utc
from narcwatch.store.review_tables import ReviewRow
from narcwatch.store.tables import DocumentRow
from narcwatch.store.visibility import Visibility, sees_findings

__all__ = ["ReviewRepository", "latest_reviews"]

# The label each decision gives a document in the export (escalated ones have none yet).
LABELS = {Decision.CONFIRM.value: "offer", Decision.DISMISS.value: "not_offer"}


def _review(row: ReviewRow) -> Review:
    return Review(
        doc_id=row.doc_id,
        decision=Decision(row.decision),
        analyst=row.analyst,
        org=row.org,
        note=row.note,
        at=utc(row.at),
    )


def latest_reviews(store: Store, doc_ids: Sequence[str]) -> dict[str, Review]:
    """The latest decision on each of ``doc_ids`` that has one."""
    if not doc_ids:
        return {}
    newest = (
        select(func.max(ReviewRow.pk))
        .where(ReviewRow.doc_id.in_(list(doc_ids)))
        .group_by(ReviewRow.doc_id)
    )
    with store.session() as s:
        return {
            r.doc_id: _review(r)
            for r in s.scalars(select(ReviewRow).where(ReviewRow.pk.in_(newest)))
        }


class ReviewRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        doc_id: str,
        decision: Decision,
        *,
        analyst: str,
        org: str | None,
        note: str = "",
        visibility: Visibility | None = None,
    ) -> Review:
        """Record a decision on a stored document (NotFoundError for an unknown one, and
        for any document when ``visibility`` may not see the home's findings)."""
        if not sees_findings(visibility):
            raise NotFoundError(f"no document {doc_id!r}")
        with self.store.session() as s:
            known = s.scalar(select(DocumentRow.pk).where(DocumentRow.doc_id == doc_id))
        if known is None:
            raise NotFoundError(f"no document {doc_id!r}")
        row = ReviewRow(
            doc_id=doc_id,
            decision=decision.value,
            analyst=analyst[:320],
            org=org,
            note=note[:10_000],
            at=datetime.now(UTC),
        )
        event = Event(analyst, org, "review." + decision.value, doc_id)
        run_audited(self.store, event, lambda session: session.add(row))
        return _review(row)

    def history(self, doc_id: str) -> list[Review]:
        """Every decision on a document, newest first."""
        with self.store.session() as s:
            rows = s.scalars(
                select(ReviewRow).where(ReviewRow.doc_id == doc_id).order_by(ReviewRow.pk.desc())
            )
            return [_review(r) for r in rows]

    def labelled(self, *, visibility: Visibility | None = None) -> Iterator[LabelledRecord]:
        """Each document whose latest decision is confirm or dismiss, as a labelled record
        (oldest decision first); none for a caller outside the home organisation."""
        if not sees_findings(visibility):
            return
        newest = select(func.max(ReviewRow.pk)).group_by(ReviewRow.doc_id)
        query = (
            select(ReviewRow, DocumentRow.finding)
            .join(DocumentRow, DocumentRow.doc_id == ReviewRow.doc_id)
            .where(ReviewRow.pk.in_(newest), ReviewRow.decision.in_(list(LABELS)))
            .order_by(ReviewRow.pk)
        )
        with self.store.session() as s:
            for row, finding in s.execute(query):
                data = json.loads(finding)
                doc = data.get("doc", {})
                yield LabelledRecord(
                    id=row.doc_id,
                    label=LABELS[row.decision],  # type: ignore[arg-type]
                    title=doc.get("title"),
                    text=doc.get("text"),
                    platform=doc.get("platform"),
                    author=doc.get("author"),
                    url=doc.get("url"),
                    offer_score=float(data.get("offer_score", 0.0)),
                    analyst=row.analyst,
                    at=utc(row.at),
                )
