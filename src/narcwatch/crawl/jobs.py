"""Starting and resuming crawl jobs over an open store.

The front doors call :func:`narcwatch.jobs.crawl.crawl_job`, which takes the archive root,
the chain of custody and the analysis executor from its Context, runs this and links the
new documents into actors::

    summary = run_crawl(store, ["https://example.org/"], CrawlSettings(max_pages=50),
                        archive=home / "archive", custody=log, executor=make_executor)
    summary = run_crawl(store, [], None, resume="crawl-20261125T101500", ...)
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from narcwatch.crawl.analysis import ExecutorFactory
from narcwatch.crawl.clock import SYSTEM_CLOCK, Clock
from narcwatch.crawl.config import CrawlSettings
from narcwatch.crawl.crawler import Crawler
from narcwatch.crawl.frontier import Frontier
from narcwatch.crawl.scope import Scope, canonicalize
from narcwatch.crawl.summary import CrawlSummary, ProgressFn
from narcwatch.errors import UsageError

if TYPE_CHECKING:
    from narcwatch.evidence.custody import CustodyLog
    from narcwatch.store import Store

_JOB_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def default_job_name() -> str:
    return datetime.now(UTC).strftime("crawl-%Y%m%dT%H%M%S")


def seed_items(seeds: Sequence[str]) -> list[tuple[str, int, float]]:
    """Seeds as frontier items (depth 0, first in line). Seeds that are not http(s) URLs
    are kept as given so the fetch records why they were refused."""
    return [(canonicalize(s) or s.strip(), 0, 1.0) for s in seeds if s.strip()]


def prepare(
    store: Store,
    seeds: Sequence[str],
    settings: CrawlSettings | None,
    *,
    job: str | None = None,
    resume: str | None = None,
) -> tuple[str, list[str], CrawlSettings]:
    """Create the job (or reload it to resume); return its name, seeds and settings."""
    if resume:
        frontier = Frontier(store, resume)
        old_seeds, old_settings = frontier.load()
        if seeds:
            frontier.add(seed_items(seeds))
        return resume, old_seeds + [s for s in seeds if s not in old_seeds], old_settings
    name = job or default_job_name()
    if not _JOB_RE.match(name):
        raise UsageError("--job must be letters, digits, '.', '_' or '-'", value=name)
    if not seeds:
        raise UsageError("no seed URL given (SEEDS... or --seeds-file)")
    settings = settings or CrawlSettings()
    Scope.build(seeds, include=settings.include, exclude=settings.exclude)  # check regexes
    frontier = Frontier(store, name)
    frontier.create(list(seeds), settings)
    frontier.add(seed_items(seeds))
    return name, list(seeds), settings


def run_crawl(
    store: Store,
    seeds: Sequence[str],
    settings: CrawlSettings | None = None,
    *,
    archive: Path,
    custody: CustodyLog,
    executor: ExecutorFactory,
    profiles: Path | None = None,
    job: str | None = None,
    resume: str | None = None,
    overrides: dict[str, object] | None = None,
    progress: ProgressFn | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> CrawlSummary:
    """Run (or resume) a crawl to its end or a limit: WARC files under ``archive/<job>``,
    custody entries in ``custody``, pages analysed by ``executor(analysis_workers)`` (in
    this process for 0 workers, else in that many worker processes). ``overrides`` change
    stored settings of a resumed job (e.g. ``{"max_pages": 500}``). ``clock`` measures
    politeness delays and time limits (a test's own makes them exact)."""
    name, all_seeds, chosen = prepare(store, seeds, settings, job=job, resume=resume)
    for key, value in (overrides or {}).items():
        if not hasattr(chosen, key):
            raise UsageError(f"unknown crawl setting {key!r}")
        setattr(chosen, key, value)
    crawler = Crawler(
        store,
        name,
        chosen,
        all_seeds,
        archive=archive,
        custody=custody,
        executor=executor,
        profiles=profiles,
        progress=progress,
        clock=clock,
    )
    return asyncio.run(crawler.run())
