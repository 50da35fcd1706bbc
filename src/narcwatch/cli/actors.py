"""``narcwatch actors`` and ``narcwatch selectors``: who is behind the stored listings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from narcwatch.cli.app import app
from narcwatch.cli.link import DB, HOME, open_store
from narcwatch.errors import UsageError
from narcwatch.render.tables import console
from narcwatch.render.tables import table as new_table
from narcwatch.store import Store

actors_app = typer.Typer(help="Actors: stored documents grouped by the selectors they share.")
selectors_app = typer.Typer(help="Look up selectors (wallets, handles, phones...) in the store.")
app.add_typer(actors_app, name="actors")
app.add_typer(selectors_app, name="selectors")


def _linked(home: Path | None, db: str | None) -> Store:
    """The store, with documents stored since the last link linked first (cheap when
    there are none), so what is listed is never stale."""
    from narcwatch.link import Linker

    store = open_store(home, db, create=False)
    Linker(store).link()
    return store


def _fmt(fmt: str, options: tuple[str, ...]) -> None:
    if fmt not in options:
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=options)


@actors_app.command("list")
def actors_list(
    top: int = typer.Option(20, "--top", min=1, help="How many actors to list."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Actors by number of documents, platforms and substances, with the selectors that
    link their documents (and, in JSON, the selectors that link nobody: market-wide,
    known or rejected)."""
    _fmt(fmt, ("table", "json"))
    from narcwatch.link import list_actors, non_linking

    store = _linked(home, db)
    shown = list_actors(store, top=top)
    if fmt == "json":
        data = {"actors": [a.to_dict() for a in shown], "not_linking": non_linking(store)}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = new_table("actor", "documents", "platforms", "vendors", "substances", "linked by")
    for a in shown:
        table.add_row(
            a.id,
            str(len(a.documents)),
            ", ".join(a.platforms),
            ", ".join(a.vendors[:5]),
            ", ".join(a.substances[:5]),
            ", ".join(f"{ln.type}:{ln.value}" for ln in a.links[:3]),
        )
    console().print(table)


@actors_app.command("show")
def actors_show(
    actor_id: str = typer.Argument(..., help="Actor id from `narcwatch actors list`."),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """One actor as JSON: documents with their selector spans, platforms, vendors,
    substances, every link with its evidence (selector, documents, first and last seen),
    a timeline and the history of merges, splits and verdicts."""
    from narcwatch.link import show_actor

    actor = show_actor(_linked(home, db), actor_id)
    typer.echo(json.dumps(actor.to_dict(), indent=2, ensure_ascii=False))


@actors_app.command("export")
def actors_export(
    fmt: str = typer.Option("graphml", "--format", "-f", help="graphml, gexf or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
    actor_id: str | None = typer.Option(None, "--actor", help="Only this actor's documents."),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """The link graph for Gephi, Maltego-style tools or scripts: documents (with actor,
    platform, vendor) and selectors (with type and status) as nodes, "carries" as edges."""
    from narcwatch.link import link_graph, render_graph

    text = render_graph(link_graph(_linked(home, db), actor_id=actor_id), fmt)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@selectors_app.command("search")
def selectors_search(
    value: str = typer.Argument(..., help="A wallet, handle, phone, e-mail, onion... as written."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Every stored document a selector appears in, and the actor it belongs to."""
    _fmt(fmt, ("table", "json"))
    from narcwatch.link import find_selector

    found = find_selector(_linked(home, db), value)
    if fmt == "json":
        typer.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    table = new_table("type", "value", "document", "where", "platform", "actor")
    for f in found:
        table.add_row(
            f["type"],
            f["value"],
            f["doc_id"][:12],
            f"{f['source']} {f['location']}",
            f["platform"] or "-",
            f["actor"] or "-",
        )
    console().print(table if found else f"{value!r} is in no stored document")
