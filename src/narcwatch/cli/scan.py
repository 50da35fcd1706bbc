"""``narcwatch scan``: analyse collected content and print one finding per document."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

import typer

from narcwatch.cli.app import app, fail
from narcwatch.cli.progress import track
from narcwatch.errors import InputError, UsageError
from narcwatch.ingest.base import ReadOptions, readers
from narcwatch.model import Finding
from narcwatch.render.findings import make_writer, writer_names
from narcwatch.scan import run_scan, scan
from narcwatch.settings import database_url, resolve_home


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
    region: str | None = typer.Option(
        None, "--region", help="Default country (ISO 3166 alpha-2) for phone numbers without +."
    ),
    threshold: float | None = typer.Option(
        None, "--threshold", min=0.0, max=1.0, help="offer is true when offer_score >= this."
    ),
    prevalence: float | None = typer.Option(
        None,
        "--prevalence",
        min=1e-6,
        max=1.0,
        help="Share of drug offers expected in the input (default 0.01): offer is true where "
        "the model measured precision >= 0.90 at that share. --threshold overrides it.",
    ),
    home: Path | None = typer.Option(
        None, "--home", envvar="NARCWATCH_HOME", help="narcwatch home directory."
    ),
    db: str | None = typer.Option(
        None, "--db", help="Database file or SQLAlchemy URL (default: HOME/narcwatch.db)."
    ),
    no_store: bool = typer.Option(False, "--no-store", help="Do not store findings."),
    no_link: bool = typer.Option(
        False, "--no-link", help="Store without linking into actors (run `narcwatch link` later)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
) -> None:
    """Analyse collected content: which controlled substances are offered, by whom, how much,
    at what price and how sure we are. Formats (detected, or forced with --input-format):
    JSON Lines, CSV/TSV, HTML, WARC, plain text; any of them gzip-compressed.

    Prints one JSON object per document (schema narcwatch.finding/1) and stores the findings
    in the home database unless --no-store, then links the new documents into actors
    (`narcwatch actors list`) unless --no-link. Re-scanning the same input stores nothing
    twice.
    """
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
    config: dict[str, dict[str, object]] = {}
    if region:
        config["selectors"] = {"region": region.upper()}
    if prevalence is not None:
        config["offer"] = {"prevalence": prevalence}
    if threshold is not None:
        config["offer"] = {"threshold": threshold}

    store = None
    if not no_store:
        from narcwatch.store import Store

        home_dir = resolve_home(home)
        store = Store.open(database_url(db, home_dir), home=home_dir)

    with ExitStack() as stack:
        out = _atomic_output(stack, output) if output else sys.stdout
        writer = make_writer(fmt, out)
        err_file = stack.enter_context(errors.open("w", encoding="utf-8")) if errors else None

        def report_error(err: InputError) -> None:
            typer.echo(f"narcwatch: {err}", err=True)
            if err_file is not None:
                err_file.write(json.dumps(err.to_dict(), ensure_ascii=False) + "\n")

        stream: Iterable[Finding | InputError] = scan(
            inputs,
            input_format=input_format,
            read_options=options,
            jobs=jobs,
            config=config,
            include_text=include_text,
        )
        show_progress = not quiet and sys.stderr.isatty()
        stats = run_scan(
            _progress(stream, show_progress),
            store=store,
            on_finding=[writer.write],
            on_error=[report_error],
        )
        writer.close()

    if not quiet:
        typer.echo(f"narcwatch scan: {stats.summary()}", err=True)
    if store is not None and not no_link and stats.documents:
        from narcwatch.link import Linker

        linked = Linker(store).link()
        if not quiet:
            typer.echo(f"narcwatch link: {linked.summary()}", err=True)
    if stats.documents == 0:
        raise fail("no document could be read from the input", 1)


def _progress(
    stream: Iterable[Finding | InputError], enabled: bool
) -> Iterator[Finding | InputError]:
    if not enabled:
        yield from stream
        return
    yield from track(stream, description="scanning")
