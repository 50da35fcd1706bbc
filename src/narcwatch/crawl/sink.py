"""Where fetched pages land: WARC file, chain of custody, store and frontier, in batches.

Each exchange is written to the WARC file as soon as it is fetched (one write, handed to the
operating system). Every ``commit_every`` pages, or ``interval`` seconds, and when the crawl
ends, the batch is committed in this order:

1. the WARC file is fsynced;
2. the batch's custody entries are appended (one lock, one fsync);
3. the findings are saved, then the capture rows, the URLs' final states and the links
   found are written in one transaction.

A URL is ``done`` only once its capture is on disk and in the custody log. A crawl killed
harder than Ctrl-C (SIGKILL, power loss) between two commits fetches the last batch's
pages again on resume; their first records stay in the WARC file, valid but referenced by
no capture or custody entry. ``commit_every=1`` commits every page (slower, nothing
refetched). Committing per batch is what lets the crawler keep up with fast sites: one
page per transaction and two fsyncs per page capped it at about 30 pages/s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narcwatch.crawl.clock import SYSTEM_CLOCK, Clock
from narcwatch.crawl.fetch import Exchange
from narcwatch.crawl.frontier import Frontier, Task, UrlState
from narcwatch.evidence import Capture, CustodyLog, WarcWriter
from narcwatch.evidence.archive import archive_relative
from narcwatch.model import Finding
from narcwatch.store.captures import StoredCapture

if TYPE_CHECKING:
    from narcwatch.store import Store


@dataclass
class Outcome:
    """What one frontier URL came to: its final state and, when archived, its capture."""

    task: Task
    state: str  # done | failed | skipped
    status: int | None = None
    error: str | None = None
    url: str | None = None  # the URL actually archived (after redirects)
    capture: Capture | None = None
    finding: Finding | None = None


@dataclass
class _Batch:
    custody: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    links: list[tuple[str, int, float]] = field(default_factory=list)
    redirected: list[tuple[str, int, int]] = field(default_factory=list)  # URL, depth, status


class CaptureSink:
    def __init__(
        self,
        store: Store,
        frontier: Frontier,
        warc: WarcWriter,
        custody: CustodyLog,
        *,
        archive: Path,
        job: str,
        commit_every: int = 32,
        interval: float = 0.5,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.store, self.frontier, self.warc, self.custody = store, frontier, warc, custody
        self.archive, self.job = archive, job
        self.commit_every = max(commit_every, 1)
        self.interval = interval
        self._batch = _Batch()
        self.clock = clock
        self._last = clock.now()

    @property
    def pending(self) -> int:
        return len(self._batch.outcomes)

    def archive_exchange(self, exchange: Exchange, metadata: dict[str, Any]) -> Capture:
        """Write the exchange to the WARC file now; its custody entry comes with the batch."""
        capture = self.warc.write_capture(
            exchange.url,
            request_headers=exchange.request_headers,
            status=exchange.status,
            response_headers=exchange.headers,
            body=exchange.body,
            captured_at=exchange.captured_at,
            reason=exchange.reason,
            http_version=exchange.http_version,
            metadata=metadata,
        )
        details = {
            "warc": archive_relative(capture.warc_path, self.archive),
            "offset": capture.offset,
            "sha256": capture.payload_sha256,
            "record_id": capture.record_id,
            "job": self.job,
            "status": exchange.status,
        }
        self._batch.custody.append(("capture", exchange.url, details))
        return capture

    def finish(self, outcome: Outcome) -> None:
        self._batch.outcomes.append(outcome)

    def archived(
        self,
        task: Task,
        response: Exchange,
        capture: Capture,
        finding: Finding | None,
        *,
        state: str = "done",
        error: str | None = None,
    ) -> None:
        self.finish(Outcome(task, state, response.status, error, response.url, capture, finding))

    def queue_links(self, items: list[tuple[str, int, float]]) -> None:
        self._batch.links.extend(items)

    def redirected_to(self, final: str, depth: int, status: int) -> None:
        """A redirect's target was archived: known now, never queued itself."""
        self._batch.redirected.append((final, depth, status))

    def due(self) -> bool:
        if self.pending >= self.commit_every:
            return True
        return bool(self.pending) and self.clock.now() - self._last >= self.interval

    def commit(self) -> None:
        """Make the batch durable, in the order the module docstring gives."""
        batch, self._batch = self._batch, _Batch()
        self._last = self.clock.now()
        if not batch.outcomes and not batch.custody and not batch.links:
            return
        self.warc.sync()
        self.custody.extend(batch.custody)
        findings = [o.finding for o in batch.outcomes if o.finding is not None]
        if findings:
            self.store.save(findings)
        now = datetime.now(UTC)
        captures = [self._capture_row(o) for o in batch.outcomes if o.capture is not None]
        states = [
            UrlState(
                o.task.pk,
                o.state,
                o.status,
                o.error,
                o.capture.captured_at if o.capture is not None else now,
            )
            for o in batch.outcomes
        ]
        # The links found commit with the pages they came from: a page is never done while
        # its links are lost.
        self.frontier.commit(captures, states, batch.links, batch.redirected)

    def _capture_row(self, o: Outcome) -> StoredCapture:
        capture = o.capture
        assert capture is not None
        return StoredCapture(
            doc_id=o.finding.doc.id if o.finding else None,
            job=self.job,
            kind="crawl",
            url=o.url or capture.url,
            warc_path=archive_relative(capture.warc_path, self.archive),
            offset=capture.offset,
            length=capture.length,
            record_id=capture.record_id,
            payload_sha256=capture.payload_sha256,
            status=o.status,
            captured_at=capture.captured_at,
        )
