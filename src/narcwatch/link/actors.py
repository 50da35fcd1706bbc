"""Group stored documents into actors: who is behind which listings, with the evidence.

Rules (issue 5):

* documents that share a strong selector (wallet, PGP key, phone, e-mail, onion, messenger
  handle) are one actor;
* a vendor name (weak) links documents only within one platform; across platforms only a
  strong selector does;
* a strong selector seen with more than ``max_vendors`` different vendor names is a
  market's (escrow wallet, support handle, the market's own key): it links nobody and is
  reported as such.

Every edge keeps its evidence: the selector, the documents and when they were first and
last seen. Computed from the store on demand with igraph (connected components); the
result is deterministic, so actor ids are stable while their documents stay.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from narcwatch.store import Store
from narcwatch.store.tables import DocumentRow, SelectorHitRow, SubstanceHitRow

MAX_VENDORS = 3


@dataclass(slots=True)
class Link:
    type: str
    value: str
    documents: list[str]  # doc ids
    first_seen: datetime | None
    last_seen: datetime | None


@dataclass(slots=True)
class Actor:
    id: str
    documents: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    substances: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "documents": self.documents,
            "platforms": self.platforms,
            "vendors": self.vendors,
            "substances": self.substances,
            "links": [
                {
                    "type": ln.type,
                    "value": ln.value,
                    "documents": ln.documents,
                    "first_seen": ln.first_seen.isoformat() if ln.first_seen else None,
                    "last_seen": ln.last_seen.isoformat() if ln.last_seen else None,
                }
                for ln in self.links
            ],
        }


@dataclass(slots=True)
class ActorGraph:
    actors: list[Actor]
    market_selectors: list[tuple[str, str, int]]  # (type, value, vendor names seen with)
    graph: Any  # igraph.Graph: vertices are documents, edges carry the selector

    def actor_of(self, doc_id: str) -> Actor | None:
        return next((a for a in self.actors if doc_id in a.documents), None)


def build_actors(store: Store, *, max_vendors: int = MAX_VENDORS) -> ActorGraph:
    import igraph

    with store.session() as s:
        docs = s.execute(
            select(
                DocumentRow.pk,
                DocumentRow.doc_id,
                DocumentRow.platform,
                DocumentRow.author,
                DocumentRow.first_seen,
                DocumentRow.last_seen,
            )
            .where(DocumentRow.is_latest.is_(True))
            .order_by(DocumentRow.doc_id)
        ).all()
        hits = s.execute(
            select(
                SelectorHitRow.document_pk,
                SelectorHitRow.type,
                SelectorHitRow.value,
                SelectorHitRow.strength,
            )
            .join(DocumentRow, DocumentRow.pk == SelectorHitRow.document_pk)
            .where(DocumentRow.is_latest.is_(True))
        ).all()
        subs = s.execute(
            select(SubstanceHitRow.document_pk, SubstanceHitRow.substance_id)
            .join(DocumentRow, DocumentRow.pk == SubstanceHitRow.document_pk)
            .where(DocumentRow.is_latest.is_(True))
        ).all()
    index = {row.pk: i for i, row in enumerate(docs)}
    groups: dict[tuple[str, str, str | None], set[int]] = defaultdict(set)
    for pk, kind, value, strength in hits:
        if pk not in index:
            continue
        if strength == "strong":
            groups[(kind, value, None)].add(index[pk])
        elif kind == "vendor":
            groups[(kind, value, docs[index[pk]].platform)].add(index[pk])
    market: list[tuple[str, str, int]] = []
    edges: list[tuple[int, int]] = []
    edge_keys: list[tuple[str, str]] = []
    linking: list[tuple[str, str, list[int]]] = []
    for (kind, value, _platform), members in sorted(groups.items(), key=lambda g: str(g[0])):
        vendors = {docs[i].author.casefold() for i in members if docs[i].author}
        if kind != "vendor" and len(vendors) > max_vendors:
            market.append((kind, value, len(vendors)))
            continue
        ordered = sorted(members)
        linking.append((kind, value, ordered))
        # A star per selector: k - 1 edges instead of k * (k - 1) / 2.
        for other in ordered[1:]:
            edges.append((ordered[0], other))
            edge_keys.append((kind, value))
    graph = igraph.Graph(n=len(docs), edges=edges)
    graph.vs["doc_id"] = [d.doc_id for d in docs]
    graph.vs["platform"] = [d.platform or "" for d in docs]
    graph.vs["author"] = [d.author or "" for d in docs]
    graph.es["selector"] = [f"{k}:{v}" for k, v in edge_keys]
    doc_subs: dict[int, set[str]] = defaultdict(set)
    for pk, sid in subs:
        if pk in index:
            doc_subs[index[pk]].add(sid)
    component_of = graph.connected_components().membership
    members_of: dict[int, list[int]] = defaultdict(list)
    for v, comp in enumerate(component_of):
        members_of[comp].append(v)
    actors: list[Actor] = []
    by_component: dict[int, Actor] = {}
    for comp, vs in members_of.items():
        ids = sorted(docs[v].doc_id for v in vs)
        actor = Actor(
            id="A" + hashlib.sha256(ids[0].encode()).hexdigest()[:10],
            documents=ids,
            platforms=sorted({docs[v].platform for v in vs if docs[v].platform}),
            vendors=sorted({docs[v].author for v in vs if docs[v].author}),
            substances=sorted({sid for v in vs for sid in doc_subs[v]}),
        )
        by_component[comp] = actor
        actors.append(actor)
    for kind, value, ordered in linking:
        if len(ordered) < 2:
            continue
        seen = [docs[i].first_seen for i in ordered] + [docs[i].last_seen for i in ordered]
        by_component[component_of[ordered[0]]].links.append(
            Link(kind, value, [docs[i].doc_id for i in ordered], min(seen), max(seen))
        )
    actors.sort(key=lambda a: (-len(a.documents), -len(a.platforms), -len(a.substances), a.id))
    return ActorGraph(actors, sorted(market), graph)
