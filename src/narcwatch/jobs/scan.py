"""The scan job: read inputs -> analyse -> store in whole batches -> link into actors.

The CLI's ``narcwatch scan``, ``import`` (per archived file) and the future server and
cluster drivers all call these::

    ctx = Context.build(home=home, region="FR")
    summary = scan_job(ctx, ["dump/"], on_finding=[writer.write])

:func:`analyze_inputs` is the stream alone (findings, and an :class:`InputError` for each
bad record, in input order); :func:`consume` counts, stores and feeds sinks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from narcwatch.errors import InputError
from narcwatch.ingest.base import ReadOptions
from narcwatch.ingest.meter import ByteMeter
from narcwatch.ingest.sources import read_inputs
from narcwatch.jobs.context import Context
from narcwatch.model import Finding
from narcwatch.results.scan import ScanSummary

if TYPE_CHECKING:
    from narcwatch.store import Store

__all__ = ["ErrorSink", "FindingSink", "analyze_inputs", "consume", "link_new", "scan_job"]

FindingSink = Callable[[Finding], None]
ErrorSink = Callable[[InputError], None]
Stream = Iterable[Finding | InputError]


def analyze_inputs(
    ctx: Context,
    inputs: Sequence[str],
    *,
    input_format: str | None = None,
    read_options: ReadOptions | None = None,
    include_text: bool = False,
    meter: ByteMeter | None = None,
) -> Iterator[Finding | InputError]:
    """Findings for every document in ``inputs`` (files, directories, ``-``), in order,
    analysed with the context's pipeline settings and knowledge base. ``meter`` counts
    the input bytes read (for a progress bar)."""
    items = read_inputs(inputs, input_format, read_options or ReadOptions(), meter=meter)
    with ctx.executor(include_text=include_text) as executor:
        yield from executor.map(items)


def consume(
    results: Stream,
    *,
    store: Store | None = None,
    on_finding: Iterable[FindingSink] = (),
    on_error: Iterable[ErrorSink] = (),
    batch_size: int = 500,
) -> ScanSummary:
    """Consume an analysis stream: count, store in whole batches, feed the sinks.

    Ctrl-C stops reading: what was analysed so far is stored as whole documents and the
    summary comes back with ``interrupted`` set; the caller decides what to say."""
    summary = ScanSummary(stored=store is not None)
    finding_sinks, error_sinks = list(on_finding), list(on_error)
    batch: list[Finding] = []
    started = time.perf_counter()

    def flush() -> None:
        if store is not None and batch:
            saved = store.save(batch)
            summary.stored_added += saved.added
            summary.stored_unchanged += saved.unchanged
            summary.stored_new_versions += saved.new_versions
        batch.clear()

    try:
        for item in results:
            if isinstance(item, InputError):
                summary.errors += 1
                for esink in error_sinks:
                    esink(item)
                continue
            summary.documents += 1
            summary.offers += item.offer
            for sink in finding_sinks:
                sink(item)
            if store is not None:
                batch.append(item)
                if len(batch) >= batch_size:
                    flush()
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        flush()
        summary.seconds = time.perf_counter() - started
    return summary


def link_new(ctx: Context, store: Store) -> str:
    """Link the documents not linked yet into actors; the step's summary line."""
    from narcwatch.link import Linker

    return Linker(store, kb=ctx.kb).link().summary()


def scan_job(
    ctx: Context,
    inputs: Sequence[str],
    *,
    input_format: str | None = None,
    read_options: ReadOptions | None = None,
    include_text: bool = False,
    store: bool = True,
    link: bool = True,
    on_finding: Iterable[FindingSink] = (),
    on_error: Iterable[ErrorSink] = (),
    progress: Callable[[Stream], Stream] | None = None,
    meter: ByteMeter | None = None,
) -> ScanSummary:
    """Scan ``inputs``; store the findings in the context's store (unless ``store`` is
    false) and link new documents into actors (unless ``link`` is false). ``progress``
    wraps the stream (a progress bar) without changing it. After Ctrl-C the summary says
    ``interrupted``: what was analysed is stored, linking is left to the next run."""
    stream: Stream = analyze_inputs(
        ctx, inputs, input_format=input_format, read_options=read_options,
        include_text=include_text, meter=meter,
    )  # fmt: skip
    if progress is not None:
        stream = progress(stream)
    if not store:
        return consume(stream, on_finding=on_finding, on_error=on_error)
    with ctx.open_store() as opened:
        summary = consume(stream, store=opened, on_finding=on_finding, on_error=on_error)
        if link and summary.documents and not summary.interrupted:
            summary.linked = link_new(ctx, opened)
    return summary
