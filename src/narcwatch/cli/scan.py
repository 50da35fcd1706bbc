"""``narcwatch scan``: analyse collected content and print one finding per document."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import typer

from narcwatch.cli.app import app, fail
from narcwatch.cli.options import CONFIG, DB, HOME, KB, PREVALENCE, REGION, THRESHOLD
from narcwatch.errors import InputError, UsageError

if TYPE_CHECKING:
    from narcwatch.ingest.meter import ByteMeter
    from narcwatch.model import Finding


def _atomic_output(stack: ExitStack, path: Path) -> TextIO:
    """Write to a temporary file beside ``path``; it replaces ``path`` only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    stream = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def finish(exc_type: object, *_: object) -> None:
        stream.close()
        if exc_type is None:
            os.replace(tmp, path)
        else:
            os.unlink(tmp)

    stack.push(finish)
    return stream


@app.command("scan")
def scan_command(
    inputs: list[str] = typer.Argument(
        ..., help="Files, directories (read recursively) or '-' for standard input."
    ),
    input_format: str | None = typer.Option(
        None, "--input-format", "-i", help="Force the input format instead of detecting it."
    ),
    text_field: str | None = typer.Option(
        None,
        "--text-field",
        help="JSONL/CSV field(s) holding the text, comma-separated, e.g. 'Item,Item Description'.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write findings to FILE instead of standard output."
    ),
    fmt: str = typer.Option(
        "jsonl", "--format", "-f", help="Output format: jsonl, json, csv, table."
    ),
    include_text: bool = typer.Option(
        False, "--include-text", help="Add the extracted text as doc.text (spans point into it)."
    ),
    errors: Path | None = typer.Option(
        None, "--errors", help="Also write each bad record's error as a JSON line to FILE."
    ),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Analyse with N processes."),
    region: str | None = REGION,
    threshold: float | None = THRESHOLD,
    prevalence: float | None = PREVALENCE,
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    kb: Path | None = KB,
    no_store: bool = typer.Option(False, "--no-store", help="Do not store findings."),
    no_link: bool = typer.Option(
        False, "--no-link", help="Store without linking into actors (run `narcwatch link` later)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    cluster: str | None = typer.Option(
        None,
        "--cluster",
        metavar="SPEC",
        help="Analyse on a Dask cluster: local or local:N (N worker processes on this "
        "machine), or tcp://HOST:8786 (a running scheduler). Workers read the inputs from "
        "paths they all see; this process stores and links. Needs the cluster extra.",
    ),
    resume: str | None = typer.Option(
        None,
        "--resume",
        metavar="RUN",
        help="With --cluster: go on with the stopped run RUN (printed when it started), "
        "same inputs and options; finished partitions are not analysed again.",
    ),
    partition_size: str = typer.Option(
        "16MB",
        "--partition-size",
        metavar="SIZE",
        help="With --cluster: input bytes per task (e.g. 4MB, 64MB); big JSONL, CSV and "
        "WARC files are split, other files go whole.",
    ),
    output_parquet: Path | None = typer.Option(
        None,
        "--output-parquet",
        metavar="DIR",
        help="With --cluster: also write the findings as a Parquet dataset in DIR "
        "(for pandas, Polars or DuckDB).",
    ),
) -> None:
    """Analyse collected content: which controlled substances are offered, by whom, how much,
    at what price and how sure we are. Formats (detected, or forced with --input-format):
    JSON Lines, CSV/TSV, HTML, WARC, plain text; any of them gzip-compressed.

    Prints one JSON object per document (schema narcwatch.finding/1) and stores the findings
    in the home database unless --no-store, then links the new documents into actors
    (`narcwatch actors list`) unless --no-link. Re-scanning the same input stores nothing
    twice.
    """
    # Imported here, not at the top: `narcwatch --help` must not pay for the pipeline.
    from narcwatch.ingest.base import ReadOptions, readers
    from narcwatch.ingest.meter import ByteMeter
    from narcwatch.jobs.context import Context
    from narcwatch.jobs.scan import scan_job
    from narcwatch.render.findings import make_writer, writer_names

    if fmt not in writer_names():
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=writer_names())
    if input_format is not None and input_format not in readers():
        raise UsageError(
            f"unknown --input-format {input_format!r}",
            value=input_format,
            options=sorted(readers()),
        )
    options = ReadOptions(
        text_fields=[f.strip() for f in text_field.split(",") if f.strip()] if text_field else None
    )
    if cluster is None:
        given = [n for n, v in (("--resume", resume), ("--output-parquet", output_parquet)) if v]
        if given:
            raise UsageError(f"{given[0]} goes with --cluster")
    elif jobs > 1:
        raise UsageError("--jobs sets processes on this machine; with --cluster, workers do")
    ctx = Context.build(
        home=home,
        db=db,
        needs_home=not no_store or cluster is not None,  # a cluster run keeps HOME/runs/RUN
        config_file=config,
        region=region,
        threshold=threshold,
        prevalence=prevalence,
        kb_dir=kb,
        jobs=jobs,
    )
    meter = ByteMeter.for_inputs(inputs) if not quiet and sys.stderr.isatty() else None
    with ExitStack() as stack:
        out = _atomic_output(stack, output) if output else sys.stdout
        writer = make_writer(fmt, out)
        err_file = stack.enter_context(errors.open("w", encoding="utf-8")) if errors else None

        def report_error(err: InputError) -> None:
            typer.echo(f"narcwatch: {err}", err=True)
            if err_file is not None:
                err_file.write(json.dumps(err.to_dict(), ensure_ascii=False) + "\n")

        common: dict[str, Any] = {
            "input_format": input_format,
            "read_options": options,
            "include_text": include_text,
            "store": not no_store,
            "link": not no_link,
            "on_finding": [writer.write],
            "on_error": [report_error],
            "progress": partial(_progress, meter=meter) if meter is not None else None,
            "meter": meter,
        }
        if cluster is None:
            summary = scan_job(ctx, inputs, **common)
        else:
            from narcwatch.cli.cluster import cluster_scan

            summary = cluster_scan(
                ctx, inputs, cluster=cluster, resume=resume, partition_size=partition_size,
                output_parquet=output_parquet, quiet=quiet, **common,
            )  # fmt: skip
        writer.close()

    if not quiet or summary.interrupted:
        typer.echo(f"narcwatch scan: {summary.summary()}", err=True)
        if summary.linked:
            typer.echo(f"narcwatch link: {summary.linked}", err=True)
    if summary.interrupted:
        kept = [f"{summary.documents:,} findings written to {output or 'standard output'}"]
        if summary.stored:
            kept.append("stored (a new run stores nothing twice; `narcwatch link` links them)")
        typer.echo(f"narcwatch scan: interrupted: {' and '.join(kept)}", err=True)
        raise typer.Exit(130)
    if summary.documents == 0:
        raise fail("no document could be read from the input", 1)


def _progress(
    stream: Iterable[Finding | InputError], meter: ByteMeter
) -> Iterator[Finding | InputError]:
    from narcwatch.cli.progress import track

    yield from track(stream, description="scanning", meter=meter)
