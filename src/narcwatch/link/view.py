"""Reading actors back: what ``actors list/show``, ``selectors search`` and the exporters
print. One :class:`Actor` model, rendered as a table, JSON or a graph."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select

from narcwatch.errors import UsageError
from narcwatch.link.keys import LinkKey, key_for, vendor_scope
from narcwatch.link.known import known_market_entry
from narcwatch.store import Store
from narcwatch.store.tables import (
    ActorDocRow,
    ActorEventRow,
    ActorRow,
    DocumentRow,
    LinkKeyRow,
    SelectorHitRow,
    SubstanceHitRow,
)


@dataclass(slots=True)
class Link:
    """Evidence for one link: the selector and the documents of this actor that carry it."""

    type: str
    value: str
    scope: str
    documents: list[str]
    first_seen: str | None
    last_seen: str | None


@dataclass(slots=True)
class Actor:
    id: str
    documents: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    substances: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)  # documents with their spans

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_actors(store: Store, *, top: int = 20) -> list[Actor]:
    """Active actors by documents, then platforms, then substances (links filled in)."""
    with store.session() as s:
        sizes = dict(
            s.execute(select(ActorRow.id, ActorRow.n_docs).where(ActorRow.status == "active")).all()
        )
        platforms: dict[str, set[str]] = defaultdict(set)
        vendors: dict[str, set[str]] = defaultdict(set)
        for actor_id, platform, author in s.execute(
            select(ActorDocRow.actor_id, DocumentRow.platform, DocumentRow.author)
            .join(DocumentRow, DocumentRow.pk == ActorDocRow.document_pk)
            .where(DocumentRow.platform.isnot(None) | DocumentRow.author.isnot(None))
        ):
            if platform:
                platforms[actor_id].add(platform)
            if author:
                vendors[actor_id].add(author)
        substances: dict[str, set[str]] = defaultdict(set)
        for actor_id, sid in s.execute(
            select(ActorDocRow.actor_id, SubstanceHitRow.substance_id)
            .join(SubstanceHitRow, SubstanceHitRow.document_pk == ActorDocRow.document_pk)
            .distinct()
        ):
            substances[actor_id].add(sid)
    ranked = sorted(
        sizes,
        key=lambda a: (-sizes[a], -len(platforms[a]), -len(substances[a]), a),
    )[:top]
    out = []
    for actor_id in ranked:
        actor = Actor(
            actor_id,
            platforms=sorted(platforms[actor_id]),
            vendors=sorted(vendors[actor_id]),
            substances=sorted(substances[actor_id]),
        )
        _fill(store, actor, detail=False)
        out.append(actor)
    return out


def resolve_actor(store: Store, actor_id: str) -> str:
    """The id of the active actor ``actor_id`` is (a merged actor's id leads to the actor
    it was merged into); an unknown id is a UsageError listing the largest actors."""
    with store.session() as s:
        row = s.get(ActorRow, actor_id)
        seen = set()
        while row is not None and row.status == "merged" and row.merged_into not in seen:
            seen.add(row.id)
            row = s.get(ActorRow, row.merged_into)
        if row is None or row.status != "active":
            options = list(
                s.scalars(
                    select(ActorRow.id)
                    .where(ActorRow.status == "active")
                    .order_by(ActorRow.n_docs.desc())
                    .limit(10)
                )
            )
            raise UsageError(f"no actor {actor_id!r}", value=actor_id, options=options)
        return row.id


def show_actor(store: Store, actor_id: str) -> Actor:
    """One actor with its documents, spans, links, timeline and history. A merged actor's
    id leads to the actor it was merged into."""
    actor = Actor(resolve_actor(store, actor_id))
    _fill(store, actor, detail=True)
    return actor


def _fill(store: Store, actor: Actor, *, detail: bool) -> None:
    with store.session() as s:
        docs = s.execute(
            select(
                DocumentRow.pk,
                DocumentRow.doc_id,
                DocumentRow.platform,
                DocumentRow.author,
                DocumentRow.published,
                DocumentRow.first_seen,
                DocumentRow.last_seen,
                DocumentRow.source,
                DocumentRow.location,
                DocumentRow.url,
                DocumentRow.title,
                DocumentRow.offer_score,
            )
            .join(ActorDocRow, ActorDocRow.document_pk == DocumentRow.pk)
            .where(ActorDocRow.actor_id == actor.id)
            .order_by(DocumentRow.doc_id)
        ).all()
        by_pk = {d.pk: d for d in docs}
        hits = s.execute(
            select(
                SelectorHitRow.document_pk,
                SelectorHitRow.type,
                SelectorHitRow.value,
                SelectorHitRow.strength,
                SelectorHitRow.matched,
                SelectorHitRow.start,
                SelectorHitRow.end,
            )
            .join(ActorDocRow, ActorDocRow.document_pk == SelectorHitRow.document_pk)
            .where(ActorDocRow.actor_id == actor.id)
        ).all()
        linking = set(
            s.scalars(
                select(LinkKeyRow.ident).where(
                    LinkKeyRow.actor_id == actor.id, LinkKeyRow.status == "linking"
                )
            )
        )
        events = (
            s.execute(
                select(ActorEventRow.at, ActorEventRow.kind, ActorEventRow.detail)
                .where(ActorEventRow.actor_id == actor.id)
                .order_by(ActorEventRow.pk)
            ).all()
            if detail
            else []
        )
    actor.documents = [d.doc_id for d in docs]
    if detail:
        actor.platforms = sorted({d.platform for d in docs if d.platform})
        actor.vendors = sorted({d.author for d in docs if d.author})
    carriers: dict[LinkKey, set[int]] = defaultdict(set)
    spans: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for h in hits:
        doc = by_pk[h.document_pk]
        key = key_for(h.type, h.value, h.strength, vendor_scope(doc.platform, doc.source))
        if key is not None and key.ident in linking:
            carriers[key].add(h.document_pk)
        spans[h.document_pk].append(
            {"type": h.type, "value": h.value, "matched": h.matched, "span": [h.start, h.end]}
        )
    for key, pks in sorted(carriers.items(), key=lambda kv: (-len(kv[1]), kv[0].label)):
        if len(pks) < 2:
            continue
        times = [by_pk[p].first_seen for p in pks] + [by_pk[p].last_seen for p in pks]
        actor.links.append(
            Link(
                key.type,
                key.value,
                key.scope,
                sorted(by_pk[p].doc_id for p in pks),
                min(times).isoformat(),
                max(times).isoformat(),
            )
        )
    if not detail:
        return
    with store.session() as s:
        actor.substances = sorted(
            set(
                s.scalars(
                    select(SubstanceHitRow.substance_id)
                    .join(ActorDocRow, ActorDocRow.document_pk == SubstanceHitRow.document_pk)
                    .where(ActorDocRow.actor_id == actor.id)
                )
            )
        )
    dated = sorted(docs, key=lambda d: (d.published or d.first_seen.isoformat(), d.doc_id))
    actor.timeline = [
        {
            "when": d.published or d.first_seen.isoformat(),
            "doc_id": d.doc_id,
            "platform": d.platform,
            "vendor": d.author,
            "title": d.title,
        }
        for d in dated
    ]
    actor.items = [
        {
            "doc_id": d.doc_id,
            "source": d.source,
            "location": d.location,
            "url": d.url,
            "offer_score": d.offer_score,
            "selectors": spans[d.pk],
        }
        for d in docs
    ]
    actor.history = [
        {"at": at.isoformat(), "kind": kind, **json.loads(detail)} for at, kind, detail in events
    ]


def non_linking(store: Store) -> list[dict[str, Any]]:
    """Selectors that link nobody: market-wide (by spread), known, or rejected."""
    with store.session() as s:
        rows = s.execute(
            select(
                LinkKeyRow.type,
                LinkKeyRow.value,
                LinkKeyRow.scope,
                LinkKeyRow.status,
                LinkKeyRow.n_docs,
                LinkKeyRow.vendors,
            )
            .where(LinkKeyRow.status != "linking")
            .order_by(LinkKeyRow.n_docs.desc(), LinkKeyRow.type, LinkKeyRow.value)
        ).all()
    out = []
    for r in rows:
        known = known_market_entry(LinkKey(r.type, r.value)) if r.status == "known" else None
        out.append(
            {
                "type": r.type,
                "value": r.value,
                "status": r.status,
                "documents": r.n_docs,
                "vendors": len(json.loads(r.vendors)),
                **({"owner": known} if known else {}),
            }
        )
    return out


def find_selector(store: Store, value: str) -> list[dict[str, Any]]:
    """Every stored (latest) document a selector value appears in, with its actor."""
    needle = value.strip().lstrip("@").casefold()
    with store.session() as s:
        rows = s.execute(
            select(
                SelectorHitRow.type,
                SelectorHitRow.value,
                SelectorHitRow.matched,
                SelectorHitRow.start,
                SelectorHitRow.end,
                DocumentRow.doc_id,
                DocumentRow.source,
                DocumentRow.location,
                DocumentRow.platform,
                ActorDocRow.actor_id,
            )
            .join(DocumentRow, DocumentRow.pk == SelectorHitRow.document_pk)
            .outerjoin(ActorDocRow, ActorDocRow.document_pk == DocumentRow.pk)
            .where(DocumentRow.is_latest.is_(True), func.lower(SelectorHitRow.value) == needle)
            .order_by(DocumentRow.doc_id)
        ).all()
    return [
        {
            "type": r.type,
            "value": r.value,
            "matched": r.matched,
            "span": [r.start, r.end],
            "doc_id": r.doc_id,
            "source": r.source,
            "location": r.location,
            "platform": r.platform,
            "actor": r.actor_id,
        }
        for r in rows
    ]
