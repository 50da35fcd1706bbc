"""``narcwatch actors`` and ``narcwatch selectors``: who is behind the stored listings.

Thin: parse the flags, build a read-only context, call a job of :mod:`narcwatch.jobs.link`
(which links what was stored since the last run first), render its typed result.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from narcwatch.cli.app import app
from narcwatch.cli.link import context, render
from narcwatch.cli.options import CONFIG, DB, HOME

actors_app = typer.Typer(help="Actors: stored documents grouped by the selectors they share.")
selectors_app = typer.Typer(help="Look up selectors (wallets, handles, phones...) in the store.")
app.add_typer(actors_app, name="actors")
app.add_typer(selectors_app, name="selectors")

FORMATS_HELP = "table, json, jsonl or csv."


def _check(fmt: str) -> None:
    from narcwatch.render.records import check_format

    check_format(fmt)


@actors_app.command("list")
def actors_list(
    top: int = typer.Option(20, "--top", min=1, help="How many actors to list."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMATS_HELP),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Actors by drug relevance and risk (highest risk, drug offers, substances, then
    documents), with the selectors that link their documents (and, in JSON, the
    selectors that link nobody: market-wide, known or rejected)."""
    _check(fmt)
    from narcwatch.jobs.link import list_actors
    from narcwatch.results.actors import Actor

    listing = list_actors(context(home, db, config, create=False), top=top)
    if fmt == "json":  # one object: the actors and the selectors that link nobody
        render([listing], fmt, one=True)
        return
    render(listing.actors, fmt, columns=Actor.columns)


@actors_app.command("show")
def actors_show(
    actor_id: str = typer.Argument(..., help="Actor id from `narcwatch actors list`."),
    fmt: str = typer.Option("json", "--format", "-f", help=FORMATS_HELP),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """One actor (JSON by default): documents with their selector spans, platforms,
    vendors, substances, every link with its evidence (selector, documents, first and
    last seen), a timeline and the history of merges, splits and verdicts."""
    _check(fmt)
    from narcwatch.jobs.link import show_actor

    render([show_actor(context(home, db, config, create=False), actor_id)], fmt, one=True)


@actors_app.command("export")
def actors_export(
    fmt: str = typer.Option("graphml", "--format", "-f", help="graphml, gexf or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
    actor_id: str | None = typer.Option(None, "--actor", help="Only this actor's documents."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """The link graph for Gephi, Maltego-style tools or scripts: documents (with actor,
    platform, vendor) and selectors (with type and status) as nodes, "carries" as edges."""
    from narcwatch.jobs.link import export_actors

    text = export_actors(context(home, db, config, create=False), fmt, actor_id=actor_id)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@selectors_app.command("search")
def selectors_search(
    value: str = typer.Argument(..., help="A wallet, handle, phone, e-mail, onion... as written."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMATS_HELP),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Every stored document a selector appears in, and the actor it belongs to."""
    _check(fmt)
    from narcwatch.jobs.link import search_selector

    found = search_selector(context(home, db, config, create=False), value)
    if fmt == "table" and not found:
        typer.echo(f"{value!r} is in no stored document")
        return
    render(found, fmt)
