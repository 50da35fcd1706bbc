"""The market dashboards' reads of the stored findings (latest versions only): the day
each substance was first seen, and the drug offers whose prices the jobs read. A caller
outside the home organisation reads none (:func:`~narcwatch.store.visibility.sees_findings`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import distinct, func, select

from narcwatch.results.market import FirstSeen
from narcwatch.store import Store
from narcwatch.store.queue import NO_PLATFORM, document_day
from narcwatch.store.tables import DocumentRow, SubstanceHitRow
from narcwatch.store.visibility import Visibility, sees_findings

__all__ = ["first_seen", "offer_findings"]


def first_seen(
    store: Store,
    *,
    substances_any: frozenset[str] | None = None,
    limit: int = 20,
    visibility: Visibility | None = None,
) -> list[FirstSeen]:
    """The ``limit`` substances first seen most recently (in any stored document), with
    that day and how many documents name them; only ``substances_any`` when given."""
    if not sees_findings(visibility):
        return []
    day = func.min(document_day())
    query = (
        select(SubstanceHitRow.substance_id, func.max(SubstanceHitRow.name), day,
               func.count(distinct(DocumentRow.pk)))
        .join(DocumentRow, DocumentRow.pk == SubstanceHitRow.document_pk)
        .where(DocumentRow.is_latest.is_(True))
        .group_by(SubstanceHitRow.substance_id)
        .order_by(day.desc(), SubstanceHitRow.substance_id)
        .limit(limit)
    )  # fmt: skip
    if substances_any is not None:
        query = query.where(SubstanceHitRow.substance_id.in_(sorted(substances_any)))
    with store.session() as s:
        rows = s.execute(query).all()
    return [FirstSeen(substance=i, name=n, first_day=d, documents=k) for i, n, d, k in rows if d]


def offer_findings(
    store: Store,
    *,
    substances_any: frozenset[str] | None = None,
    visibility: Visibility | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(market, finding as a dict) of every latest drug offer (naming one of
    ``substances_any`` when given); the market is the platform or ``(none)``."""
    if not sees_findings(visibility):
        return
    query = select(DocumentRow.platform, DocumentRow.finding).where(
        DocumentRow.is_latest.is_(True), DocumentRow.offer.is_(True)
    )
    if substances_any is not None:
        hit = SubstanceHitRow.document_pk == DocumentRow.pk
        ids = SubstanceHitRow.substance_id.in_(sorted(substances_any))
        query = query.where(select(SubstanceHitRow.pk).where(hit, ids).exists())
    with store.session() as s:
        for platform, finding in s.execute(query.order_by(DocumentRow.pk)):
            yield platform or NO_PLATFORM, json.loads(finding)
