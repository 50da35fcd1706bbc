"""``narcwatch report``: summarise what the store holds."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from narcwatch.cli.app import app
from narcwatch.cli.options import CONFIG, DB, HOME
from narcwatch.errors import UsageError


@app.command("report")
def report_command(
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    top: int = typer.Option(10, "--top", min=1, help="How many top substances and selectors."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Summarise stored findings: documents and offers by platform and by day, top
    substances, top selectors with the documents and platforms each appears on."""
    from narcwatch.jobs.context import Context
    from narcwatch.jobs.report import report_job
    from narcwatch.render.report import REPORT_FORMATS, render_report
    from narcwatch.render.tables import output_width

    if fmt not in REPORT_FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=REPORT_FORMATS)

    report = report_job(Context.build(home, db, create=False, config_file=config), top=top)
    sys.stdout.write(render_report(report, fmt, width=output_width()))
