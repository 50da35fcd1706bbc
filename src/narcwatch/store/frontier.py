"""The crawl frontier and its jobs, kept in the store so a killed crawl can resume.

Every URL a job has seen is one ``crawl_urls`` row keyed by its canonical form: ``queued``
rows are the frontier (highest priority first, then newest), ``done``/``failed``/``skipped``
the visited set, ``fetching`` the ones a worker holds. A job (``crawl_jobs``) keeps its
seeds and settings as JSON. The crawl's logic (what a URL's state means, the settings'
fields) is :mod:`narcwatch.crawl.frontier`; this module only reads and writes::

    frontier = FrontierRepository(store, "crawl-20261125T101500")
    frontier.add([("https://example.org/", 0, 1.0)])
    tasks = frontier.claim(8)

Every read takes ``visibility`` (:class:`~narcwatch.store.visibility.Visibility`); None
sees everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from narcwatch.store.captures import StoredCapture, insert_captures
from narcwatch.store.tables import CrawlJobRow, CrawlUrlRow
from narcwatch.store.visibility import Visibility

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

__all__ = ["FrontierRepository", "FrontierUrl", "Task", "UrlState"]

Item = tuple[str, int, float]  # (canonical URL, depth, priority)


@dataclass(frozen=True)
class Task:
    """A URL claimed from the frontier."""

    pk: int
    url: str
    depth: int
    priority: float


@dataclass(frozen=True)
class UrlState:
    """A claimed URL's final state, written back with its page's batch."""

    pk: int
    state: str  # done | failed | skipped
    status: int | None
    error: str | None
    fetched_at: datetime


@dataclass(frozen=True)
class FrontierUrl:
    """One ``crawl_urls`` row as a reader sees it."""

    url: str
    depth: int
    priority: float
    state: str
    status: int | None
    error: str | None


class FrontierRepository:
    def __init__(self, store: Store, job: str) -> None:
        self.store = store
        self.job = job

    # -- the job ----------------------------------------------------------------------------
    def create_job(self, seeds: Sequence[str], settings: dict[str, Any]) -> bool:
        """Record a new job; False (and nothing written) when the name is taken."""
        with self.store.session() as s, s.begin():
            if s.get(CrawlJobRow, self.job) is not None:
                return False
            s.add(
                CrawlJobRow(
                    id=self.job,
                    seeds=json.dumps(list(seeds)),
                    settings=json.dumps(settings),
                    status="running",
                    started_at=datetime.now(UTC),
                )
            )
        return True

    def reopen_job(self) -> tuple[list[str], dict[str, Any]] | None:
        """Mark the job running again and queue its in-flight URLs (a killed run's) again;
        returns its seeds and settings, or None when there is no such job."""
        with self.store.session() as s, s.begin():
            row = s.get(CrawlJobRow, self.job)
            if row is None:
                return None
            row.status = "running"
            row.finished_at = None
            s.execute(
                update(CrawlUrlRow)
                .where(CrawlUrlRow.job == self.job, CrawlUrlRow.state == "fetching")
                .values(state="queued")
            )
            return json.loads(row.seeds), json.loads(row.settings)

    def close_job(self, status: str) -> None:
        with self.store.session() as s, s.begin():
            row = s.get(CrawlJobRow, self.job)
            if row is not None:
                row.status = status
                row.finished_at = datetime.now(UTC)

    def job_status(self, *, visibility: Visibility | None = None) -> str | None:
        """running | finished | stopped, or None when there is no such job."""
        with self.store.session() as s:
            row = s.get(CrawlJobRow, self.job)
            return None if row is None else row.status

    # -- URLs -------------------------------------------------------------------------------
    def add(self, items: Iterable[Item]) -> int:
        """Queue (url, depth, priority) items not seen before in this job; return how many."""
        with self.store.session() as s, s.begin():
            return self._add(s, items)

    def _add(self, s: Session, items: Iterable[Item]) -> int:
        wanted: dict[str, tuple[int, float]] = {}
        for url, depth, priority in items:
            if url not in wanted or wanted[url][1] < priority:
                wanted[url] = (depth, priority)
        if not wanted:
            return 0
        known: set[str] = set()
        urls = list(wanted)
        for i in range(0, len(urls), 500):
            query = select(CrawlUrlRow.url).where(
                CrawlUrlRow.job == self.job, CrawlUrlRow.url.in_(urls[i : i + 500])
            )
            known |= set(s.scalars(query))
        new = [u for u in urls if u not in known]
        s.add_all(
            CrawlUrlRow(
                job=self.job, url=u, depth=wanted[u][0], priority=wanted[u][1], state="queued"
            )
            for u in new
        )
        s.flush()
        return len(new)

    def claim(self, limit: int = 1) -> list[Task]:
        """Take the best queued URLs and mark them ``fetching``."""
        with self.store.session() as s, s.begin():
            rows = list(
                s.scalars(
                    select(CrawlUrlRow)
                    .where(CrawlUrlRow.job == self.job, CrawlUrlRow.state == "queued")
                    # ix_crawl_urls_claim read backwards: no sort however long the queue
                    .order_by(CrawlUrlRow.priority.desc(), CrawlUrlRow.pk.desc())
                    .limit(limit)
                )
            )
            for row in rows:
                row.state = "fetching"
            return [Task(r.pk, r.url, r.depth, r.priority) for r in rows]

    def release(self, pks: Iterable[int]) -> None:
        """Put claimed but unfetched URLs back in the queue."""
        chosen = list(pks)
        if chosen:
            with self.store.session() as s, s.begin():
                query = update(CrawlUrlRow).where(CrawlUrlRow.pk.in_(chosen))
                s.execute(query.values(state="queued"))

    def commit_batch(
        self,
        captures: Sequence[StoredCapture],
        states: Sequence[UrlState],
        links: Iterable[Item],
        done: Sequence[tuple[str, int | None]] = (),
    ) -> None:
        """One transaction for a batch of pages: their captures, their URLs' final states,
        the links found on them (a page is never done while its links are lost) and URLs
        reached by a redirect (``done`` as (url, status): marked done if still queued)."""
        with self.store.session() as s, s.begin():
            insert_captures(s, captures)
            if states:
                values = [
                    {
                        "pk": st.pk,
                        "state": st.state,
                        "status": st.status,
                        "error": st.error[:2000] if st.error else None,
                        "fetched_at": st.fetched_at,
                    }
                    for st in states
                ]
                s.execute(update(CrawlUrlRow), values)  # bulk UPDATE by primary key
            self._add(s, links)
            now = datetime.now(UTC)
            for url, status in done:
                s.execute(
                    update(CrawlUrlRow)
                    .where(
                        CrawlUrlRow.job == self.job,
                        CrawlUrlRow.url == url,
                        CrawlUrlRow.state == "queued",
                    )
                    .values(state="done", status=status, fetched_at=now)
                )

    # -- reads ------------------------------------------------------------------------------
    def counts(self, *, visibility: Visibility | None = None) -> dict[str, int]:
        """How many of the job's URLs are in each state."""
        with self.store.session() as s:
            rows = s.execute(
                select(CrawlUrlRow.state, func.count())
                .where(CrawlUrlRow.job == self.job)
                .group_by(CrawlUrlRow.state)
            )
            return {state: int(n) for state, n in rows}

    def errors(self, *, visibility: Visibility | None = None) -> list[tuple[str, str]]:
        """(URL, error) of every failed URL, in the order they were queued."""
        with self.store.session() as s:
            rows = s.execute(
                select(CrawlUrlRow.url, CrawlUrlRow.error)
                .where(CrawlUrlRow.job == self.job, CrawlUrlRow.state == "failed")
                .order_by(CrawlUrlRow.pk)
            )
            return [(u, e or "") for u, e in rows]

    def urls(self, *, visibility: Visibility | None = None) -> list[FrontierUrl]:
        """Every URL of the job, in the order they were queued."""
        with self.store.session() as s:
            query = select(CrawlUrlRow).where(CrawlUrlRow.job == self.job).order_by(CrawlUrlRow.pk)
            return [
                FrontierUrl(r.url, r.depth, r.priority, r.state, r.status, r.error)
                for r in s.scalars(query)
            ]
