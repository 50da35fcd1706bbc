"""``narcwatch crawl``: a polite, safe crawler that archives what it reads as evidence.

- :func:`run_crawl` starts or resumes a job (:class:`CrawlSettings`) over an open store,
  archive root and custody log, and returns a :class:`CrawlSummary`; front doors call
  :func:`narcwatch.jobs.crawl.crawl_job`, which also links the new documents.
- :class:`AddressPolicy` is the SSRF guard; :class:`Scope` the crawl's bounds;
  :func:`canonicalize` the URL form used to visit each page once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from narcwatch.crawl.config import CrawlSettings
    from narcwatch.crawl.crawler import Crawler
    from narcwatch.crawl.fetch import Fetcher, FetchResult
    from narcwatch.crawl.frontier import Frontier
    from narcwatch.crawl.jobs import default_job_name, run_crawl
    from narcwatch.crawl.safety import AddressPolicy, UnsafeURLError, blocked_reason, numeric_host
    from narcwatch.crawl.scope import Scope, canonicalize
    from narcwatch.crawl.summary import CrawlProgress, CrawlSummary

# Imported on first use: ``narcwatch crawl --help`` and the settings need none of the
# crawler's libraries (httpx, the analysis pipeline).
_WHERE = {
    "AddressPolicy": "safety",
    "CrawlProgress": "summary",
    "CrawlSettings": "config",
    "CrawlSummary": "summary",
    "Crawler": "crawler",
    "FetchResult": "fetch",
    "Fetcher": "fetch",
    "Frontier": "frontier",
    "Scope": "scope",
    "UnsafeURLError": "safety",
    "blocked_reason": "safety",
    "canonicalize": "scope",
    "default_job_name": "jobs",
    "numeric_host": "safety",
    "run_crawl": "jobs",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "AddressPolicy",
    "CrawlProgress",
    "CrawlSettings",
    "CrawlSummary",
    "Crawler",
    "FetchResult",
    "Fetcher",
    "Frontier",
    "Scope",
    "UnsafeURLError",
    "blocked_reason",
    "canonicalize",
    "default_job_name",
    "numeric_host",
    "run_crawl",
]
