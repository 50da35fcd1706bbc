"""``narcwatch actors`` and ``narcwatch selectors``: who is behind the stored listings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from narcwatch.cli.app import app
from narcwatch.errors import UsageError
from narcwatch.link.actors import ActorGraph
from narcwatch.settings import database_url, resolve_home

actors_app = typer.Typer(help="Actors: stored documents grouped by the selectors they share.")
selectors_app = typer.Typer(help="Look up selectors (wallets, handles, phones...) in the store.")
app.add_typer(actors_app, name="actors")
app.add_typer(selectors_app, name="selectors")

HOME = typer.Option(None, "--home", envvar="NARCWATCH_HOME", help="narcwatch home directory.")
DB = typer.Option(
    None, "--db", help="Database file or SQLAlchemy URL (default: HOME/narcwatch.db)."
)


def _graph(home: Path | None, db: str | None, max_vendors: int) -> ActorGraph:
    from narcwatch.link import build_actors
    from narcwatch.store import Store

    home_dir = resolve_home(home)
    return build_actors(
        Store.open(database_url(db, home_dir), home=home_dir), max_vendors=max_vendors
    )


def _fmt(fmt: str, options: tuple[str, ...]) -> None:
    if fmt not in options:
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=options)


@actors_app.command("list")
def actors_list(
    top: int = typer.Option(20, "--top", min=1, help="How many actors to list."),
    max_vendors: int = typer.Option(
        3, "--max-vendors", min=1, help="A selector seen with more vendor names is a market's."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Actors by number of documents, platforms and substances, with the selectors that
    link their documents (and the market-wide selectors that link nobody)."""
    _fmt(fmt, ("table", "json"))
    graph = _graph(home, db, max_vendors)
    shown = graph.actors[:top]
    if fmt == "json":
        data = {
            "actors": [a.to_dict() for a in shown],
            "market_selectors": [
                {"type": t, "value": v, "vendors": n} for t, v, n in graph.market_selectors
            ],
        }
        typer.echo(json.dumps(data, indent=2))
        return
    table = Table("actor", "documents", "platforms", "vendors", "substances", "linked by")
    for a in shown:
        links = ", ".join(f"{ln.type}:{ln.value}" for ln in a.links[:3])
        table.add_row(
            a.id,
            str(len(a.documents)),
            ", ".join(a.platforms),
            ", ".join(a.vendors),
            ", ".join(a.substances[:5]),
            links,
        )
    Console().print(table)


@actors_app.command("show")
def actors_show(
    actor_id: str = typer.Argument(..., help="Actor id from `narcwatch actors list`."),
    max_vendors: int = typer.Option(3, "--max-vendors", min=1, help="See `actors list`."),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """One actor as JSON: documents, platforms, vendors, substances and every link with
    its evidence (selector, documents, first and last seen)."""
    graph = _graph(home, db, max_vendors)
    actor = next((a for a in graph.actors if a.id == actor_id), None)
    if actor is None:
        raise UsageError(
            f"no actor {actor_id!r}", value=actor_id, options=[a.id for a in graph.actors[:10]]
        )
    typer.echo(json.dumps(actor.to_dict(), indent=2))


@actors_app.command("export")
def actors_export(
    fmt: str = typer.Option("graphml", "--format", "-f", help="graphml or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
    max_vendors: int = typer.Option(3, "--max-vendors", min=1, help="See `actors list`."),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """The document graph for Gephi/Maltego-style tools: documents as nodes (doc id,
    platform, vendor), shared selectors as edges."""
    _fmt(fmt, ("graphml", "json"))
    graph = _graph(home, db, max_vendors)
    if fmt == "json":
        text = json.dumps({"actors": [a.to_dict() for a in graph.actors]}, indent=2)
    else:
        import tempfile

        # igraph writes GraphML to a named file only.
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "actors.graphml"
            graph.graph.write_graphml(str(path))
            text = path.read_text(encoding="utf-8")
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
    from sqlalchemy import func, select

    from narcwatch.link import build_actors
    from narcwatch.store import Store
    from narcwatch.store.tables import DocumentRow, SelectorHitRow

    home_dir = resolve_home(home)
    store = Store.open(database_url(db, home_dir), home=home_dir)
    needle = value.strip().lstrip("@").casefold()
    with store.session() as s:
        rows = s.execute(
            select(
                SelectorHitRow.type,
                SelectorHitRow.value,
                SelectorHitRow.matched,
                DocumentRow.doc_id,
                DocumentRow.source,
                DocumentRow.location,
                DocumentRow.platform,
            )
            .join(DocumentRow, DocumentRow.pk == SelectorHitRow.document_pk)
            .where(DocumentRow.is_latest.is_(True), func.lower(SelectorHitRow.value) == needle)
        ).all()
    graph = build_actors(store)
    found = [
        {
            "type": r.type,
            "value": r.value,
            "matched": r.matched,
            "doc_id": r.doc_id,
            "source": r.source,
            "location": r.location,
            "platform": r.platform,
            "actor": (a.id if (a := graph.actor_of(r.doc_id)) else None),
        }
        for r in rows
    ]
    if fmt == "json":
        typer.echo(json.dumps(found, indent=2))
        return
    table = Table("type", "value", "document", "where", "platform", "actor")
    for f in found:
        table.add_row(
            f["type"],
            f["value"],
            f["doc_id"][:12],
            f"{f['source']} {f['location']}",
            f["platform"] or "-",
            f["actor"] or "-",
        )
    Console().print(table if found else f"{value!r} is in no stored document")
