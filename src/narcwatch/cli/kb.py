"""``narcwatch kb``: look up the knowledge base (substances, schedules, names, slang)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import typer

from narcwatch.cli.app import app
from narcwatch.errors import UsageError

if TYPE_CHECKING:
    from narcwatch.jobs.context import Context

kb_app = typer.Typer(help="Look up controlled substances, their names, slang and schedules.")
app.add_typer(kb_app, name="kb")
FORMATS = ("table", "json")


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=FORMATS)


def _context() -> Context:
    from narcwatch.jobs.context import Context

    return Context.build(needs_home=False)


@kb_app.command("search")
def kb_search(
    query: str = typer.Argument(..., help="A name, synonym, slang term or CAS number; typos ok."),
    limit: int = typer.Option(10, "--limit", min=1, help="How many substances to list."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json, jsonl or csv."),
) -> None:
    """Find substances by any of their names, tolerating typos (fuzzy matching)."""
    from narcwatch.jobs.kb import search_job
    from narcwatch.render.records import check_format, write_records

    check_format(fmt)
    hits = search_job(_context(), query, limit=limit)
    if not hits and fmt == "table":
        typer.echo(f"no substance matches {query!r}")
        return
    write_records(hits, fmt, sys.stdout)


@kb_app.command("show")
def kb_show(
    substance_id: str = typer.Argument(..., help="Substance id, e.g. fentanyl."),
    fmt: str = typer.Option("json", "--format", "-f", help="json or table."),
) -> None:
    """Print one substance entry with every name, identifier, schedule and source."""
    _check(fmt)
    from narcwatch.jobs.kb import show_job

    data = show_job(_context(), substance_id)
    if fmt == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from narcwatch.render.tables import console, table

    view = table("field", "value", show_header=False)
    for key, value in data.items():
        view.add_row(
            key, json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        )
    console().print(view)


@kb_app.command("stats")
def kb_stats(fmt: str = typer.Option("table", "--format", "-f", help="table or json.")) -> None:
    """Count what the knowledge base holds: substances by schedule and category, terms."""
    _check(fmt)
    from narcwatch.jobs.kb import stats_job

    stats = stats_job(_context())
    if fmt == "json":
        typer.echo(json.dumps(stats.to_json_dict(), ensure_ascii=False, indent=2))
        return
    from narcwatch.render.tables import console, table

    view = table("what", "count", show_header=False)
    for key, value in stats.to_json_dict().items():
        view.add_row(
            key,
            ", ".join(f"{k} {v}" for k, v in value.items())
            if isinstance(value, dict)
            else str(value),
        )
    console().print(view)


@kb_app.command("classify")
def kb_classify(
    smiles: str | None = typer.Option(None, "--smiles", help="Structure as SMILES."),
    name: str | None = typer.Option(
        None, "--name", help="IUPAC or systematic name (resolved by OPSIN; needs Java)."
    ),
    cas: str | None = typer.Option(None, "--cas", help="CAS number of a knowledge-base entry."),
    top: int = typer.Option(5, "--top", min=1, help="How many nearest controlled substances."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Structural families (fentanyl, nitazene, SCRA...) of a structure and the nearest
    controlled substances by fingerprint similarity: flags analogues no list names."""
    _check(fmt)
    from narcwatch.jobs.kb import classify_job

    result = classify_job(_context(), smiles=smiles, name=name, cas=cas, top=top)
    if fmt == "json":
        typer.echo(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
        return
    from narcwatch.render.tables import console, table

    out = console()
    known = (
        f"{result.known} ({', '.join(result.control) or 'no control'})" if result.known else "no"
    )
    out.print(f"structure: {result.smiles}\nInChIKey: {result.inchikey}\nknown entry: {known}")
    out.print(f"families: {', '.join(result.families) or 'none'}")
    view = table("similarity", "id", "name", "control", title="nearest controlled substances")
    for n in result.nearest:
        view.add_row(f"{n.similarity:.2f}", n.id, n.name, ", ".join(n.control))
    out.print(view)


@kb_app.command("check")
def kb_check(
    path: str | None = typer.Argument(
        None, help="Knowledge-base directory to check (default: the one that ships)."
    ),
) -> None:
    """Validate every entry (schema, CAS check digits, schedules, sources, references,
    SMILES and InChIKeys, family rules against their examples); exit 1 on any problem."""
    from narcwatch.kb.lint import lint

    problems = lint(path)
    for problem in problems:
        typer.echo(f"narcwatch kb check: {problem}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("knowledge base OK")


@kb_app.command("export")
def kb_export(
    fmt: str = typer.Option("json", "--format", "-f", help="json or csv."),
) -> None:
    """Write every substance (id, names, CAS, SMILES, InChIKey, control, category, family,
    sources) to standard output."""
    if fmt not in ("json", "csv"):
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=("json", "csv"))
    import csv

    kb = _context().kb
    rows = [s.model_dump(exclude_defaults=True) for s in kb.substances.values()]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    columns = [
        "id",
        "name",
        "synonyms",
        "cas",
        "smiles",
        "inchikey",
        "control",
        "category",
        "family",
        "sources",
    ]
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for sub in kb.substances.values():
        writer.writerow(
            {
                "id": sub.id,
                "name": sub.name,
                "synonyms": "; ".join(sub.synonyms),
                "cas": "; ".join(sub.cas),
                "smiles": sub.smiles or "",
                "inchikey": sub.inchikey or "",
                "control": "; ".join(c.schedule for c in sub.control),
                "category": sub.category,
                "family": sub.family or "",
                "sources": "; ".join(sub.sources),
            }
        )
