"""``narcwatch kb``: look up the knowledge base (substances, schedules, names, slang)."""

from __future__ import annotations

import json

import typer

from narcwatch.cli.app import app
from narcwatch.errors import UsageError

kb_app = typer.Typer(help="Look up controlled substances, their names, slang and schedules.")
app.add_typer(kb_app, name="kb")
FORMATS = ("table", "json")


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=FORMATS)


@kb_app.command("search")
def kb_search(
    query: str = typer.Argument(..., help="A name, synonym, slang term or CAS number; typos ok."),
    limit: int = typer.Option(10, "--limit", min=1, help="How many substances to list."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Find substances by any of their names, tolerating typos (fuzzy matching)."""
    from rich.console import Console
    from rich.table import Table

    _check(fmt)
    from narcwatch.kb.search import default_index

    index = default_index()
    hits = index.search(query, limit=limit)
    if fmt == "json":
        rows = []
        for h in hits:
            sub = index.kb.substances[h.id]
            rows.append(
                {
                    "id": h.id,
                    "name": h.name,
                    "matched": h.matched,
                    "via": h.via,
                    "score": h.score,
                    "control": [c.schedule for c in sub.control],
                    "category": sub.category,
                }
            )
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("score", "id", "name", "matched", "control", "category")
    for h in hits:
        sub = index.kb.substances[h.id]
        control = ", ".join(c.schedule for c in sub.control) or "-"
        table.add_row(f"{h.score:.0f}", h.id, h.name, h.matched, control, sub.category)
    Console().print(table if hits else f"no substance matches {query!r}")


@kb_app.command("show")
def kb_show(
    substance_id: str = typer.Argument(..., help="Substance id, e.g. fentanyl."),
    fmt: str = typer.Option("json", "--format", "-f", help="json or table."),
) -> None:
    """Print one substance entry with every name, identifier, schedule and source."""
    from rich.console import Console
    from rich.table import Table

    _check(fmt)
    from narcwatch.kb import default_kb

    kb = default_kb()
    sub = kb.substances.get(substance_id)
    if sub is None:
        from narcwatch.kb.search import default_index

        near = [h.id for h in default_index().search(substance_id, limit=5)]
        raise UsageError(f"no substance with id {substance_id!r}", value=substance_id, options=near)
    data = sub.model_dump(exclude_defaults=True)
    data["sources"] = [kb.sources[s].model_dump(exclude_none=True) for s in sub.sources]
    if fmt == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("field", "value", show_header=False)
    for key, value in data.items():
        table.add_row(
            key, json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        )
    Console().print(table)


@kb_app.command("stats")
def kb_stats(fmt: str = typer.Option("table", "--format", "-f", help="table or json.")) -> None:
    """Count what the knowledge base holds: substances by schedule and category, terms."""
    from rich.console import Console
    from rich.table import Table

    _check(fmt)
    from collections import Counter

    from narcwatch.kb import default_kb

    kb = default_kb()
    schedules = Counter(c.schedule for s in kb.substances.values() for c in s.control)
    stats = {
        "substances": len(kb.substances),
        "with_smiles": sum(1 for s in kb.substances.values() if s.smiles),
        "with_cas": sum(1 for s in kb.substances.values() if s.cas),
        "by_schedule": dict(sorted(schedules.items())),
        "by_category": dict(Counter(s.category for s in kb.substances.values()).most_common()),
        "slang_terms": len(kb.slang),
        "slang_by_language": dict(Counter(t.lang for t in kb.slang).most_common()),
        "emoji_codes": len(kb.emoji),
        "cues": len(kb.cues),
        "not_drug_phrases": len(kb.not_drugs),
        "sources": len(kb.sources),
    }
    if fmt == "json":
        typer.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    table = Table("what", "count", show_header=False)
    for key, value in stats.items():
        table.add_row(
            key,
            ", ".join(f"{k} {v}" for k, v in value.items())
            if isinstance(value, dict)
            else str(value),
        )
    Console().print(table)


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
    from rich.console import Console
    from rich.table import Table

    _check(fmt)
    from narcwatch.kb.classify import classify

    result = classify(smiles=smiles, name=name, cas=cas, top=top)
    data = result.to_dict()
    if fmt == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console = Console()
    known = (
        f"{result.known} ({', '.join(result.control) or 'no control'})" if result.known else "no"
    )
    console.print(f"structure: {result.smiles}\nInChIKey: {result.inchikey}\nknown entry: {known}")
    console.print(f"families: {', '.join(result.families) or 'none'}")
    table = Table("similarity", "id", "name", "control", title="nearest controlled substances")
    for n in result.nearest:
        table.add_row(f"{n.similarity:.2f}", n.id, n.name, ", ".join(n.control))
    console.print(table)


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
    import sys

    from narcwatch.kb import default_kb

    kb = default_kb()
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
