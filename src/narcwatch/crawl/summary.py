"""What a crawl reports: progress while it runs, a summary when it ends.

The summary is the typed result :class:`narcwatch.results.evidence.CrawlSummary` (what
``narcwatch crawl`` prints and the API returns); progress is for a progress bar only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from narcwatch.results.evidence import CrawlError, CrawlSummary

__all__ = ["CrawlError", "CrawlProgress", "CrawlSummary", "ProgressFn"]


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


ProgressFn = Callable[[CrawlProgress], None]
