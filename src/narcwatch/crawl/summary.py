"""What a crawl reports: progress while it runs, a summary when it ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class CrawlProgress:
    pages: int
    errors: int
    skipped: int
    queued: int
    elapsed: float

    @property
    def rate(self) -> float:
        return self.pages / self.elapsed if self.elapsed > 0 else 0.0


@dataclass
class CrawlSummary:
    job: str
    pages: int = 0  # archived and analysed in this run
    errors: int = 0
    skipped: int = 0
    offers: int = 0
    queued: int = 0  # left in the frontier
    elapsed: float = 0.0
    status: str = "finished"  # finished | stopped
    stop_reason: str | None = None
    warc_files: list[str] = field(default_factory=list)
    error_samples: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        text = (
            f"job {self.job}: {self.pages} pages archived, {self.offers} offers, "
            f"{self.errors} errors, {self.skipped} skipped, {self.queued} queued "
            f"in {self.elapsed:.1f} s ({self.status}"
        )
        return text + (f": {self.stop_reason})" if self.stop_reason else ")")


ProgressFn = Callable[[CrawlProgress], None]
