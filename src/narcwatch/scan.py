"""The scan job: read inputs -> analyze -> store and hand findings to sinks.

This is the one function the CLI, the future API and cluster runs call::

    from narcwatch.scan import scan
    for item in scan(["examples/"]):
        ...  # Finding, or InputError for a bad record

``run_scan`` adds storage, sinks and counting for a whole job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from narcwatch.analyze.parallel import analyze_stream
from narcwatch.analyze.pipeline import DEFAULT_COMPONENTS
from narcwatch.errors import InputError
from narcwatch.ingest.base import ReadOptions
from narcwatch.ingest.sources import read_inputs
from narcwatch.model import Finding

if TYPE_CHECKING:
    from narcwatch.store import Store

FindingSink = Callable[[Finding], None]
ErrorSink = Callable[[InputError], None]


@dataclass(slots=True)
class ScanStats:
    documents: int = 0
    offers: int = 0
    errors: int = 0
    seconds: float = 0.0
    stored_added: int = 0
    stored_unchanged: int = 0
    stored_new_versions: int = 0
    stored: bool = False
    substances: dict[str, int] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        line = (
            f"{self.documents:,} documents, {self.offers:,} offers, {self.errors:,} errors "
            f"in {self.seconds:.2f} s ({self.docs_per_second:,.0f} documents/s)"
        )
        if self.stored:
            line += (
                f"; stored {self.stored_added:,} new, {self.stored_new_versions:,} new versions, "
                f"{self.stored_unchanged:,} unchanged"
            )
        return line


def scan(
    inputs: Sequence[str],
    *,
    input_format: str | None = None,
    read_options: ReadOptions | None = None,
    jobs: int = 1,
    components: Sequence[str] = DEFAULT_COMPONENTS,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    include_text: bool = False,
) -> Iterator[Finding | InputError]:
    """Findings for every document in ``inputs`` (files, directories, ``-``), in order."""
    items = read_inputs(inputs, input_format, read_options or ReadOptions())
    yield from analyze_stream(
        items, jobs=jobs, names=components, config=config, include_text=include_text
    )


def run_scan(
    results: Iterable[Finding | InputError],
    *,
    store: Store | None = None,
    on_finding: Iterable[FindingSink] = (),
    on_error: Iterable[ErrorSink] = (),
    batch_size: int = 500,
) -> ScanStats:
    """Consume a ``scan()`` stream: count, store in whole batches, feed sinks."""
    stats = ScanStats(stored=store is not None)
    finding_sinks, error_sinks = list(on_finding), list(on_error)
    batch: list[Finding] = []
    started = time.perf_counter()

    def flush() -> None:
        if store is not None and batch:
            saved = store.save(batch)
            stats.stored_added += saved.added
            stats.stored_unchanged += saved.unchanged
            stats.stored_new_versions += saved.new_versions
        batch.clear()

    try:
        for item in results:
            if isinstance(item, InputError):
                stats.errors += 1
                for esink in error_sinks:
                    esink(item)
                continue
            stats.documents += 1
            stats.offers += item.offer
            for sink in finding_sinks:
                sink(item)
            if store is not None:
                batch.append(item)
                if len(batch) >= batch_size:
                    flush()
    finally:
        # Interrupted or not, what was analysed so far is stored as whole documents.
        flush()
        stats.seconds = time.perf_counter() - started
    return stats
