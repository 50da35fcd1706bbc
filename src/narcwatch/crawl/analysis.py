"""Reading and analysing a fetched page, in the crawler's process or in worker processes.

Reading the page (HTML to text, links) happens here; the scan pipeline runs on an
:class:`~narcwatch.analyze.executors.Executor`, the same seam ``scan`` analyses through.
With ``analysis_workers`` > 0 the executor's worker processes analyse while fetching and
archiving go on in the crawler's process (the event loop awaits a future); with 0 the
pipeline runs in the crawler's process.

The executor comes from a factory the caller hands in (the job passes the one its
:class:`~narcwatch.jobs.context.Context` builds, so the crawl analyses with the same
region, threshold and knowledge base as ``scan``), given the number of workers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from narcwatch.analyze.executors import Executor
from narcwatch.crawl.fetch import Exchange
from narcwatch.crawl.links import extract_links
from narcwatch.crawl.page import read_page
from narcwatch.errors import InputError
from narcwatch.evidence import Capture
from narcwatch.ingest.decode import decode
from narcwatch.model import Finding

log = logging.getLogger(__name__)

Links = list[tuple[str, str]]  # (absolute URL, link text)
# workers -> the executor analysing pages (0: in the crawler's process)
ExecutorFactory = Callable[[int], Executor]


@dataclass(frozen=True)
class PageResult:
    finding: Finding | None  # None: the page has no visible text, or its analysis failed
    links: Links


class PageAnalyst:
    """``await analyst(response, capture)``: the page's finding and links."""

    def __init__(
        self,
        executor: ExecutorFactory,
        archive: Path,
        *,
        workers: int,
        max_links: int,
        profiles: Path | None = None,
    ) -> None:
        self.archive, self.max_links, self.profiles = archive, max_links, profiles
        self.executor = executor(workers)
        self.in_workers = workers > 0

    async def __call__(self, response: Exchange, capture: Capture) -> PageResult:
        page = read_page(response, capture, self.archive, profiles=self.profiles)
        links: Links = []
        if "html" in response.content_type or response.content_type == "":
            links = extract_links(decode(response.body), response.url, self.max_links)
        if page is None:
            return PageResult(None, links)
        future = self.executor.submit(page)
        result = await asyncio.wrap_future(future) if self.in_workers else future.result()
        if isinstance(result, InputError):
            log.warning("%s", result)  # archived and stored without a finding
            return PageResult(None, links)
        return PageResult(result, links)

    def close(self) -> None:
        self.executor.close()
