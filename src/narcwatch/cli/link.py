"""``narcwatch link``: group stored documents into actors, and the analyst's verdicts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from narcwatch.cli.app import app
from narcwatch.settings import database_url, resolve_home
from narcwatch.store import Store

link_app = typer.Typer(
    help=(
        "Link stored documents into actors: documents sharing a strong selector (wallet, "
        "PGP key, phone, e-mail, onion, messenger id) are one actor; a vendor name links "
        "only within its platform. Incremental: only documents not linked yet are read. "
        "`narcwatch scan` runs this after storing unless --no-link."
    ),
    invoke_without_command=True,
)
app.add_typer(link_app, name="link")

HOME = typer.Option(None, "--home", envvar="NARCWATCH_HOME", help="narcwatch home directory.")
DB = typer.Option(
    None, "--db", help="Database file or SQLAlchemy URL (default: HOME/narcwatch.db)."
)
PLATFORM = typer.Option(
    None, "--platform", help="For vendor:NAME, the platform the name is scoped to."
)


def open_store(home: Path | None, db: str | None, *, create: bool = True) -> Store:
    """The store of ``home`` (or ``--db``). Read-only commands pass ``create=False``: a
    home or ``--db`` file that does not exist is then an error, never a new empty store."""
    if create or db is None:
        home_dir = resolve_home(home, create=create)
    else:  # an explicit --db: the home is not read
        home_dir = Path(home or ".").expanduser()
    return Store.open(database_url(db, home_dir, create=create), home=home_dir)


@link_app.callback()
def link_command(
    ctx: typer.Context,
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Recompute every actor (after changing the limits below)."
    ),
    max_vendors: int = typer.Option(
        3, "--max-vendors", min=1, help="A selector seen with more vendor names is a market's."
    ),
    max_platforms: int = typer.Option(
        6, "--max-platforms", min=1, help="A selector seen on more platforms is a market's."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary."),
) -> None:
    """Link the documents not linked yet (or all of them with --rebuild)."""
    if ctx.invoked_subcommand:
        return
    from narcwatch.link import Linker
    from narcwatch.link import rebuild as rebuild_all

    linker = Linker(open_store(home, db), max_vendors=max_vendors, max_platforms=max_platforms)
    result = rebuild_all(linker) if rebuild else linker.link()
    if not quiet:
        typer.echo(f"narcwatch link: {result.summary()}", err=True)


@link_app.command("reject")
def link_reject(
    selector: str = typer.Argument(..., help="TYPE:VALUE, e.g. btc:bc1q... or telegram:handle."),
    reason: str = typer.Option("", "--reason", help="Why the link is wrong (kept in history)."),
    analyst: str = typer.Option("", "--analyst", help="Who decided (kept in history)."),
    platform: str | None = PLATFORM,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Mark a selector as a wrong link: it stops linking, the actor holding it is split
    again from its other evidence, and the verdict survives re-runs and --rebuild."""
    from narcwatch.link import Linker, parse_key, reject

    key = parse_key(selector, platform=platform)
    result = reject(Linker(open_store(home, db)), key, reason=reason, analyst=analyst)
    typer.echo(f"narcwatch link: {key.label} rejected; {result.splits} actors split off", err=True)


@link_app.command("restore")
def link_restore(
    selector: str = typer.Argument(..., help="TYPE:VALUE as given to `link reject`."),
    analyst: str = typer.Option("", "--analyst", help="Who decided (kept in history)."),
    platform: str | None = PLATFORM,
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Withdraw a rejection: the selector links again, merging the actors that carry it."""
    from narcwatch.link import Linker, parse_key, restore

    key = parse_key(selector, platform=platform)
    result = restore(Linker(open_store(home, db)), key, analyst=analyst)
    typer.echo(f"narcwatch link: {key.label} restored; {result.merges} actors merged", err=True)


@link_app.command("history")
def link_history(
    limit: int = typer.Option(50, "--limit", min=1, help="How many events, newest first."),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Merges, splits, verdicts and rebuilds, newest first, as JSON lines."""
    from sqlalchemy import select

    from narcwatch.store.tables import ActorEventRow

    store = open_store(home, db, create=False)
    with store.session() as s:
        rows = s.execute(
            select(ActorEventRow).order_by(ActorEventRow.pk.desc()).limit(limit)
        ).scalars()
        for row in rows:
            line = {"at": row.at.isoformat(), "kind": row.kind, "actor": row.actor_id}
            sys.stdout.write(json.dumps(line | json.loads(row.detail)) + "\n")
