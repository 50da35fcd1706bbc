"""What ``narcwatch actors``, ``narcwatch link`` and ``narcwatch selectors`` print.

The JSON keys are those the README documents: ``actors list --format json`` is one
:class:`ActorListing` (``actors`` and ``not_linking``), ``actors show`` one
:class:`ActorDetail`, ``link history`` one :class:`LinkEvent` per line.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from narcwatch.results.base import Record

__all__ = [
    "Actor",
    "ActorDetail",
    "ActorDocument",
    "ActorListing",
    "Link",
    "LinkEvent",
    "LinkRunSummary",
    "LinkVerdict",
    "NonLinkingSelector",
    "SelectorOccurrence",
    "SelectorSpan",
    "TimelineEntry",
]

Span = tuple[int, int]


class Link(Record):
    """The evidence for one link: a selector and the documents of the actor carrying it."""

    schema_id: ClassVar[str] = "narcwatch.link/1"
    columns: ClassVar[tuple[str, ...]] = ("type", "value", "scope", "documents")

    type: str
    value: str
    scope: str = Field(description="the platform (or file:PATH) a vendor name links within")
    documents: list[str]
    first_seen: str | None
    last_seen: str | None

    @property
    def label(self) -> str:
        return f"{self.type}:{self.value}"


class Actor(Record):
    """One actor in ``actors list``: its documents and the selectors that link them.
    ``actors list`` ranks actors by ``risk``, then ``offers``, then substances, then
    documents."""

    schema_id: ClassVar[str] = "narcwatch.actor/1"
    columns: ClassVar[tuple[str, ...]] = (
        "id",
        "risk",
        "offers",
        "documents",
        "platforms",
        "vendors",
        "substances",
        "linked_by",
    )

    id: str = Field(pattern=r"^A[0-9a-f]{10}$")
    risk: float = Field(0.0, ge=0.0, le=1.0, description="the highest risk of its documents")
    offers: int = Field(0, ge=0, description="how many of its documents are drug offers")
    documents: list[str]
    platforms: list[str]
    vendors: list[str]
    substances: list[str]
    links: list[Link]

    def row(self) -> dict[str, object]:
        """The flat view counts documents and names each link by its selector."""
        row = super().row()
        row["documents"] = len(self.documents)
        row["linked_by"] = "; ".join(link.label for link in self.links)
        return row


class NonLinkingSelector(Record):
    """A selector that links nobody: a market's (by spread), a known one (knowledge base)
    or one an analyst rejected."""

    schema_id: ClassVar[str] = "narcwatch.non-linking-selector/1"
    columns: ClassVar[tuple[str, ...]] = ("type", "value", "status", "documents", "vendors")

    type: str
    value: str
    status: Literal["market", "known", "rejected"]
    documents: int
    vendors: int = Field(description="distinct vendor names seen with it (capped)")
    owner: str | None = Field(None, description="who a known selector belongs to")


class ActorListing(Record):
    """``actors list --format json``: the top actors and the selectors that link nobody."""

    schema_id: ClassVar[str] = "narcwatch.actor-listing/1"

    actors: list[Actor]
    not_linking: list[NonLinkingSelector]


class SelectorSpan(Record):
    type: str
    value: str
    matched: str
    span: Span | None = Field(description="null: the value came from an input field (author)")


class ActorDocument(Record):
    """A document of an actor with every selector found in it."""

    doc_id: str
    source: str
    location: str
    url: str | None
    offer_score: float
    selectors: list[SelectorSpan]


class TimelineEntry(Record):
    when: str = Field(description="published date when known, else first seen")
    doc_id: str
    platform: str | None
    vendor: str | None
    title: str | None


class LinkEvent(Record):
    """One event of the actors' history (``link history``, ``actors show``). Fields that
    do not apply to an event's kind are left out of its JSON."""

    schema_id: ClassVar[str] = "narcwatch.link-event/1"
    columns: ClassVar[tuple[str, ...]] = (
        "at",
        "kind",
        "actor",
        "key",
        "verdict",
        "reason",
        "analyst",
        "merged",
        "into",
        "by",
        "documents",
        "actors",
        "merges",
        "splits",
    )

    at: str
    kind: Literal["merge", "split", "override", "rebuild"]
    actor: str | None
    merged: list[str] | None = Field(None, description="merge: the actors merged into actor")
    by: list[str] | None = Field(None, description="merge: the selectors bridging them")
    into: list[str] | None = Field(None, description="split: the actors split off")
    reason: str | None = Field(None, description="split or override: why")
    key: str | None = Field(None, description="override: the selector")
    verdict: Literal["reject", "restore"] | None = None
    analyst: str | None = None
    removed: bool | None = Field(None, description="restore: whether a rejection was withdrawn")
    documents: int | None = None
    actors: int | None = Field(None, description="rebuild: actors after it")
    merges: int | None = Field(None, description="rebuild: old actors merged into another")
    splits: int | None = Field(None, description="rebuild: parts split off old actors")

    @classmethod
    def from_stored(
        cls, at: str, kind: str, actor: str | None, detail: dict[str, Any]
    ) -> LinkEvent:
        """From a stored event (detail keys this version does not know are dropped)."""
        known = {k: v for k, v in detail.items() if k in cls.model_fields}
        return cls.model_validate(known | {"at": at, "kind": kind, "actor": actor})

    def to_json_dict(self) -> dict[str, Any]:
        return {"at": self.at, "kind": self.kind, "actor": self.actor} | self.model_dump(
            mode="json", exclude_none=True, exclude={"at", "kind", "actor"}
        )


class ActorDetail(Actor):
    """``actors show``: one actor with all its evidence (its flat view is an Actor's)."""

    schema_id: ClassVar[str] = "narcwatch.actor-detail/1"

    timeline: list[TimelineEntry]
    history: list[LinkEvent]
    items: list[ActorDocument]


class SelectorOccurrence(Record):
    """``selectors search``: one stored document a selector appears in."""

    schema_id: ClassVar[str] = "narcwatch.selector-occurrence/1"
    columns: ClassVar[tuple[str, ...]] = (
        "type",
        "value",
        "doc_id",
        "source",
        "location",
        "platform",
        "actor",
    )

    type: str
    value: str
    matched: str
    span: Span | None = Field(description="null: the value came from an input field (author)")
    doc_id: str
    source: str
    location: str
    platform: str | None
    actor: str | None


class LinkRunSummary(Record):
    """What one ``narcwatch link`` run (or ``--rebuild``) did."""

    schema_id: ClassVar[str] = "narcwatch.link-run/1"
    columns: ClassVar[tuple[str, ...]] = (
        "rebuild",
        "documents",
        "created",
        "merges",
        "splits",
        "market_keys",
    )

    rebuild: bool = False
    documents: int = 0
    created: int = 0
    merges: int = 0
    splits: int = 0
    market_keys: list[str] = Field(
        default_factory=list, description="selectors that became a market's in this run"
    )

    def summary(self) -> str:
        text = (
            f"linked {self.documents} documents: {self.created} new actors, "
            f"{self.merges} merges, {self.splits} splits"
        )
        if self.market_keys:
            text += f"; {len(self.market_keys)} selectors now treated as a market's"
        return text


class LinkVerdict(Record):
    """``link reject`` / ``link restore``: the verdict and what it split or merged."""

    schema_id: ClassVar[str] = "narcwatch.link-verdict/1"
    columns: ClassVar[tuple[str, ...]] = ("key", "verdict", "splits", "merges")

    key: str
    type: str
    value: str
    scope: str
    verdict: Literal["reject", "restore"]
    reason: str = ""
    analyst: str = ""
    splits: int = 0
    merges: int = 0
