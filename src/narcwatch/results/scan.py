"""The summary of a scan job (``narcwatch scan``'s last line, as data)."""

from __future__ import annotations

from typing import ClassVar

from narcwatch.results.base import Record

__all__ = ["ScanSummary"]


class ScanSummary(Record):
    """How a scan went: documents read, offers found, bad records, what was stored."""

    schema_id: ClassVar[str] = "narcwatch.scan-summary/1"
    columns: ClassVar[tuple[str, ...]] = (
        "documents", "offers", "errors", "seconds", "stored_added", "stored_new_versions",
        "stored_unchanged",
    )  # fmt: skip

    documents: int = 0
    offers: int = 0
    errors: int = 0
    seconds: float = 0.0
    stored: bool = False
    stored_added: int = 0
    stored_unchanged: int = 0
    stored_new_versions: int = 0
    linked: str | None = None  # the link step's summary line; None when not linked
    interrupted: bool = False  # stopped by Ctrl-C: what was analysed so far is stored

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        line = (
            f"{self.documents:,} documents, {self.offers:,} offers, {self.errors:,} errors "
            f"in {self.seconds:.2f} s ({self.docs_per_second:,.0f} documents/s)"
        )
        if self.stored:
            line += (
                f"; stored {self.stored_added:,} new, {self.stored_new_versions:,} new versions, "
                f"{self.stored_unchanged:,} unchanged"
            )
        return line
