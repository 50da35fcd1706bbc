"""``narcwatch import``: bring an analyst's existing files in as evidence, then scan them.

Thin: the work is :func:`narcwatch.jobs.importer.import_job` (archive, log, scan, store,
link); this parses flags, builds the Context and prints a line per file and a summary.
"""

from __future__ import annotations

from pathlib import Path

import typer

from narcwatch.cli.app import app, fail
from narcwatch.cli.options import CONFIG, DB, HOME, KB, PREVALENCE, REGION, THRESHOLD
from narcwatch.errors import InputError


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
    region: str | None = REGION,
    threshold: float | None = THRESHOLD,
    prevalence: float | None = PREVALENCE,
    no_link: bool = typer.Option(
        False, "--no-link", help="Store without linking into actors (run `narcwatch link` later)."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    kb: Path | None = KB,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No per-file lines and no summary."),
) -> None:
    """Import existing files as evidence: Telegram Desktop exports (result.json),
    Reddit/Pushshift NDJSON, JSON Lines, CSV, HTML, WARC from other tools...

    Each file is archived whole in a WARC resource record, hashed and logged in the chain
    of custody, then scanned (--region, --threshold and --prevalence as for scan) and
    linked like `narcwatch scan FILE` (unless --no-link); each stored document points at
    the archived file (`narcwatch evidence show DOC_ID`). A file imported before (same
    SHA-256) is not archived or scanned again.
    """
    from narcwatch.jobs.context import Context
    from narcwatch.jobs.importer import import_job
    from narcwatch.results.evidence import ImportFile

    ctx = Context.build(
        home=home,
        db=db,
        config_file=config,
        region=region,
        threshold=threshold,
        prevalence=prevalence,
        kb_dir=kb,
    )

    def on_file(item: ImportFile) -> None:
        if item.outcome == "failed":
            typer.echo(f"narcwatch: {item.error}", err=True)
        elif not quiet:
            typer.echo(f"narcwatch import: {item.line()}", err=True)

    def on_error(err: InputError) -> None:
        typer.echo(f"narcwatch: {err}", err=True)

    summary = import_job(
        ctx,
        files,
        input_format=input_format,
        job=job,
        link=not no_link,
        on_file=on_file,
        on_error=on_error,
    )
    if not quiet:
        typer.echo(f"narcwatch import: {summary.line()}", err=True)
        if summary.linked:
            typer.echo(f"narcwatch link: {summary.linked}", err=True)
    if summary.imported + summary.already == 0:
        raise fail("no file could be imported", 1)
