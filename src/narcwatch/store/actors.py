"""Reading actors back: the rows behind ``actors list/show/export``, ``selectors search``
and ``link history``.

Every read method takes the caller's :class:`~narcwatch.store.visibility.Visibility`
(None: everything), so the sharing server can filter by organisation and TLP in this one
layer. Reads over many actors are a fixed number of statements whatever the number of
actors (one per :data:`~narcwatch.store.link_state.CHUNK` ids asked for), never one set of
queries per actor.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import case, func, select

from narcwatch.store import Store
from narcwatch.store.actor_rows import (
    ActorRank,
    GraphDocument,
    KeySummary,
    MemberDocument,
    MemberHit,
    Occurrence,
    StoredEvent,
)
from narcwatch.store.link_keys import chunks
from narcwatch.store.link_state import StoredHit
from narcwatch.store.tables import (
    ActorDocRow,
    ActorEventRow,
    ActorRow,
    DocumentRow,
    LinkKeyRow,
    SelectorHitRow,
    SubstanceHitRow,
)
from narcwatch.store.visibility import Visibility, sees_findings

__all__ = ["ActorRepository"]


class ActorRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def ranking(self, top: int, visibility: Visibility | None = None) -> list[ActorRank]:
        """The ``top`` active actors by drug relevance and risk: highest document risk,
        then drug offers, then distinct substances, then documents, then platforms (a
        large actor with no substance and no offer ranks below a small one with them)."""
        if not sees_findings(visibility):
            return []
        d = DocumentRow
        per_actor = (
            select(
                ActorDocRow.actor_id,
                func.max(d.risk).label("risk"),
                func.sum(case((d.offer.is_(True), 1), else_=0)).label("offers"),
                func.count(func.distinct(d.platform)).label("platforms"),
            )
            .join(d, d.pk == ActorDocRow.document_pk)
            .group_by(ActorDocRow.actor_id)
            .subquery()
        )
        substances = (
            select(
                ActorDocRow.actor_id,
                func.count(func.distinct(SubstanceHitRow.substance_id)).label("n"),
            )
            .join(SubstanceHitRow, SubstanceHitRow.document_pk == ActorDocRow.document_pk)
            .group_by(ActorDocRow.actor_id)
            .subquery()
        )
        risk = func.coalesce(per_actor.c.risk, 0.0)
        offers = func.coalesce(per_actor.c.offers, 0)
        n_platforms = func.coalesce(per_actor.c.platforms, 0)
        n_substances = func.coalesce(substances.c.n, 0)
        query = (
            select(ActorRow.id, ActorRow.n_docs, n_platforms, n_substances, offers, risk)
            .outerjoin(per_actor, per_actor.c.actor_id == ActorRow.id)
            .outerjoin(substances, substances.c.actor_id == ActorRow.id)
            .where(ActorRow.status == "active")
            .order_by(
                risk.desc(),
                offers.desc(),
                n_substances.desc(),
                ActorRow.n_docs.desc(),
                n_platforms.desc(),
                ActorRow.id,
            )
            .limit(top)
        )
        with self.store.session() as s:
            ranks = [
                ActorRank(a, n, p, sub, int(o), float(r)) for a, n, p, sub, o, r in s.execute(query)
            ]
        return sorted(ranks, key=ActorRank.order)

    def _by_actor(
        self, actor_ids: Sequence[str], query: Callable[[Sequence[str]], Any]
    ) -> list[Any]:
        """The rows of ``query(ids)`` for these actors, ids asked for in chunks."""
        rows: list[Any] = []
        with self.store.session() as s:
            for part in chunks(sorted(set(actor_ids))):
                rows += s.execute(query(part)).all()
        return rows

    def documents(
        self, actor_ids: Sequence[str], visibility: Visibility | None = None
    ) -> list[MemberDocument]:
        """The documents of these actors, by document id."""
        if not sees_findings(visibility):
            return []
        d = DocumentRow
        cols = (ActorDocRow.actor_id, d.pk, d.doc_id, d.platform, d.author, d.published)
        more = (d.first_seen, d.last_seen, d.source, d.location, d.url, d.title, d.offer_score)
        scores = (d.offer, d.risk)
        rows = self._by_actor(
            actor_ids,
            lambda part: (
                select(*cols, *more, *scores)
                .join(ActorDocRow, ActorDocRow.document_pk == d.pk)
                .where(ActorDocRow.actor_id.in_(part))
            ),
        )
        return sorted(map(MemberDocument._make, rows), key=lambda m: m.doc_id)

    def selector_hits(
        self, actor_ids: Sequence[str], visibility: Visibility | None = None
    ) -> list[MemberHit]:
        """The selector hits of these actors' documents, in stored order."""
        if not sees_findings(visibility):
            return []
        h = SelectorHitRow
        cols = (h.document_pk, h.type, h.value, h.strength, h.matched, h.start, h.end)
        rows = self._by_actor(
            actor_ids,
            lambda part: (
                select(*cols)
                .join(ActorDocRow, ActorDocRow.document_pk == h.document_pk)
                .where(ActorDocRow.actor_id.in_(part))
                .order_by(h.pk)
            ),
        )
        return list(map(MemberHit._make, rows))

    def linking_keys(
        self, actor_ids: Sequence[str], visibility: Visibility | None = None
    ) -> dict[str, set[str]]:
        """The idents of the keys that link each actor's documents."""
        if not sees_findings(visibility):
            return {a: set() for a in actor_ids}
        out: dict[str, set[str]] = {a: set() for a in actor_ids}
        k = LinkKeyRow
        for actor_id, ident in self._by_actor(
            actor_ids,
            lambda part: select(k.actor_id, k.ident).where(
                k.actor_id.in_(part), k.status == "linking"
            ),
        ):
            out[actor_id].add(ident)
        return out

    def substances(
        self, actor_ids: Sequence[str], visibility: Visibility | None = None
    ) -> dict[str, list[str]]:
        """The substance ids found in each actor's documents, sorted."""
        if not sees_findings(visibility):
            return {a: [] for a in actor_ids}
        found: dict[str, set[str]] = {a: set() for a in actor_ids}
        for actor_id, substance in self._by_actor(
            actor_ids,
            lambda part: (
                select(ActorDocRow.actor_id, SubstanceHitRow.substance_id)
                .join(SubstanceHitRow, SubstanceHitRow.document_pk == ActorDocRow.document_pk)
                .where(ActorDocRow.actor_id.in_(part))
                .distinct()
            ),
        ):
            found[actor_id].add(substance)
        return {a: sorted(subs) for a, subs in found.items()}

    def resolve(self, actor_id: str, visibility: Visibility | None = None) -> str | None:
        """The active actor ``actor_id`` is (a merged actor's id leads to the actor it was
        merged into), or None."""
        if not sees_findings(visibility):
            return None
        with self.store.session() as s:
            row = s.get(ActorRow, actor_id)
            seen = set()
            while row is not None and row.status == "merged" and row.merged_into not in seen:
                seen.add(row.id)
                row = s.get(ActorRow, row.merged_into)
            return row.id if row is not None and row.status == "active" else None

    def largest(self, limit: int = 10, visibility: Visibility | None = None) -> list[str]:
        """The ids of the first ``limit`` actors as ``actors list`` ranks them (what an
        error message offers instead of an unknown id)."""
        return [rank.id for rank in self.ranking(limit, visibility)]

    def events(self, actor_id: str, visibility: Visibility | None = None) -> list[StoredEvent]:
        """One actor's history, oldest first."""
        if not sees_findings(visibility):
            return []
        e = ActorEventRow
        query = select(e.at, e.kind, e.actor_id, e.detail).where(e.actor_id == actor_id)
        return self._events(query.order_by(e.pk))

    def history(self, limit: int, visibility: Visibility | None = None) -> list[StoredEvent]:
        """Every actor's history (merges, splits, verdicts, rebuilds), newest first."""
        if not sees_findings(visibility):
            return []
        e = ActorEventRow
        query = select(e.at, e.kind, e.actor_id, e.detail)
        return self._events(query.order_by(e.pk.desc()).limit(limit))

    def _events(self, query: Any) -> list[StoredEvent]:
        with self.store.session() as s:
            return [
                StoredEvent(at, kind, actor, json.loads(detail))
                for at, kind, actor, detail in s.execute(query)
            ]

    def non_linking_keys(self, visibility: Visibility | None = None) -> list[KeySummary]:
        """Selectors that link nobody (market, known or rejected), most documents first."""
        if not sees_findings(visibility):
            return []
        k = LinkKeyRow
        query = (
            select(k.type, k.value, k.scope, k.status, k.n_docs, k.vendors)
            .where(k.status != "linking")
            .order_by(k.n_docs.desc(), k.type, k.value)
        )
        with self.store.session() as s:
            return [KeySummary(*row[:5], json.loads(row[5])) for row in s.execute(query)]

    def occurrences(
        self,
        values: Sequence[str],
        visibility: Visibility | None = None,
        *,
        types: Collection[str] | None = None,
    ) -> list[Occurrence]:
        """Every latest document one of these selector values appears in (compared
        without case), of one of ``types`` (None: any type)."""
        if not sees_findings(visibility):
            return []
        h, d = SelectorHitRow, DocumentRow
        wanted = sorted({v.lower() for v in values})
        query = (
            select(h.type, h.value, h.matched, h.start, h.end, d.doc_id, d.source, d.location)
            .add_columns(d.platform, ActorDocRow.actor_id)
            .join(d, d.pk == h.document_pk)
            .outerjoin(ActorDocRow, ActorDocRow.document_pk == d.pk)
            .where(d.is_latest.is_(True), func.lower(h.value).in_(wanted))
            .order_by(d.doc_id, h.pk)
        )
        if types is not None:
            query = query.where(h.type.in_(sorted(types)))
        with self.store.session() as s:
            return [Occurrence._make(row) for row in s.execute(query)]

    def graph(
        self, actor_id: str | None = None, visibility: Visibility | None = None
    ) -> tuple[list[GraphDocument], list[StoredHit]]:
        """The linked documents (of one actor, or all) and their selector hits."""
        if not sees_findings(visibility):
            return [], []
        d, h = DocumentRow, SelectorHitRow
        docs = select(d.pk, d.doc_id, d.platform, d.author, d.title, d.offer_score, d.source)
        docs = docs.add_columns(ActorDocRow.actor_id).join(
            ActorDocRow, ActorDocRow.document_pk == d.pk
        )
        hits = select(h.document_pk, h.type, h.value, h.strength).join(
            ActorDocRow, ActorDocRow.document_pk == h.document_pk
        )
        if actor_id is not None:
            docs = docs.where(ActorDocRow.actor_id == actor_id)
            hits = hits.where(ActorDocRow.actor_id == actor_id)
        with self.store.session() as s:
            return (
                [GraphDocument._make(row) for row in s.execute(docs.order_by(d.doc_id))],
                [StoredHit._make(row) for row in s.execute(hits.order_by(h.pk))],
            )

    def key_statuses(
        self, idents: Iterable[str], visibility: Visibility | None = None
    ) -> dict[str, str]:
        """The status of each of these link keys that is stored."""
        if not sees_findings(visibility):
            return {}
        out: dict[str, str] = {}
        with self.store.session() as s:
            for part in chunks(sorted(set(idents))):
                query = select(LinkKeyRow.ident, LinkKeyRow.status).where(
                    LinkKeyRow.ident.in_(part)
                )
                out.update({ident: status for ident, status in s.execute(query)})
        return out
