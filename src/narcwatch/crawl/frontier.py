"""The frontier and the visited set of a crawl job, kept in the store so it can resume.

Every URL a job has seen is one row keyed by its canonical form: ``queued`` rows are the
frontier (highest priority first, then newest), ``done``/``failed``/``skipped`` the
visited set. A row is ``fetching`` while a worker holds it; on resume those go back to
``queued`` (they were never archived), while archived URLs are ``done`` and never
refetched. The rows are read and written by
:class:`~narcwatch.store.frontier.FrontierRepository`; this class adds what they mean to a
crawl (its settings, the errors a user sees).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from narcwatch.crawl.config import CrawlSettings
from narcwatch.errors import UsageError
from narcwatch.store.frontier import FrontierRepository, Task, UrlState

if TYPE_CHECKING:
    from narcwatch.store import Store
    from narcwatch.store.captures import StoredCapture

__all__ = ["FINAL_STATES", "Frontier", "Task", "UrlState"]

FINAL_STATES = ("done", "failed", "skipped")


class Frontier:
    def __init__(self, store: Store, job: str) -> None:
        self.job = job
        self.repo = FrontierRepository(store, job)

    # --- jobs ---

    def create(self, seeds: list[str], settings: CrawlSettings) -> None:
        if not self.repo.create_job(seeds, settings.to_dict()):
            raise UsageError(f"crawl job {self.job!r} exists; use --resume {self.job}")

    def load(self) -> tuple[list[str], CrawlSettings]:
        """The job's seeds and settings; in-flight URLs of a killed run are queued again."""
        found = self.repo.reopen_job()
        if found is None:
            raise UsageError(f"no crawl job {self.job!r} to resume")
        seeds, settings = found
        return seeds, CrawlSettings.from_dict(settings)

    def close(self, status: str) -> None:
        self.repo.close_job(status)

    # --- URLs ---

    def add(self, items: Iterable[tuple[str, int, float]]) -> int:
        """Queue (url, depth, priority) items not seen before in this job; return how many."""
        return self.repo.add(items)

    def claim(self, limit: int = 1) -> list[Task]:
        """Take the best queued URLs and mark them ``fetching``."""
        return self.repo.claim(limit)

    def release(self, tasks: Iterable[Task]) -> None:
        """Put claimed but unfetched URLs back in the queue."""
        self.repo.release(t.pk for t in tasks)

    def commit(
        self,
        captures: list[StoredCapture],
        states: list[UrlState],
        links: list[tuple[str, int, float]],
        redirected: list[tuple[str, int, int]],
    ) -> None:
        """A batch of pages in one transaction: captures, URL states, the links found and
        redirect targets (known now, marked done, never fetched themselves)."""
        items = links + [(url, depth, -1e9) for url, depth, _ in redirected]
        done = [(url, status) for url, _, status in redirected]
        self.repo.commit_batch(captures, states, items, done)

    def counts(self) -> dict[str, int]:
        return self.repo.counts()

    def errors(self) -> list[tuple[str, str]]:
        return self.repo.errors()
