"""Reading actors back: what ``actors list/show`` and ``selectors search`` print, as the
typed results of :mod:`narcwatch.results.actors`.

The rows come from :class:`~narcwatch.store.actors.ActorRepository`; this module works out
which selectors link each actor's documents (the link keys of :mod:`narcwatch.link.keys`).
Listing actors costs the same few statements for 20 actors as for one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from narcwatch.errors import UsageError
from narcwatch.link.keys import PHONE, LinkKey, key_for, read_query, vendor_scope
from narcwatch.link.known import known_market_selectors
from narcwatch.results.actors import (
    Actor,
    ActorDetail,
    ActorDocument,
    Link,
    LinkEvent,
    NonLinkingSelector,
    SelectorOccurrence,
    SelectorSpan,
    TimelineEntry,
)
from narcwatch.store import Store
from narcwatch.store.actors import ActorRepository, MemberDocument, MemberHit, StoredEvent
from narcwatch.store.visibility import Visibility

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase


def list_actors(
    store: Store, *, top: int = 20, visibility: Visibility | None = None
) -> list[Actor]:
    """The ``top`` active actors by drug relevance and risk (highest document risk, drug
    offers, substances, then documents), with their links."""
    repo = ActorRepository(store)
    ids = [rank.id for rank in repo.ranking(top, visibility)]
    docs = repo.documents(ids, visibility)
    hits = repo.selector_hits(ids, visibility)
    linking = repo.linking_keys(ids, visibility)
    substances = repo.substances(ids, visibility)
    docs_of: dict[str, list[MemberDocument]] = defaultdict(list)
    for d in docs:
        docs_of[d.actor_id].append(d)
    actor_of = {d.pk: d.actor_id for d in docs}
    hits_of: dict[str, list[MemberHit]] = defaultdict(list)
    for h in hits:
        hits_of[actor_of[h.document_pk]].append(h)
    return [
        Actor(
            id=a,
            risk=max((d.risk for d in docs_of[a]), default=0.0),
            offers=sum(bool(d.offer) for d in docs_of[a]),
            documents=[d.doc_id for d in docs_of[a]],
            platforms=sorted({d.platform for d in docs_of[a] if d.platform}),
            vendors=sorted({d.author for d in docs_of[a] if d.author}),
            substances=substances[a],
            links=_links(docs_of[a], hits_of[a], linking[a]),
        )
        for a in ids
    ]


def resolve_actor(store: Store, actor_id: str, *, visibility: Visibility | None = None) -> str:
    """The id of the active actor ``actor_id`` is (a merged actor's id leads to the actor
    it was merged into); an unknown id is a UsageError listing the largest actors."""
    repo = ActorRepository(store)
    found = repo.resolve(actor_id, visibility)
    if found is None:
        options = repo.largest(10, visibility)
        raise UsageError(f"no actor {actor_id!r}", value=actor_id, options=options)
    return found


def _span(start: int | None, end: int | None) -> tuple[int, int] | None:
    return None if start is None or end is None else (start, end)


def show_actor(store: Store, actor_id: str, *, visibility: Visibility | None = None) -> ActorDetail:
    """One actor with its documents, spans, links, timeline and history. A merged actor's
    id leads to the actor it was merged into."""
    repo = ActorRepository(store)
    a = resolve_actor(store, actor_id, visibility=visibility)
    docs = repo.documents([a], visibility)
    hits = repo.selector_hits([a], visibility)
    spans: dict[int, list[SelectorSpan]] = defaultdict(list)
    for h in hits:
        spans[h.document_pk].append(
            SelectorSpan(type=h.type, value=h.value, matched=h.matched, span=_span(h.start, h.end))
        )
    dated = sorted(docs, key=lambda d: (d.published or d.first_seen.isoformat(), d.doc_id))
    return ActorDetail(
        id=a,
        risk=max((d.risk for d in docs), default=0.0),
        offers=sum(bool(d.offer) for d in docs),
        documents=[d.doc_id for d in docs],
        platforms=sorted({d.platform for d in docs if d.platform}),
        vendors=sorted({d.author for d in docs if d.author}),
        substances=repo.substances([a], visibility)[a],
        links=_links(docs, hits, repo.linking_keys([a], visibility)[a]),
        timeline=[
            TimelineEntry(
                when=d.published or d.first_seen.isoformat(),
                doc_id=d.doc_id,
                platform=d.platform,
                vendor=d.author,
                title=d.title,
            )
            for d in dated
        ],
        history=[_event(e) for e in repo.events(a, visibility)],
        items=[
            ActorDocument(
                doc_id=d.doc_id,
                source=d.source,
                location=d.location,
                url=d.url,
                offer_score=d.offer_score,
                selectors=spans[d.pk],
            )
            for d in docs
        ],
    )


def _links(
    docs: Sequence[MemberDocument], hits: Sequence[MemberHit], linking: set[str]
) -> list[Link]:
    """The selectors that link these documents (carried by two or more of them), most
    documents first, with the documents carrying each and when they were seen."""
    by_pk = {d.pk: d for d in docs}
    carriers: dict[LinkKey, set[int]] = defaultdict(set)
    for h in hits:
        doc = by_pk[h.document_pk]
        key = key_for(h.type, h.value, h.strength, vendor_scope(doc.platform, doc.source))
        if key is not None and key.ident in linking:
            carriers[key].add(h.document_pk)
    links = []
    for key, pks in sorted(carriers.items(), key=lambda kv: (-len(kv[1]), kv[0].label)):
        if len(pks) < 2:
            continue
        times = [by_pk[p].first_seen for p in pks] + [by_pk[p].last_seen for p in pks]
        links.append(
            Link(
                type=key.type,
                value=key.value,
                scope=key.scope,
                documents=sorted(by_pk[p].doc_id for p in pks),
                first_seen=min(times).isoformat(),
                last_seen=max(times).isoformat(),
            )
        )
    return links


def _event(e: StoredEvent) -> LinkEvent:
    return LinkEvent.from_stored(e.at.isoformat(), e.kind, e.actor_id, e.detail)


def history(
    store: Store, *, limit: int = 50, visibility: Visibility | None = None
) -> list[LinkEvent]:
    """Merges, splits, verdicts and rebuilds, newest first."""
    return [_event(e) for e in ActorRepository(store).history(limit, visibility)]


def non_linking(
    store: Store, *, kb: KnowledgeBase | None = None, visibility: Visibility | None = None
) -> list[NonLinkingSelector]:
    """Selectors that link nobody: market-wide (by spread), known (the known ones with
    their owner, from ``kb``, by default the packaged knowledge base), or rejected."""
    rows = ActorRepository(store).non_linking_keys(visibility)
    owners: dict[LinkKey, str] = {}
    if any(r.status == "known" for r in rows):
        if kb is None:
            from narcwatch.kb import default_kb

            kb = default_kb()
        owners = known_market_selectors(kb)
    return [
        NonLinkingSelector(
            type=r.type,
            value=r.value,
            status=r.status,  # type: ignore[arg-type]
            documents=r.documents,
            vendors=len(r.vendors),
            owner=owners.get(LinkKey(r.type, r.value)) if r.status == "known" else None,
        )
        for r in rows
    ]


def find_selector(
    store: Store, value: str, *, visibility: Visibility | None = None
) -> list[SelectorOccurrence]:
    """Every stored (latest) document a selector appears in, with its actor. ``value`` is
    read as the extractors read text (:func:`~narcwatch.link.keys.read_query`): a phone
    number with spaces, a fingerprint in groups, ``TYPE:VALUE``. A number is found under
    every messenger it was written for; another named type also finds bare ``@handles``."""
    type_, values = read_query(value)
    types = None if type_ in (None, PHONE) else {type_, "handle"}
    return [
        SelectorOccurrence(
            type=r.type,
            value=r.value,
            matched=r.matched,
            span=_span(r.start, r.end),
            doc_id=r.doc_id,
            source=r.source,
            location=r.location,
            platform=r.platform,
            actor=r.actor_id,
        )
        for r in ActorRepository(store).occurrences(values, visibility, types=types)
    ]
