"""The frontier and the visited set, kept in the store so a killed crawl can resume.

Every URL a job has seen is one ``crawl_urls`` row keyed by its canonical form: ``queued``
rows are the frontier (highest priority first, then newest), ``done``/``failed``/``skipped``
the visited set. A row is ``fetching`` while a worker holds it; on resume those go back to
``queued`` (they were never archived), while archived URLs are ``done`` and never refetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from narcwatch.crawl.config import CrawlSettings
from narcwatch.errors import UsageError
from narcwatch.store.tables import CrawlJobRow, CrawlUrlRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

FINAL_STATES = ("done", "failed", "skipped")


@dataclass(frozen=True)
class Task:
    pk: int
    url: str
    depth: int
    priority: float


class Frontier:
    def __init__(self, store: Store, job: str) -> None:
        self.store = store
        self.job = job

    # --- jobs ---

    def create(self, seeds: list[str], settings: CrawlSettings) -> None:
        with self.store.session() as s, s.begin():
            if s.get(CrawlJobRow, self.job) is not None:
                raise UsageError(f"crawl job {self.job!r} exists; use --resume {self.job}")
            s.add(
                CrawlJobRow(
                    id=self.job,
                    seeds=json.dumps(seeds),
                    settings=json.dumps(settings.to_dict()),
                    status="running",
                    started_at=datetime.now(UTC),
                )
            )

    def load(self) -> tuple[list[str], CrawlSettings]:
        """The job's seeds and settings; in-flight URLs of a killed run are queued again."""
        with self.store.session() as s, s.begin():
            row = s.get(CrawlJobRow, self.job)
            if row is None:
                raise UsageError(f"no crawl job {self.job!r} to resume")
            row.status = "running"
            row.finished_at = None
            s.execute(
                update(CrawlUrlRow)
                .where(CrawlUrlRow.job == self.job, CrawlUrlRow.state == "fetching")
                .values(state="queued")
            )
            return json.loads(row.seeds), CrawlSettings.from_dict(json.loads(row.settings))

    def close(self, status: str) -> None:
        with self.store.session() as s, s.begin():
            row = s.get(CrawlJobRow, self.job)
            if row is not None:
                row.status = status
                row.finished_at = datetime.now(UTC)

    # --- URLs ---

    def add(self, items: Iterable[tuple[str, int, float]]) -> int:
        """Queue (url, depth, priority) items not seen before in this job; return how many."""
        with self.store.session() as s, s.begin():
            return self.add_in(s, items)

    def add_in(self, s: Session, items: Iterable[tuple[str, int, float]]) -> int:
        """:meth:`add` inside the caller's transaction (a page's links commit with it)."""
        wanted: dict[str, tuple[int, float]] = {}
        for url, depth, priority in items:
            if url not in wanted or wanted[url][1] < priority:
                wanted[url] = (depth, priority)
        if not wanted:
            return 0
        known = set()
        urls = list(wanted)
        for i in range(0, len(urls), 500):
            chunk = urls[i : i + 500]
            known |= set(
                s.scalars(
                    select(CrawlUrlRow.url).where(
                        CrawlUrlRow.job == self.job, CrawlUrlRow.url.in_(chunk)
                    )
                )
            )
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

    def finish(
        self, task: Task, state: str, *, status: int | None = None, error: str | None = None
    ) -> None:
        with self.store.session() as s, s.begin():
            s.execute(
                update(CrawlUrlRow)
                .where(CrawlUrlRow.pk == task.pk)
                .values(
                    state=state,
                    status=status,
                    error=error[:2000] if error else None,
                    fetched_at=datetime.now(UTC),
                )
            )

    def mark(self, url: str, state: str, status: int | None = None) -> None:
        """Set a still-queued URL's final state (e.g. the target of a followed redirect)."""
        with self.store.session() as s, s.begin():
            self.mark_in(s, url, state, status)

    def mark_in(self, s: Session, url: str, state: str, status: int | None = None) -> None:
        s.execute(
            update(CrawlUrlRow)
            .where(
                CrawlUrlRow.job == self.job,
                CrawlUrlRow.url == url,
                CrawlUrlRow.state == "queued",
            )
            .values(state=state, status=status, fetched_at=datetime.now(UTC))
        )

    def release(self, tasks: Iterable[Task]) -> None:
        """Put claimed but unfetched URLs back in the queue."""
        pks = [t.pk for t in tasks]
        if pks:
            with self.store.session() as s, s.begin():
                s.execute(update(CrawlUrlRow).where(CrawlUrlRow.pk.in_(pks)).values(state="queued"))

    def counts(self) -> dict[str, int]:
        with self.store.session() as s:
            rows = s.execute(
                select(CrawlUrlRow.state, func.count())
                .where(CrawlUrlRow.job == self.job)
                .group_by(CrawlUrlRow.state)
            )
            return {state: int(n) for state, n in rows}

    def errors(self) -> list[tuple[str, str]]:
        with self.store.session() as s:
            rows = s.execute(
                select(CrawlUrlRow.url, CrawlUrlRow.error).where(
                    CrawlUrlRow.job == self.job, CrawlUrlRow.state == "failed"
                )
            )
            return [(u, e or "") for u, e in rows]
