"""Reading and analysing a fetched page, in the crawler's process or in worker processes.

Analysis (HTML to text, the scan pipeline, link extraction) is CPU work that would stall
the event loop and every download waiting on it. With ``analysis_workers`` > 0 it runs in
that many processes (each builds its own :class:`Pipeline` once, with the same factory),
so fetching and archiving go on in the crawler's process while a second core analyses.

The pipeline comes from a factory the caller hands in (the job passes the one its
:class:`~narcwatch.jobs.context.Context` builds, so the crawl analyses with the same
region, threshold and knowledge base as ``scan``); for worker processes the factory must
be picklable.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from narcwatch.analyze.pipeline import Pipeline
from narcwatch.crawl.fetch import Exchange
from narcwatch.crawl.links import extract_links
from narcwatch.crawl.page import read_page
from narcwatch.evidence import Capture
from narcwatch.ingest.decode import decode
from narcwatch.model import Finding

Links = list[tuple[str, str]]  # (absolute URL, link text)
PipelineFactory = Callable[[], Pipeline]


@dataclass(frozen=True)
class PageResult:
    finding: Finding | None  # None: the page has no visible text
    links: Links


def analyse_page(
    pipeline: Pipeline, response: Exchange, capture: Capture, archive: Path, max_links: int
) -> PageResult:
    page = read_page(response, capture, archive)
    finding = pipeline(page) if page is not None else None
    links: Links = []
    if "html" in response.content_type or response.content_type == "":
        links = extract_links(decode(response.body), response.url, max_links)
    return PageResult(finding, links)


_worker_pipeline: Pipeline | None = None


def _init_worker(factory: PipelineFactory) -> None:
    global _worker_pipeline
    _worker_pipeline = factory()


def _in_worker(response: Exchange, capture: Capture, archive: Path, max_links: int) -> PageResult:
    assert _worker_pipeline is not None
    return analyse_page(_worker_pipeline, response, capture, archive, max_links)


class PageAnalyst:
    """``await analyst(response, capture)``: the page's finding and links."""

    def __init__(
        self, pipeline: PipelineFactory, archive: Path, *, workers: int, max_links: int
    ) -> None:
        self.archive, self.max_links = archive, max_links
        self.pool = None
        self.pipeline: Pipeline | None = None
        if workers > 0:
            # spawn, not fork: the crawler's process holds an event loop and open files.
            spawn = mp.get_context("spawn")
            self.pool = ProcessPoolExecutor(
                workers, spawn, initializer=_init_worker, initargs=(pipeline,)
            )
        else:
            self.pipeline = pipeline()

    async def __call__(self, response: Exchange, capture: Capture) -> PageResult:
        if self.pool is None:
            assert self.pipeline is not None
            return analyse_page(self.pipeline, response, capture, self.archive, self.max_links)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.pool, _in_worker, response, capture, self.archive, self.max_links
        )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
