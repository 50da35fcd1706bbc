"""What the web UI's review queue, document view and dashboards return (issue 18).

The queue is findings sorted by risk with each document's latest analyst decision; the
labelled export is what ``narcwatch eval`` reads (``--labels label --positive offer``)
and the offer model's training script can take as more labelled data.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field

from narcwatch.model import Finding
from narcwatch.results.base import Record

__all__ = [
    "Decision",
    "DocumentView",
    "LabelledRecord",
    "OfferPoint",
    "OfferSeries",
    "QueueItem",
    "QueuePage",
    "Review",
]


class Decision(StrEnum):
    """An analyst's verdict on a finding."""

    CONFIRM = "confirm"  # a drug offer
    DISMISS = "dismiss"  # not a drug offer
    ESCALATE = "escalate"  # needs a second look (no label in the export)


class Review(Record):
    """One recorded decision: who, when, what."""

    schema_id: ClassVar[str] = "narcwatch.review/1"
    columns: ClassVar[tuple[str, ...]] = ("doc_id", "decision", "analyst", "org", "at")

    doc_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    decision: Decision
    analyst: str
    org: str | None = None
    note: str = ""
    at: datetime


class QueueItem(Record):
    """A finding in the review queue, with its latest decision (None: undecided)."""

    doc_id: str
    title: str | None
    snippet: str | None = Field(None, description="the text's start, when it was stored")
    platform: str | None
    author: str | None
    day: str | None = Field(description="published date when known, else first stored")
    risk: float
    offer_score: float
    offer_kind: Literal["drug", "other"] | None
    substances: list[str]
    review: Review | None = None


class QueuePage(Record):
    """One page of the review queue (highest risk first) and the filter values offered."""

    schema_id: ClassVar[str] = "narcwatch.review-queue/1"

    items: list[QueueItem]
    total: int = Field(description="findings matching the filters")
    platforms: list[str]
    substances: list[str]


class DocumentView(Record):
    """One stored document: its finding (spans index ``finding.doc.text`` when the scan
    kept the text), when it was stored, and its decisions newest first."""

    schema_id: ClassVar[str] = "narcwatch.document-view/1"

    finding: Finding
    version: int
    first_seen: datetime
    last_seen: datetime
    actor: str | None = None
    reviews: list[Review] = Field(default_factory=list)


class LabelledRecord(Record):
    """A line of ``review export``: a reviewed document with its label, in the shape
    ``narcwatch eval`` reads (``text`` and ``title`` are analysed again; ``label`` is
    ``offer`` for a confirmed finding and ``not_offer`` for a dismissed one)."""

    schema_id: ClassVar[str] = "narcwatch.labelled-record/1"
    columns: ClassVar[tuple[str, ...]] = ("id", "label", "platform", "title", "analyst", "at")

    id: str
    label: Literal["offer", "not_offer"]
    title: str | None = None
    text: str | None = None
    platform: str | None = None
    author: str | None = None
    url: str | None = None
    offer_score: float = Field(description="the score when the analyst decided")
    analyst: str
    at: datetime


class OfferPoint(Record):
    day: str
    key: str
    offers: int


class OfferSeries(Record):
    """Drug offers a day per substance, platform or country (``by``; a country is an ISO
    code from a listing's origin column or a phone number's region), for the dashboards."""

    schema_id: ClassVar[str] = "narcwatch.offer-series/1"
    columns: ClassVar[tuple[str, ...]] = ("day", "key", "offers")

    by: Literal["substance", "platform", "country"]
    days: list[str]
    keys: list[str] = Field(description="the series, largest first")
    points: list[OfferPoint]
