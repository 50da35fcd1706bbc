"""The review queue, one document, and offers over time: the web UI's reads of the
findings (latest versions only), all filtering and sorting done in SQL. A caller outside
the home organisation (:func:`~narcwatch.store.visibility.sees_findings`) reads nothing:
empty pages, and no document by id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, distinct, exists, func, select

from narcwatch.errors import NotFoundError, UsageError
from narcwatch.model import Finding
from narcwatch.results.review import DocumentView, OfferPoint, OfferSeries, QueueItem, QueuePage
from narcwatch.store import Store
from narcwatch.store.audit import utc
from narcwatch.store.countries import countries_of, country_prefilter
from narcwatch.store.review_tables import ReviewRow
from narcwatch.store.reviews import ReviewRepository, latest_reviews
from narcwatch.store.tables import ActorDocRow, DocumentRow, SubstanceHitRow
from narcwatch.store.visibility import Visibility, sees_findings

__all__ = [
    "QueueFilter",
    "document_day",
    "document_view",
    "offer_series",
    "review_queue",
    "stored_substances",
]

NO_PLATFORM = "(none)"
# Findings are stored as the JSON ``json.dumps`` writes (", " and ": " separators, keys in
# model order), so a finding's offer kind is this exact text: a value inside a string
# would be escaped (\"offer_kind\") and cannot match.
_KIND_TEXT = {
    "drug": '%"offer_kind": "drug"%',
    "other": '%"offer_kind": "other"%',
    "talk": '%"offer_kind": null%',
}


@dataclass(frozen=True, slots=True)
class QueueFilter:
    platform: str | None = None  # NO_PLATFORM: documents read without one
    substance: str | None = None  # knowledge-base id
    kind: str | None = None  # drug | other | talk
    min_score: float | None = None  # offer_score at least
    since: str | None = None  # YYYY-MM-DD, on the document's day
    until: str | None = None
    undecided: bool = False  # only findings nobody has decided on yet
    country: str | None = None  # ISO 3166-1 alpha-2 (store.countries: origin column, phones)
    # any of these knowledge-base ids (a family's or a control status's, which the jobs
    # resolve from the knowledge base; an empty set matches nothing)
    substances_any: frozenset[str] | None = None


def _day() -> Any:
    """Published date when the document says, else the day it was first stored."""
    stored = func.substr(func.cast(DocumentRow.first_seen, String), 1, 10)
    return func.coalesce(func.substr(DocumentRow.published, 1, 10), stored)


document_day = _day


def _conditions(where: QueueFilter) -> list[Any]:
    found: list[Any] = [DocumentRow.is_latest.is_(True)]
    if where.platform == NO_PLATFORM:
        found.append(DocumentRow.platform.is_(None))
    elif where.platform:
        found.append(DocumentRow.platform == where.platform)
    if where.substance:
        found.append(
            exists().where(
                SubstanceHitRow.document_pk == DocumentRow.pk,
                SubstanceHitRow.substance_id == where.substance,
            )
        )
    if where.substances_any is not None:
        found.append(_has_any(where.substances_any))
    if where.kind:
        if where.kind not in _KIND_TEXT:
            raise UsageError(f"unknown offer kind {where.kind!r}", options=list(_KIND_TEXT))
        found.append(DocumentRow.finding.like(_KIND_TEXT[where.kind]))
    if where.min_score is not None:
        found.append(DocumentRow.offer_score >= where.min_score)
    if where.since:
        found.append(_day() >= where.since)
    if where.until:
        found.append(_day() <= where.until)
    if where.undecided:
        found.append(~exists().where(ReviewRow.doc_id == DocumentRow.doc_id))
    if where.country:
        found.append(country_prefilter(where.country))
    return found


def _has_any(ids: frozenset[str]) -> Any:
    return exists().where(
        SubstanceHitRow.document_pk == DocumentRow.pk,
        SubstanceHitRow.substance_id.in_(sorted(ids)),
    )


def stored_substances(store: Store, *, visibility: Visibility | None = None) -> list[str]:
    """The knowledge-base ids found in the latest documents, sorted."""
    if not sees_findings(visibility):
        return []
    with store.session() as s:
        return _stored_substances(s)


def _stored_substances(s: Any) -> list[str]:
    return list(
        s.scalars(
            select(SubstanceHitRow.substance_id)
            .join(DocumentRow, DocumentRow.pk == SubstanceHitRow.document_pk)
            .where(DocumentRow.is_latest.is_(True))
            .group_by(SubstanceHitRow.substance_id)
            .order_by(SubstanceHitRow.substance_id)
        )
    )


def review_queue(
    store: Store,
    where: QueueFilter,
    *,
    limit: int = 50,
    offset: int = 0,
    visibility: Visibility | None = None,
) -> QueuePage:
    """Findings matching ``where``, highest risk first (then offer score, then oldest).
    A country is narrowed in SQL and decided on each candidate's finding."""
    conditions = _conditions(where)
    if not sees_findings(visibility):
        return QueuePage(items=[], total=0, platforms=[], substances=[])
    query = (
        select(DocumentRow.doc_id, DocumentRow.finding, _day(), DocumentRow.risk)
        .where(*conditions)
        .order_by(DocumentRow.risk.desc(), DocumentRow.offer_score.desc(), DocumentRow.pk)
    )
    latest = DocumentRow.is_latest.is_(True)
    rows: list[Any]
    total: int | None
    with store.session() as s:
        if where.country:
            code = where.country.upper()
            found = [r for r in s.execute(query) if code in countries_of(json.loads(r[1]))]
            rows, total = found[offset : offset + limit], len(found)
        else:
            rows = list(s.execute(query.limit(limit).offset(offset)))
            total = s.scalar(select(func.count()).select_from(DocumentRow).where(*conditions))
        platforms = [
            p or NO_PLATFORM
            for p in s.scalars(
                select(DocumentRow.platform).where(latest).distinct().order_by(DocumentRow.platform)
            )
        ]
        substances = _stored_substances(s)
    reviews = latest_reviews(store, [r[0] for r in rows])
    items = []
    for doc_id, finding, day, risk in rows:
        data = json.loads(finding)
        doc = data.get("doc", {})
        names = list(
            dict.fromkeys(h.get("name", h.get("id", "")) for h in data.get("substances", []))
        )
        items.append(
            QueueItem(
                doc_id=doc_id,
                title=doc.get("title"),
                snippet=" ".join((doc.get("text") or "")[:200].split())[:140] or None,
                platform=doc.get("platform"),
                author=doc.get("author"),
                day=day,
                risk=risk,
                offer_score=float(data.get("offer_score", 0.0)),
                offer_kind=data.get("offer_kind"),
                substances=names,
                review=reviews.get(doc_id),
            )
        )
    return QueuePage(items=items, total=total or 0, platforms=platforms, substances=substances)


def document_view(
    store: Store, doc_id: str, *, visibility: Visibility | None = None
) -> DocumentView:
    """One document by its id (or a unique prefix of 8 characters or more); not found
    (never "forbidden") for a caller outside the home organisation."""
    if not sees_findings(visibility):
        raise NotFoundError(f"no document {doc_id!r}")
    if len(doc_id) < 8 or not all(c in "0123456789abcdef" for c in doc_id):
        raise NotFoundError(f"no document {doc_id!r}")
    with store.session() as s:
        rows = s.execute(
            select(DocumentRow, ActorDocRow.actor_id)
            .outerjoin(ActorDocRow, ActorDocRow.document_pk == DocumentRow.pk)
            .where(DocumentRow.doc_id.startswith(doc_id))
            .limit(2)
        ).all()
    if len(rows) != 1:
        raise NotFoundError(f"no document {doc_id!r}" if not rows else f"{doc_id!r} is ambiguous")
    row, actor = rows[0]
    return DocumentView(
        finding=Finding.model_validate(json.loads(row.finding)),
        version=row.version,
        first_seen=utc(row.first_seen),
        last_seen=utc(row.last_seen),
        actor=actor,
        reviews=ReviewRepository(store).history(row.doc_id),
    )


def offer_series(
    store: Store,
    by: str,
    *,
    top: int = 8,
    visibility: Visibility | None = None,
    substances_any: frozenset[str] | None = None,
) -> OfferSeries:
    """Drug offers a day for the ``top`` substances or platforms (by offers overall), of
    documents naming one of ``substances_any`` when given (only those substances' bars)."""
    day = _day()
    offers = func.count(distinct(DocumentRow.pk))
    base = [DocumentRow.is_latest.is_(True), DocumentRow.offer.is_(True)]
    if by == "substance":
        key: Any = SubstanceHitRow.substance_id
        query = select(day, key, offers).join(
            SubstanceHitRow, SubstanceHitRow.document_pk == DocumentRow.pk
        )
    elif by == "platform":
        key = func.coalesce(DocumentRow.platform, NO_PLATFORM)
        query = select(day, key, offers)
    elif by == "country":  # decided on each finding (store.countries), counted here
        query = select(day, DocumentRow.finding)
    else:
        options = ["substance", "platform", "country"]
        raise UsageError(f"cannot chart offers by {by!r}", options=options)
    if substances_any is not None and by == "substance":  # those substances' hits only
        base.append(SubstanceHitRow.substance_id.in_(sorted(substances_any)))
    elif substances_any is not None:
        base.append(_has_any(substances_any))
    if not sees_findings(visibility):
        return OfferSeries(by=by, days=[], keys=[], points=[])  # type: ignore[arg-type]
    rows: list[Any]
    with store.session() as s:
        if by == "country":
            rows = _by_country(s.execute(query.where(*base)))
        else:
            rows = list(s.execute(query.where(*base).group_by(day, key).order_by(day, key)))
    totals: dict[str, int] = {}
    for _, k, n in rows:
        totals[k] = totals.get(k, 0) + n
    keys = sorted(totals, key=lambda k: (-totals[k], k))[:top]
    kept = set(keys)
    points = [OfferPoint(day=d, key=k, offers=n) for d, k, n in rows if k in kept and d]
    return OfferSeries(
        by=by,  # type: ignore[arg-type]
        days=sorted({p.day for p in points}),
        keys=keys,
        points=points,
    )


def _by_country(rows: Any) -> list[tuple[str, str, int]]:
    """(day, country, offers) from (day, finding JSON) rows, by day and country."""
    counts: dict[tuple[str, str], int] = {}
    for day, finding in rows:
        for code in countries_of(json.loads(finding)):
            counts[day, code] = counts.get((day, code), 0) + 1
    return [(d, c, n) for (d, c), n in sorted(counts.items())]
