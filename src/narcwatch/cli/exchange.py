"""``narcwatch exchange``: convert incident files between STIX 2.1, MISP, JSON and CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from narcwatch.cli.app import app

exchange_app = typer.Typer(
    help="Convert incident files between STIX 2.1 bundles, MISP event JSON, narcwatch JSON "
    "and CSV (no home directory or server needed)."
)
app.add_typer(exchange_app, name="exchange")


@exchange_app.command("convert")
def convert(
    file: Path = typer.Argument(
        ..., metavar="FILE", help="A STIX bundle, MISP event or incident JSON file."
    ),
    source_format: str = typer.Option(
        "auto", "--from", metavar="FORMAT", help="auto (from the content), stix, misp or json."
    ),
    to: str = typer.Option("stix", "--to", metavar="FORMAT", help="stix, misp, json or csv."),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="PATH", help="Write here instead of standard output."
    ),
    default_kind: str = typer.Option(
        "online_offer",
        "--default-kind",
        metavar="KIND",
        help="Kind of incidents whose file does not say (foreign reports and events).",
    ),
) -> None:
    """Read incidents from FILE and write them in another format.

    Objects that cannot be read are reported on standard error (file, object id, field)
    and skipped; the rest is converted. STIX and MISP output need complete incidents
    (id, owner, dates): a foreign file's incidents can be converted to json, edited and
    shared through the server."""
    from narcwatch.jobs.exchange import convert_file

    data, count, errors = convert_file(None, file, to, fmt=source_format, default_kind=default_kind)
    for err in errors:
        typer.echo(f"narcwatch: warning: {err}", err=True)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
    typer.echo(f"{count} incident(s) written as {to}, {len(errors)} problem(s)", err=True)
