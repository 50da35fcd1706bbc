"""The rows :class:`~narcwatch.store.actors.ActorRepository` returns: plain named tuples,
so nothing above the store sees a database row or session."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

__all__ = [
    "ActorRank",
    "GraphDocument",
    "KeySummary",
    "MemberDocument",
    "MemberHit",
    "Occurrence",
    "StoredEvent",
]


class ActorRank(NamedTuple):
    id: str
    documents: int
    platforms: int
    substances: int
    offers: int  # documents that are drug offers
    risk: float  # the highest risk of its documents

    def order(self) -> tuple[float, int, int, int, int, str]:
        """The ranking of ``actors list``: drug relevance and risk before size."""
        return (
            -self.risk,
            -self.offers,
            -self.substances,
            -self.documents,
            -self.platforms,
            self.id,
        )


class MemberDocument(NamedTuple):
    actor_id: str
    pk: int
    doc_id: str
    platform: str | None
    author: str | None
    published: str | None
    first_seen: datetime
    last_seen: datetime
    source: str
    location: str
    url: str | None
    title: str | None
    offer_score: float
    offer: bool
    risk: float


class MemberHit(NamedTuple):
    document_pk: int
    type: str
    value: str
    strength: str
    matched: str
    start: int | None
    end: int | None


class StoredEvent(NamedTuple):
    at: datetime
    kind: str
    actor_id: str | None
    detail: dict[str, Any]


class KeySummary(NamedTuple):
    type: str
    value: str
    scope: str
    status: str
    documents: int
    vendors: list[str]


class Occurrence(NamedTuple):
    type: str
    value: str
    matched: str
    start: int | None
    end: int | None
    doc_id: str
    source: str
    location: str
    platform: str | None
    actor_id: str | None


class GraphDocument(NamedTuple):
    pk: int
    doc_id: str
    platform: str | None
    author: str | None
    title: str | None
    offer_score: float
    source: str
    actor_id: str
