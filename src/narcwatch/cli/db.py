"""``narcwatch db``: the database schema (status, upgrade)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from narcwatch.cli.app import app
from narcwatch.cli.options import CONFIG, DB, HOME

db_app = typer.Typer(
    help="The database schema: where it stands, and migrating it. Every command that "
    "writes migrates its database when it opens it; run `db upgrade` yourself when you "
    "deploy a new version for a server, before starting its workers.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")

FORMAT = typer.Option("table", "--format", "-f", help="table, json, jsonl or csv.")


@db_app.command("status")
def db_status_command(
    fmt: str = FORMAT,
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Show the database's schema revision and whether it is at this version's head.
    Reads only: a database that is not there is reported, not created. Exits 1 when the
    schema is not at head."""
    from narcwatch.jobs.context import Context
    from narcwatch.jobs.db import db_status
    from narcwatch.render.records import check_format, write_records

    check_format(fmt)
    status = db_status(Context.build(home, db, create=False, config_file=config))
    write_records([status], fmt, sys.stdout, one=True, title="database schema")
    if not status.at_head:
        raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade_command(
    fmt: str = FORMAT,
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Create the database or migrate it to this version's schema (Alembic migrations
    shipped in the package; safe to run again, and against a database other processes
    use: one migrates while the others wait)."""
    from narcwatch.jobs.context import Context
    from narcwatch.jobs.db import db_upgrade
    from narcwatch.render.records import check_format, write_records

    check_format(fmt)
    status = db_upgrade(Context.build(home, db, config_file=config))
    write_records([status], fmt, sys.stdout, one=True, title="database schema")
