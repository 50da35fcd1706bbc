"""The result of `narcwatch report`: what the store holds, summarised."""

from __future__ import annotations

from typing import ClassVar

from narcwatch.results.base import Record

__all__ = ["DayRow", "PlatformRow", "Report", "SelectorRow", "SubstanceRow", "Totals"]


class Totals(Record):
    documents: int
    versions: int
    offers: int
    platforms: int
    substances: int
    selectors: int


class PlatformRow(Record):
    platform: str | None
    documents: int
    offers: int


class DayRow(Record):
    day: str
    documents: int
    offers: int


class SubstanceRow(Record):
    id: str
    name: str
    documents: int
    offers: int


class SelectorRow(Record):
    type: str
    value: str
    documents: int
    platforms: int


class Report(Record):
    """What the store holds (`narcwatch report`), latest versions only."""

    schema_id: ClassVar[str] = "narcwatch.report/1"

    totals: Totals
    by_platform: list[PlatformRow]
    # Dated documents by the day they were published (undated ones are left out)...
    by_published_day: list[DayRow]
    # ...and every document by the day narcwatch first stored it.
    by_stored_day: list[DayRow]
    top_substances: list[SubstanceRow]
    top_selectors: list[SelectorRow]
