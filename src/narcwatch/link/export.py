"""The link graph for Gephi, Maltego-style tools and scripts: GraphML, GEXF or JSON.

Nodes are documents (with their actor, platform, vendor and title) and the selectors that
link them (with their type and status); an edge says "this document carries this
selector". Selectors that link nobody (market-wide, known, rejected) are kept, marked by
their status, because an analyst wants to see the escrow wallet everyone pays into.
Written with networkx, which reads and writes both graph formats.
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from narcwatch.errors import UsageError
from narcwatch.link.keys import LinkKey, key_for, vendor_scope
from narcwatch.link.view import resolve_actor
from narcwatch.store import Store
from narcwatch.store.actors import ActorRepository
from narcwatch.store.visibility import Visibility

FORMATS = ("graphml", "gexf", "json")


def link_graph(
    store: Store, *, actor_id: str | None = None, visibility: Visibility | None = None
) -> nx.Graph:
    """The whole link graph, or one actor's part of it (``actor_id`` as for
    :func:`~narcwatch.link.view.show_actor`: an unknown id is a UsageError, a merged one
    leads to the actor it was merged into)."""
    if actor_id is not None:
        actor_id = resolve_actor(store, actor_id, visibility=visibility)
    repo = ActorRepository(store)
    docs, hits = repo.graph(actor_id, visibility)
    by_pk = {d.pk: d for d in docs}
    carried: list[tuple[str, LinkKey]] = []
    for pk, type_, value, strength in hits:
        doc = by_pk[pk]
        key = key_for(type_, value, strength, vendor_scope(doc.platform, doc.source))
        if key is not None:
            carried.append((doc.doc_id, key))
    status = repo.key_statuses({key.ident for _, key in carried}, visibility)
    graph = nx.Graph()
    for d in docs:
        graph.add_node(
            f"doc:{d.doc_id}",
            kind="document",
            label=(d.title or d.doc_id[:12])[:120],
            actor=d.actor_id,
            platform=d.platform or "",
            vendor=d.author or "",
            offer_score=float(d.offer_score),
        )
    for doc_id, key in carried:
        node = f"sel:{key.label}"
        if node not in graph:
            graph.add_node(
                node,
                kind="selector",
                label=key.value[:120],
                type=key.type,
                scope=key.scope,
                status=status.get(key.ident, "linking"),
            )
        graph.add_edge(f"doc:{doc_id}", node, type=key.type)
    return graph


def render_graph(graph: nx.Graph, fmt: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=FORMATS)
    if fmt == "json":
        data: dict[str, Any] = nx.node_link_data(graph, edges="edges")
        return json.dumps(data, indent=2, ensure_ascii=False)
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buf)
    else:
        nx.write_gexf(graph, buf)
    return buf.getvalue().decode("utf-8")
