"""What the market dashboards return (issue 18): substances seen for the first time and
prices per gram per substance and market, read from the stored findings."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from narcwatch.results.base import Record

__all__ = ["FirstSeen", "FirstSeenList", "GramPrice", "GramPrices"]


class FirstSeen(Record):
    """A substance and the first day a stored document names it."""

    substance: str = Field(description="knowledge-base id")
    name: str
    first_day: str = Field(description="published date when known, else first stored")
    documents: int = Field(description="stored documents naming it")


class FirstSeenList(Record):
    """Substances by the day they were first seen, newest first."""

    schema_id: ClassVar[str] = "narcwatch.first-seen/1"

    items: list[FirstSeen]


class GramPrice(Record):
    """The median price per gram of a substance on a market, in one currency."""

    substance: str = Field(description="knowledge-base id")
    market: str = Field(description="the platform, '(none)' when the document names none")
    currency: str
    per_gram: float = Field(description="median price per gram")
    low: float
    high: float
    findings: int = Field(description="drug offers giving a price per gram")


class GramPrices(Record):
    """Prices per gram from stored drug offers: a price 'per' a mass unit, or a price and
    the mass quantity written nearest to it (count times amount), for the substance
    written nearest to the price."""

    schema_id: ClassVar[str] = "narcwatch.gram-prices/1"

    items: list[GramPrice]
    offers: int = Field(description="drug offers read")
    with_both: int = Field(description="of them, with both a price and a mass quantity")
    priced: int = Field(description="of them, giving at least one price per gram")
