"""``narcwatch review export``: the analysts' decisions from the web UI's review queue as
labelled JSON Lines, in the shape ``narcwatch eval --labels label`` reads."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from narcwatch.cli.app import app
from narcwatch.cli.link import context
from narcwatch.cli.options import CONFIG, DB, HOME

review_app = typer.Typer(
    help="The analysts' review decisions (made in the web UI's review queue).",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")


@review_app.command("export")
def export(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to FILE instead of standard output."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Confirmed findings (label offer) and dismissed ones (label not_offer), one JSON
    object a line with their title and text: `narcwatch eval FILE --labels label`."""
    from narcwatch.jobs.review import export_labels

    records = export_labels(context(home, db, config, create=False))
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    n = 0
    try:
        for record in records:
            out.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n")
            n += 1
    finally:
        if output:
            out.close()
    typer.echo(f"{n} labelled documents", err=True)
