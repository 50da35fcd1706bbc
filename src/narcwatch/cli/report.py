"""``narcwatch report``: summarise what the store holds."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from narcwatch.cli.app import app
from narcwatch.errors import UsageError
from narcwatch.render.report import REPORT_FORMATS, render_report
from narcwatch.render.tables import output_width


@app.command("report")
def report_command(
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    top: int = typer.Option(10, "--top", min=1, help="How many top substances and selectors."),
    home: Path | None = typer.Option(
        None, "--home", envvar="NARCWATCH_HOME", help="narcwatch home directory."
    ),
    db: str | None = typer.Option(
        None, "--db", help="Database file or SQLAlchemy URL (default: HOME/narcwatch.db)."
    ),
) -> None:
    """Summarise stored findings: documents and offers by platform and by day, top
    substances, top selectors with the documents and platforms each appears on."""
    if fmt not in REPORT_FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=REPORT_FORMATS)
    from narcwatch.cli.link import open_store
    from narcwatch.store.report import build_report

    report = build_report(open_store(home, db, create=False), top=top)
    sys.stdout.write(render_report(report, fmt, width=output_width()))
