"""``narcwatch crawl``: a polite, safe crawler that archives what it reads as evidence.

- :func:`run_crawl` starts or resumes a job (:class:`CrawlSettings`), returns a
  :class:`CrawlSummary`.
- :class:`AddressPolicy` is the SSRF guard; :class:`Scope` the crawl's bounds;
  :func:`canonicalize` the URL form used to visit each page once.
"""

from narcwatch.crawl.config import CrawlSettings
from narcwatch.crawl.crawler import Crawler
from narcwatch.crawl.fetch import Fetcher, FetchResult
from narcwatch.crawl.frontier import Frontier
from narcwatch.crawl.jobs import default_job_name, run_crawl
from narcwatch.crawl.safety import AddressPolicy, UnsafeURLError, blocked_reason, numeric_host
from narcwatch.crawl.scope import Scope, canonicalize
from narcwatch.crawl.summary import CrawlProgress, CrawlSummary

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
