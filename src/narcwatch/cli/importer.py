"""``narcwatch import``: bring an analyst's existing files in as evidence, then scan them
(the work is :func:`narcwatch.evidence.imports.import_file`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import typer

from narcwatch.cli.app import app, fail
from narcwatch.cli.link import DB, HOME, open_store
from narcwatch.errors import InputError, UsageError
from narcwatch.evidence.archive import archive_dir, custody_log
from narcwatch.evidence.imports import import_file
from narcwatch.evidence.warc import WarcWriter
from narcwatch.ingest.base import readers
from narcwatch.ingest.sources import walk_files
from narcwatch.settings import resolve_home


@dataclass
class Totals:
    imported: int = 0
    already: int = 0
    failed: int = 0
    documents: int = 0
    errors: int = 0
    stored_added: int = 0


def _files(inputs: list[str]) -> Iterator[Path | InputError]:
    """Files to import: each argument, directories walked as ``narcwatch scan`` walks them."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from walk_files(path)
        elif path.is_file():
            yield path
        elif path.exists():
            yield InputError(item, None, "not a regular file")
        else:
            yield InputError(item, None, "cannot open: No such file or directory")


@app.command("import")
def import_command(
    files: list[str] = typer.Argument(
        ..., help="Files or directories (read recursively) exported by other tools."
    ),
    input_format: str | None = typer.Option(
        None, "--input-format", "-i", help="Force the input format instead of detecting it."
    ),
    job: str | None = typer.Option(
        None, "--job", help="Job name: archives go to HOME/archive/import-JOB (default: date)."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No per-file lines and no summary."),
) -> None:
    """Import existing files as evidence: Telegram Desktop exports (result.json),
    Reddit/Pushshift NDJSON, JSON Lines, CSV, HTML, WARC from other tools...

    Each file is archived whole in a WARC resource record, hashed and logged in the chain
    of custody, then scanned and linked like `narcwatch scan FILE`; each stored document
    points at the archived file (`narcwatch evidence show DOC_ID`). A file imported before
    (same SHA-256) is not archived or scanned again.
    """
    if input_format is not None and input_format not in readers():
        raise UsageError(
            f"unknown --input-format {input_format!r}",
            value=input_format,
            options=sorted(readers()),
        )
    job = job or datetime.now(UTC).strftime("%Y%m%d")
    home_dir = resolve_home(home)
    writer = WarcWriter(archive_dir(home_dir) / f"import-{job}", job=f"import-{job}")
    store, custody, totals = open_store(home_dir, db), custody_log(home_dir), Totals()
    with writer:
        for item in _files(files):
            if isinstance(item, InputError):
                totals.failed += 1
                typer.echo(f"narcwatch: {item}", err=True)
                continue
            try:
                outcome, stats = import_file(
                    item,
                    store=store,
                    home=home_dir,
                    writer=writer,
                    custody=custody,
                    job=job,
                    input_format=input_format,
                    on_error=lambda err: typer.echo(f"narcwatch: {err}", err=True),
                )
            except InputError as err:
                totals.failed += 1
                typer.echo(f"narcwatch: {err}", err=True)
                continue
            except OSError as err:
                totals.failed += 1
                typer.echo(f"narcwatch: {item}: cannot read: {err.strerror or err}", err=True)
                continue
            if stats is None:
                totals.already += 1
                if not quiet:
                    typer.echo(f"narcwatch import: {item}: already imported", err=True)
                continue
            totals.imported += 1
            totals.documents += stats.documents
            totals.errors += stats.errors
            totals.stored_added += stats.stored_added
            if not quiet:
                line = f"{stats.documents} documents, {stats.errors} errors"
                typer.echo(f"narcwatch import: {item}: {outcome}, {line}", err=True)
    if not quiet:
        typer.echo(
            f"narcwatch import: {totals.imported} files imported, {totals.already} already "
            f"imported, {totals.failed} failed; {totals.documents} documents "
            f"({totals.stored_added} new), {totals.errors} errors",
            err=True,
        )
    if totals.documents:
        from narcwatch.link import Linker

        linked = Linker(store).link()
        if not quiet:
            typer.echo(f"narcwatch link: {linked.summary()}", err=True)
    if totals.imported + totals.already == 0:
        raise fail("no file could be imported", 1)
