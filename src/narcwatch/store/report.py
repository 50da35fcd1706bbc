"""What the store holds, summarised for ``narcwatch report`` (latest versions only)."""

from __future__ import annotations

from sqlalchemy import Integer, distinct, func, select

from narcwatch.results.report import (
    DayRow,
    PlatformRow,
    Report,
    SelectorRow,
    SubstanceRow,
    Totals,
)
from narcwatch.store import Store
from narcwatch.store.tables import DocumentRow, SelectorHitRow, SubstanceHitRow
from narcwatch.store.visibility import Visibility, sees_findings


def build_report(store: Store, *, top: int = 10, visibility: Visibility | None = None) -> Report:
    """The summary of the latest versions (an empty one for a caller outside the home
    organisation, who may count none of its findings; None: everything)."""
    if not sees_findings(visibility):
        zero = Totals(documents=0, versions=0, offers=0, platforms=0, substances=0, selectors=0)
        return Report(totals=zero, by_platform=[], by_published_day=[], by_stored_day=[],
                      top_substances=[], top_selectors=[])  # fmt: skip
    latest = DocumentRow.is_latest.is_(True)
    offers = func.sum(func.cast(DocumentRow.offer, Integer))
    # Documents read without a platform (a plain text file) count as one unknown platform,
    # as they make one row in by_platform; COUNT(DISTINCT) would skip them.
    platform = func.coalesce(DocumentRow.platform, "")
    with store.session() as s:
        documents, n_offers, platforms = s.execute(
            select(func.count(), func.coalesce(offers, 0), func.count(distinct(platform))).where(
                latest
            )
        ).one()
        versions = s.scalar(select(func.count()).select_from(DocumentRow)) or 0
        n_substances = (
            s.scalar(
                select(func.count(distinct(SubstanceHitRow.substance_id)))
                .join(DocumentRow, DocumentRow.pk == SubstanceHitRow.document_pk)
                .where(latest)
            )
            or 0
        )
        n_selectors = (
            s.scalar(
                select(func.count(distinct(SelectorHitRow.type + ":" + SelectorHitRow.value)))
                .join(DocumentRow, DocumentRow.pk == SelectorHitRow.document_pk)
                .where(latest)
            )
            or 0
        )
        by_platform = [
            PlatformRow(platform=p, documents=d, offers=o or 0)
            for p, d, o in s.execute(
                select(DocumentRow.platform, func.count(), offers)
                .where(latest)
                .group_by(DocumentRow.platform)
                .order_by(func.count().desc(), DocumentRow.platform)
            )
        ]
        # Two calendars, never mixed: the day a document says it was published (dated
        # documents only: a 2017 listing is counted in 2017) and the day it was first stored.
        published = func.substr(DocumentRow.published, 1, 10)
        stored = func.substr(func.cast(DocumentRow.first_seen, DocumentRow.published.type), 1, 10)
        by_published_day, by_stored_day = (
            [
                DayRow(day=d, documents=n, offers=o or 0)
                for d, n, o in s.execute(
                    select(day, func.count(), offers)
                    .where(latest, day.is_not(None))
                    .group_by(day)
                    .order_by(day)
                )
            ]
            for day in (published, stored)
        )
        docs = func.count(distinct(DocumentRow.pk))
        sub_offers = func.count(
            distinct(func.nullif(DocumentRow.pk * func.cast(DocumentRow.offer, Integer), 0))
        )
        top_substances = [
            SubstanceRow(id=i, name=n, documents=d, offers=o)
            for i, n, d, o in s.execute(
                select(
                    SubstanceHitRow.substance_id, func.min(SubstanceHitRow.name), docs, sub_offers
                )
                .join(DocumentRow, DocumentRow.pk == SubstanceHitRow.document_pk)
                .where(latest)
                .group_by(SubstanceHitRow.substance_id)
                .order_by(docs.desc(), SubstanceHitRow.substance_id)
                .limit(top)
            )
        ]
        top_selectors = [
            SelectorRow(type=t, value=v, documents=d, platforms=p)
            for t, v, d, p in s.execute(
                select(
                    SelectorHitRow.type,
                    SelectorHitRow.value,
                    docs,
                    func.count(distinct(platform)),
                )
                .join(DocumentRow, DocumentRow.pk == SelectorHitRow.document_pk)
                .where(latest)
                .group_by(SelectorHitRow.type, SelectorHitRow.value)
                .order_by(docs.desc(), SelectorHitRow.type, SelectorHitRow.value)
                .limit(top)
            )
        ]
    return Report(
        totals=Totals(
            documents=documents,
            versions=versions,
            offers=n_offers or 0,
            platforms=platforms,
            substances=n_substances,
            selectors=n_selectors,
        ),
        by_platform=by_platform,
        by_published_day=by_published_day,
        by_stored_day=by_stored_day,
        top_substances=top_substances,
        top_selectors=top_selectors,
    )
