"""The cluster scan job: ``narcwatch scan INPUT... --cluster SPEC``.

The same scan as :func:`narcwatch.jobs.scan.scan_job`, with the analysis on a Dask
cluster::

    ctx = Context.build(home=home)
    summary = cluster_scan_job(ctx, ["/shared/dumps/"], cluster="local:4",
                               on_finding=[writer.write])

The driver (this process) plans partitions (positions in files, never their text), keeps a
bounded number of them in flight on the cluster, and takes their findings back **in input
order**, so the output is a plain scan's. It is the only writer: it stores each
partition's findings in whole batches, keeps them as Parquet under ``HOME/runs/RUN/`` and
records the partition as finished, then links the new documents as a plain scan does. A
task whose worker dies is run again by Dask; its partition is taken back once, so nothing
is lost or doubled. ``resume=RUN`` analyses only the partitions RUN did not finish and
reads the others' findings from their Parquet files.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narcwatch.errors import InputError, NarcwatchError
from narcwatch.ingest.base import ReadOptions
from narcwatch.ingest.meter import ByteMeter
from narcwatch.jobs.context import Context
from narcwatch.jobs.scan import ErrorSink, FindingSink, Stream, link_new
from narcwatch.model import Finding
from narcwatch.results.scan import ScanSummary

if TYPE_CHECKING:
    import pyarrow as pa

    from narcwatch.cluster.partitions import Partition
    from narcwatch.cluster.runs import ErrorRow, RunDir, RunPlan
    from narcwatch.store import Store

__all__ = ["DEFAULT_PARTITION_BYTES", "ClusterStart", "cluster_scan_job"]

DEFAULT_PARTITION_BYTES = 16 << 20  # ~16,000 documents of 1 KB: see benchmarks/bench_cluster


@dataclass(frozen=True, slots=True)
class ClusterStart:
    """What a front door shows when the run starts."""

    run: str
    run_dir: Path
    partitions: int
    resumed: int  # partitions a stopped run finished: read back, not analysed again
    threads: int  # worker threads in the cluster at the start
    dashboard: str | None


def cluster_scan_job(
    ctx: Context,
    inputs: Sequence[str],
    *,
    cluster: str | None = None,
    client: Any = None,
    resume: str | None = None,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    output_parquet: Path | None = None,
    input_format: str | None = None,
    read_options: ReadOptions | None = None,
    include_text: bool = False,
    store: bool = True,
    link: bool = True,
    on_finding: Iterable[FindingSink] = (),
    on_error: Iterable[ErrorSink] = (),
    on_start: Callable[[ClusterStart], None] | None = None,
    progress: Callable[[Stream], Stream] | None = None,
    meter: ByteMeter | None = None,
    window: int | None = None,
) -> ScanSummary:
    """Scan ``inputs`` on the cluster ``cluster`` names (see
    :func:`narcwatch.cluster.engine.parse_cluster`) or on ``client`` (a connected
    ``distributed.Client``, left open). ``window`` partitions are in flight at most
    (default: four per worker thread). Returns the plain scan's summary."""
    from narcwatch.cluster.engine import connect, dashboard, worker_threads
    from narcwatch.cluster.runs import RunDir, check_resumable

    if (cluster is None) == (client is None):
        raise ValueError("give exactly one of cluster (a spec) and client (connected)")
    options = read_options or ReadOptions()
    settings = _settings(ctx, input_format, options, include_text)
    runs = ctx.home / "runs"
    if resume:
        run_dir, plan = RunDir.open(runs, resume)
        check_resumable(plan, list(inputs), settings)
    else:  # planned before connecting (bad inputs fail fast), written once connected
        plan = _new_plan(inputs, input_format, options, partition_bytes, settings)
    if meter is not None:  # the partitions' sizes: URLs have no size on this machine
        meter.total = sum(p.size for p in plan.partitions)
    with ExitStack() as stack:
        if client is None:
            assert cluster is not None
            client = stack.enter_context(connect(cluster))
        _register(client, ctx, include_text, options)
        if not resume:
            run_dir = RunDir.create(runs, plan)
        finished = run_dir.finished()
        threads = worker_threads(client)
        if on_start is not None:
            on_start(
                ClusterStart(
                    plan.run, run_dir.path, len(plan.partitions),
                    len(finished), threads, dashboard(client),
                )
            )  # fmt: skip
        opened = stack.enter_context(ctx.open_store()) if store else None
        driver = _Driver(run_dir, opened, on_finding, on_error, meter)
        results = _results(client, plan, finished, run_dir, window or 4 * threads)
        unread = [InputError(*e) for e in plan.errors]  # inputs that could not be opened
        driver.run(unread, results, progress)
        summary = driver.summary
        if output_parquet is not None and not summary.interrupted:
            _copy_parquet(run_dir, plan, output_parquet)
        if opened is not None and link and summary.documents and not summary.interrupted:
            summary.linked = link_new(ctx, opened)
    return summary


def _settings(
    ctx: Context, input_format: str | None, options: ReadOptions, include_text: bool
) -> dict[str, Any]:
    """What a resumed run must share with the run it goes on with (JSON values)."""
    s = ctx.pipeline_settings
    return {
        "input_format": input_format,
        "text_fields": options.text_fields,
        "encoding": options.encoding,
        "max_record_bytes": options.max_record_bytes,
        "include_text": include_text,
        "components": list(s.names),
        "config": s.config(),
        "kb_dir": str(ctx.kb_dir) if ctx.kb_dir else None,
    }


def _new_plan(
    inputs: Sequence[str],
    input_format: str | None,
    options: ReadOptions,
    partition_bytes: int,
    settings: dict[str, Any],
) -> RunPlan:
    from narcwatch.cluster.partitions import plan as plan_partitions
    from narcwatch.cluster.runs import RunPlan, new_run_id

    parts, files, errors = plan_partitions(inputs, input_format, options, partition_bytes)
    return RunPlan(
        run=new_run_id(),
        inputs=list(inputs),
        settings=settings,
        files=files,
        partitions=parts,
        errors=[(e.source, e.location, e.reason) for e in errors],
    )


def _register(client: Any, ctx: Context, include_text: bool, options: ReadOptions) -> None:
    """The pipeline plugin on every worker (and on workers that join or restart later)."""
    from narcwatch.cluster.worker import PipelinePlugin
    from narcwatch.kb.loader import is_default_kb

    s = ctx.pipeline_settings
    kb = ctx.kb if ctx._kb is not None and not is_default_kb(ctx._kb) else None
    plugin = PipelinePlugin(
        s.names, s.config(), kb=kb,
        kb_dir=str(ctx.kb_dir.resolve()) if ctx.kb_dir and kb is None else None,
        include_text=include_text, read_options=options,
    )  # fmt: skip
    try:
        client.register_plugin(plugin)
    except Exception as exc:  # a worker could not build its pipeline: say so, once
        raise NarcwatchError(f"the cluster's workers cannot build the pipeline: {exc}") from exc


# One partition back in the driver: its findings (as a table and as models), its input
# errors, and whether it was analysed now (False: read back from a resumed run).
_Done = tuple["Partition", "pa.Table | None", list[Finding], list["ErrorRow"], bool]


def _results(
    client: Any, plan: RunPlan, finished: dict[int, list[ErrorRow]], run_dir: RunDir, window: int
) -> Iterator[_Done]:
    """Every partition's results in input order, with at most ``window`` in flight."""
    from narcwatch.cluster.arrow import read_findings, table_findings
    from narcwatch.cluster.worker import analyze_partition

    todo = iter([p for p in plan.partitions if p.index not in finished])
    futures: dict[int, Any] = {}

    def top_up() -> None:
        while len(futures) < window and (part := next(todo, None)) is not None:
            key = f"narcwatch-partition-{plan.run}-{part.index}"
            futures[part.index] = client.submit(analyze_partition, part, key=key)

    try:
        for part in plan.partitions:
            if part.index in finished:
                found = read_findings(run_dir.part_path(part.index))
                yield part, None, found, finished[part.index], False
                continue
            top_up()
            future = futures.pop(part.index)
            try:
                result = future.result()
            except Exception as exc:
                where = f"{part.source} ({part.kind} {part.start}-{part.stop or 'end'})"
                raise NarcwatchError(
                    f"partition {part.index} of run {plan.run}, {where}, failed on the "
                    f"cluster: {type(exc).__name__}: {exc}; `--resume {plan.run}` goes on "
                    "with the partitions not finished"
                ) from exc
            finally:
                future.release()
            top_up()  # keep the workers busy while this partition is written
            findings = table_findings(result.findings)
            yield part, result.findings, findings, result.errors, True
    finally:
        if futures:
            client.cancel(list(futures.values()))


class _Driver:
    """Consumes partitions in order: sinks, store batches, Parquet, the finished record."""

    def __init__(
        self,
        run_dir: RunDir,
        store: Store | None,
        on_finding: Iterable[FindingSink],
        on_error: Iterable[ErrorSink],
        meter: ByteMeter | None,
        batch_size: int = 500,
    ) -> None:
        self.run_dir = run_dir
        self.store = store
        self.finding_sinks = list(on_finding)
        self.error_sinks = list(on_error)
        self.meter = meter
        self.batch_size = batch_size
        self.summary = ScanSummary(stored=store is not None)
        self._batch: list[Finding] = []
        self._fresh = False  # the items being yielded were analysed now (so not stored yet)
        # Partitions whose findings are all in the batch: kept and recorded as finished
        # when it is stored (one transaction per batch, not per partition: a commit costs
        # tens of milliseconds, a small partition less).
        self._ready: list[tuple[Partition, pa.Table, list[ErrorRow]]] = []

    def run(
        self,
        unread: list[InputError],
        results: Iterator[_Done],
        progress: Callable[[Stream], Stream] | None,
    ) -> None:
        started = time.perf_counter()
        items = self._items(unread, results)
        stream = progress(items) if progress is not None else items
        try:
            for item in stream:
                self._take(item)
        except KeyboardInterrupt:
            self.summary.interrupted = True
        finally:
            self._flush()
            items.close()  # gives back the partitions still in flight
            self.summary.seconds = time.perf_counter() - started

    def _items(
        self, unread: list[InputError], results: Iterator[_Done]
    ) -> Generator[Finding | InputError, None, None]:
        """The items of each partition in order. This generator is resumed for the next
        item only once the consumer has taken the last one, so at a partition's end every
        one of its findings is in the store batch (or stored): the partition is ready to be
        recorded as finished when the batch is stored."""
        yield from unread
        for part, table, findings, errors, fresh in results:
            self._fresh = fresh
            yield from _merged(findings, errors)
            if fresh:
                assert table is not None
                self._ready.append((part, table, errors))
                if not self._batch:
                    self._flush()
            if self.meter is not None:
                self.meter.add(part.size)

    def _take(self, item: Finding | InputError) -> None:
        s = self.summary
        if isinstance(item, InputError):
            s.errors += 1
            for esink in self.error_sinks:
                esink(item)
            return
        s.documents += 1
        s.offers += item.offer
        for sink in self.finding_sinks:
            sink(item)
        if self._fresh:  # the batch also paces the Parquet files when nothing is stored
            self._batch.append(item)
            if len(self._batch) >= self.batch_size:
                self._flush()

    def _flush(self) -> None:
        """Store the batch, then keep the partitions it finished as Parquet and record
        them (that order: a partition recorded as finished is in the store)."""
        if self.store is not None and self._batch:
            saved = self.store.save(self._batch)
            self.summary.stored_added += saved.added
            self.summary.stored_unchanged += saved.unchanged
            self.summary.stored_new_versions += saved.new_versions
        self._batch.clear()
        if self._ready:
            from narcwatch.cluster.arrow import write_parquet

            for part, table, _ in self._ready:
                write_parquet(table, self.run_dir.part_path(part.index))
            self.run_dir.mark_done([(part.index, errors) for part, _, errors in self._ready])
            self._ready.clear()


def _merged(findings: list[Finding], errors: list[ErrorRow]) -> Iterator[Finding | InputError]:
    """A partition's findings and errors back in their input order."""
    by_position = {e[0]: InputError(e[1], e[2], e[3]) for e in errors}
    found = iter(findings)
    for position in range(len(findings) + len(errors)):
        error = by_position.get(position)
        yield error if error is not None else next(found)


def _copy_parquet(run_dir: RunDir, plan: RunPlan, out: Path) -> None:
    """``--output-parquet DIR``: the run's part files as one dataset, in input order."""
    out.mkdir(parents=True, exist_ok=True)
    for part in plan.partitions:
        shutil.copyfile(run_dir.part_path(part.index), out / f"part-{part.index:06d}.parquet")
