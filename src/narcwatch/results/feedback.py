"""Comments and sightings on shared incidents (issue 17), in the manner of MISP
sightings and IONICS feedback.

A comment is free text that every organisation able to see the incident reads (unlike a
:class:`~narcwatch.results.share.Message`, which only two organisations read). A
sighting says "we saw this too" (``seen``), "this is wrong" (``false_positive``) or
"this is over" (``expired``), with when and where if known; an incident carries the
count of each kind and of its comments.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, field_validator

from narcwatch.results.base import Record

__all__ = [
    "Comment",
    "CommentDraft",
    "Sighting",
    "SightingCounts",
    "SightingDraft",
    "SightingKind",
]

MAX_COMMENT = 10_000
MAX_NOTE = 2_000


class SightingKind(StrEnum):
    SEEN = "seen"
    FALSE_POSITIVE = "false_positive"
    EXPIRED = "expired"


def _no_nul(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL: refuse it here (a 422), not in the database (a 500).
    if value is not None and "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


class CommentDraft(Record):
    """``POST /api/v1/incidents/{id}/comments``."""

    body: str = Field(min_length=1, max_length=MAX_COMMENT)

    _nul = field_validator("body")(_no_nul)


class Comment(Record):
    """A comment on an incident, read by every organisation that may see the incident."""

    schema_id: ClassVar[str] = "narcwatch.comment/1"
    columns: ClassVar[tuple[str, ...]] = ("id", "incident", "org", "author", "created", "body")

    id: int
    incident: str
    org: str = Field(description="The commenting organisation")
    author: str = Field(description="The commenting user's e-mail")
    body: str
    created: datetime


class SightingDraft(Record):
    """``POST /api/v1/incidents/{id}/sightings``: the caller's organisation saw it too."""

    kind: SightingKind = SightingKind.SEEN
    seen: date | None = Field(default=None, description="When it was seen, if known")
    country: str | None = Field(
        default=None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code"
    )
    note: str = Field(default="", max_length=MAX_NOTE)

    _nul = field_validator("note")(_no_nul)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value is not None else None


class Sighting(Record):
    """A sighting of an incident by an organisation (``seen``, ``false_positive`` or
    ``expired``), read by every organisation that may see the incident."""

    schema_id: ClassVar[str] = "narcwatch.sighting/1"
    columns: ClassVar[tuple[str, ...]] = (
        "id", "incident", "org", "author", "kind", "seen", "country", "note", "created",
    )  # fmt: skip

    id: int
    incident: str
    org: str = Field(description="The organisation that saw it")
    author: str = Field(description="The reporting user's e-mail")
    kind: SightingKind
    seen: date | None = None
    country: str | None = None
    note: str = ""
    created: datetime


class SightingCounts(Record):
    """How many sightings of each kind an incident has."""

    seen: int = Field(default=0, ge=0)
    false_positive: int = Field(default=0, ge=0)
    expired: int = Field(default=0, ge=0)
