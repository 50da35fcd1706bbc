"""The crawl: seeds -> fetch -> WARC -> custody -> document -> pipeline -> store -> links.

Each fetched page is archived (WARC under ``<archive>/<job>/``: the caller's archive root,
``HOME/archive`` for the CLI), read like an HTML file and analysed; the
:class:`~narcwatch.crawl.sink.CaptureSink` then logs it in the chain of custody and stores
it, with a capture linking the document to its record and its links queued, in batches.
Error responses (4xx, 5xx) are archived too. Errors are recorded per URL in the frontier
and never stop the crawl; what was archived stays archived. Linking the stored documents
into actors is the job's step after the crawl (:mod:`narcwatch.jobs.crawl`).
"""

from __future__ import annotations

import asyncio
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from narcwatch import __version__
from narcwatch.crawl.analysis import ExecutorFactory, Links, PageAnalyst
from narcwatch.crawl.clock import SYSTEM_CLOCK, Clock
from narcwatch.crawl.config import CrawlSettings
from narcwatch.crawl.fetch import Exchange, Fetcher, FetchResult
from narcwatch.crawl.focus import LinkScorer, breadth_first
from narcwatch.crawl.frontier import Frontier, Task
from narcwatch.crawl.robots import Robots
from narcwatch.crawl.safety import AddressPolicy, UnsafeURLError
from narcwatch.crawl.scope import Scope, canonicalize
from narcwatch.crawl.sink import CaptureSink, Outcome
from narcwatch.crawl.summary import CrawlError, CrawlProgress, CrawlSummary, ProgressFn
from narcwatch.evidence import Capture, CustodyLog, WarcWriter
from narcwatch.model import Finding

if TYPE_CHECKING:
    from narcwatch.store import Store

CRAWLER = f"narcwatch/{__version__}"


class Crawler:
    def __init__(
        self,
        store: Store,
        job: str,
        settings: CrawlSettings,
        seeds: list[str],
        *,
        archive: Path,
        custody: CustodyLog,
        executor: ExecutorFactory,
        profiles: Path | None = None,
        progress: ProgressFn | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.store, self.job = store, job
        self.clock = clock  # time limits, politeness and batching intervals
        self.settings, self.seeds = settings, seeds
        self.progress = progress
        self.executor = executor
        self.profiles = profiles  # the analyst's site profiles (HOME/profiles)
        self.scope = Scope.build(
            seeds,
            same_host=settings.same_host,
            hosts=settings.hosts,
            include=settings.include,
            exclude=settings.exclude,
            max_depth=settings.max_depth,
        )
        self.policy = AddressPolicy.build(settings.allow_addresses, settings.proxy)
        self.frontier = Frontier(store, job)
        self.archive = Path(archive)
        self.custody = custody
        self.scorer = LinkScorer() if settings.focus else None
        self.summary = CrawlSummary(job=job)
        self._active = 0
        self._stop: str | None = None
        self._start = 0.0
        self._shown = 0.0
        self._queued = 0
        self._claimed: deque[Task] = deque()

    async def run(self) -> CrawlSummary:
        """Crawl until the frontier is empty or a limit is reached.

        An error that escapes a worker (a bug, or a progress callback that raises) stops
        the crawl and is raised as itself, not wrapped in an ExceptionGroup; what was
        fetched until then is committed first."""
        s = self.settings
        self._start = self.clock.now()
        self.fetcher = Fetcher(s, self.policy, clock=self.clock)
        self.robots = Robots(self.fetcher, ignore=s.ignore_robots)
        self.warc = WarcWriter(self.archive / self.job, job=self.job, software=CRAWLER, fsync=False)
        self.analyst = PageAnalyst(
            self.executor,
            self.archive,
            workers=s.analysis_workers,
            max_links=s.max_links,
            profiles=self.profiles,
        )
        self.sink = CaptureSink(
            self.store,
            self.frontier,
            self.warc,
            self.custody,
            archive=self.archive,
            job=self.job,
            commit_every=s.commit_every,
            clock=self.clock,
        )
        status: Literal["finished", "stopped"] = "stopped"
        try:
            try:
                async with asyncio.TaskGroup() as group:
                    for _ in range(max(s.concurrency, 1)):
                        group.create_task(self._worker())
            except BaseExceptionGroup as group:
                raise group.exceptions[0] from None
            status = "stopped" if self._stop else "finished"
        finally:
            try:
                self.sink.commit()
                self.frontier.release(self._claimed)
                self._claimed.clear()
            finally:
                self.analyst.close()
                self.warc.close()
                await self.fetcher.close()
                self.frontier.close(status)
                self._finish(status)
        return self.summary

    def _finish(self, status: Literal["finished", "stopped"]) -> None:
        counts = self.frontier.counts()
        self.summary.status = status
        self.summary.stop_reason = self._stop
        self.summary.queued = counts.get("queued", 0) + counts.get("fetching", 0)
        self.summary.elapsed = self.clock.now() - self._start
        self.summary.warc_files = [str(p) for p in self.warc.files]
        self.summary.error_samples = [
            CrawlError(url=url, error=error) for url, error in self.frontier.errors()[:20]
        ]

    def _limit_reached(self) -> str | None:
        """Limits are per run: a job resumed with ``--resume`` fetches up to ``max_pages``
        more pages and runs up to ``time_limit`` more seconds (it carries on)."""
        s = self.settings
        if s.time_limit is not None and self.clock.now() - self._start >= s.time_limit:
            return f"--time-limit {s.time_limit:g} s"
        if s.max_pages is not None and self.summary.pages >= s.max_pages:
            return f"--max-pages {s.max_pages}"
        return None

    def _room(self) -> bool:
        """Whether one more URL may start: the ones in flight may all become pages, but
        may also be skipped or fail, so a full house waits instead of stopping."""
        s = self.settings
        if s.max_pages is None:
            return True
        return self.summary.pages + self._active < s.max_pages

    async def _worker(self) -> None:
        while True:
            self._stop = self._stop or self._limit_reached()
            if self._stop:
                return
            if not self._room():
                await asyncio.sleep(0.01)
                continue
            task = self._next_task()
            if task is None:
                if self.sink.pending:
                    self.sink.commit()  # its links may be what the queue is waiting for
                    continue
                if self._active == 0:
                    return
                await asyncio.sleep(0.01)
                continue
            self._active += 1
            try:
                await self._visit(task)
            finally:
                self._active -= 1
            if self.sink.due():
                self.sink.commit()
            now = self.clock.now()
            if self.progress is not None:
                # The queue size is a query: refreshed a few times a second only.
                if now - self._shown >= 0.25:
                    self._shown = now
                    self._queued = self.frontier.counts().get("queued", 0)
                self.progress(
                    CrawlProgress(
                        self.summary.pages,
                        self.summary.errors,
                        self.summary.skipped,
                        self._queued,
                        now - self._start,
                    )
                )

    def _next_task(self) -> Task | None:
        """The best queued URL, claimed from the store a few at a time."""
        if not self._claimed:
            wanted = max(self.settings.concurrency, 1)
            if self.settings.max_pages is not None:
                left = self.settings.max_pages - self.summary.pages
                wanted = max(min(wanted, left - self._active), 1)
            self._claimed.extend(self.frontier.claim(wanted))
        return self._claimed.popleft() if self._claimed else None

    async def _hop_check(self, url: str, depth: int) -> str | None:
        canonical = canonicalize(url) or url
        try:
            await self.policy.check(canonical)  # safety first: its reason is the one to see
        except UnsafeURLError as exc:
            return exc.reason
        why = self.scope.refuse(canonical, depth)
        if why is None and not await self.robots.allowed(canonical):
            why = "disallowed by robots.txt"
        return why

    async def _visit(self, task: Task) -> None:
        try:
            await self.policy.check(task.url)  # refused addresses: not even robots.txt
            if not await self.robots.allowed(task.url):
                problem = self.robots.unreachable(task.url)
                if problem:  # e.g. a bad certificate: an error, not the site's wish
                    self._fail(task, f"robots.txt unreachable: {problem}")
                else:
                    self._skip(task, "disallowed by robots.txt")
                return
            result = await self.fetcher.fetch(
                task.url, lambda u: self._hop_check(u, task.depth), types=None
            )
            await self._handle(task, result)
        except UnsafeURLError as exc:
            self._fail(task, f"refused: {exc.reason}")
        except Exception as exc:  # one URL's failure never stops the crawl
            self._fail(task, f"{type(exc).__name__}: {exc}")

    async def _handle(self, task: Task, result: FetchResult) -> None:
        for hop in result.redirects:
            self._archive(hop, task, redirect=True)
        response = result.response
        if result.error or response is None:
            if response is not None and response.status >= 400:
                # An error page is evidence too (a seized-site banner, a 403 to our IP...).
                capture = self._archive(response, task)
                error = result.error or f"HTTP {response.status}"
                self.summary.errors += 1
                self.sink.archived(task, response, capture, None, state="failed", error=error)
                return
            self._fail(task, result.error or "no response", response)
            return
        if result.skipped:
            self._skip(task, result.skipped, response.status)
            return
        capture = self._archive(response, task)
        analysed = await self.analyst(response, capture)
        finding = analysed.finding
        if finding is not None:
            self.summary.offers += int(finding.offer)
        self.sink.archived(task, response, capture, finding)
        self.summary.pages += 1
        if response.url != task.url:
            final = canonicalize(response.url)
            if final:
                self.sink.redirected_to(final, task.depth, response.status)
        self._queue_links(task, analysed.links, finding)

    def _archive(self, exchange: Exchange, task: Task, *, redirect: bool = False) -> Capture:
        return self.sink.archive_exchange(
            exchange,
            {
                "crawler": CRAWLER,
                "job": self.job,
                "proxy": self.settings.proxy or "none",
                "user-agent": self.settings.user_agent,
                "depth": task.depth,
                "frontier-url": task.url,
                "redirect": redirect or None,
            },
        )

    def _queue_links(self, task: Task, links: Links, finding: Finding | None) -> None:
        depth = task.depth + 1
        if self.settings.max_depth is not None and depth > self.settings.max_depth:
            return
        items = []
        for url, text in links:
            if self.scope.refuse(url, depth):
                continue
            if self.scorer is not None:
                priority = self.scorer.priority(text, url, depth, finding)
            else:
                priority = breadth_first(depth)
            items.append((url, depth, priority))
        self.sink.queue_links(items)

    def _fail(self, task: Task, error: str, response: Exchange | None = None) -> None:
        self.summary.errors += 1
        status = response.status if response else None
        self.sink.finish(Outcome(task, "failed", status, error))

    def _skip(self, task: Task, reason: str, status: int | None = None) -> None:
        self.summary.skipped += 1
        self.sink.finish(Outcome(task, "skipped", status, reason))
