"""``narcwatch link``: group stored documents into actors, and the analyst's verdicts.

Thin: parse the flags, build a :class:`~narcwatch.jobs.context.Context`, call a job of
:mod:`narcwatch.jobs.link`, render its typed result.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from narcwatch.cli.app import app
from narcwatch.cli.options import CONFIG, DB, HOME

if TYPE_CHECKING:
    from narcwatch.jobs.context import Context
    from narcwatch.results.base import Record

link_app = typer.Typer(
    help=(
        "Link stored documents into actors: documents sharing a strong selector (wallet, "
        "PGP key, phone, e-mail, onion, messenger id) are one actor; a vendor name links "
        "only within its platform. Only documents about drugs (an offer or a substance) "
        "with a strong selector or a vendor name are linked. Incremental: only documents "
        "not linked yet are read. "
        "`narcwatch scan` runs this after storing unless --no-link."
    ),
    invoke_without_command=True,
)
app.add_typer(link_app, name="link")

PLATFORM = typer.Option(
    None, "--platform", help="For vendor:NAME, the platform the name is scoped to."
)
RESULT_FORMAT = typer.Option(
    None,
    "--format",
    "-f",
    help="Also print the result on stdout: table, json, jsonl or csv (default: none).",
)


def context(
    home: Path | None, db: str | None, config: Path | None = None, *, create: bool = True
) -> Context:
    """The context of ``--home``/``--db``/``--config``. Read-only commands pass
    ``create=False``: a home or ``--db`` file that does not exist is then an error, never
    a new empty store."""
    from narcwatch.jobs.context import Context

    return Context.build(home, db, create=create, config_file=config)


def render(
    records: Sequence[Record],
    fmt: str,
    *,
    one: bool = False,
    columns: Sequence[str] | None = None,
) -> None:
    """Write typed results on stdout in ``--format`` (``columns``: of a table or CSV,
    even with no records)."""
    from narcwatch.render.records import write_records

    write_records(records, fmt, sys.stdout, one=one, columns=columns)


def _check(fmt: str | None) -> None:
    if fmt is not None:
        from narcwatch.render.records import check_format

        check_format(fmt)


@link_app.callback()
def link_command(
    ctx: typer.Context,
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Recompute every actor (after changing the options below)."
    ),
    max_vendors: int = typer.Option(
        3, "--max-vendors", min=1, help="A selector seen with more vendor names is a market's."
    ),
    max_sellers: int = typer.Option(
        6,
        "--max-sellers",
        min=1,
        help=(
            "A selector seen with more sellers (vendor names, or the other selectors of "
            "documents naming none) is a market's."
        ),
    ),
    max_platforms: int | None = typer.Option(
        None, "--max-platforms", min=1, help="Former name of --max-sellers."
    ),
    all_documents: bool = typer.Option(
        False,
        "--all-documents",
        help="Also link documents with no drug offer and no substance (default: not).",
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary."),
    fmt: str | None = RESULT_FORMAT,
) -> None:
    """Link the documents not linked yet (or all of them with --rebuild)."""
    if ctx.invoked_subcommand:
        return
    from narcwatch.jobs.link import link_job

    _check(fmt)
    result = link_job(
        context(home, db, config),
        rebuild=rebuild,
        max_vendors=max_vendors,
        max_sellers=max_sellers,
        max_platforms=max_platforms,
        all_documents=all_documents,
    )
    if not quiet:
        typer.echo(f"narcwatch link: {result.summary()}", err=True)
    if fmt:
        render([result], fmt, one=True)


@link_app.command("reject")
def link_reject(
    selector: str = typer.Argument(..., help="TYPE:VALUE, e.g. btc:bc1q... or telegram:handle."),
    reason: str = typer.Option("", "--reason", help="Why the link is wrong (kept in history)."),
    analyst: str = typer.Option("", "--analyst", help="Who decided (kept in history)."),
    platform: str | None = PLATFORM,
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = RESULT_FORMAT,
) -> None:
    """Mark a selector as a wrong link: it stops linking, the actor holding it is split
    again from its other evidence, and the verdict survives re-runs and --rebuild."""
    from narcwatch.jobs.link import reject_link

    _check(fmt)
    verdict = reject_link(
        context(home, db, config), selector, platform=platform, reason=reason, analyst=analyst
    )
    typer.echo(
        f"narcwatch link: {verdict.key} rejected; {verdict.splits} actors split off", err=True
    )
    if fmt:
        render([verdict], fmt, one=True)


@link_app.command("restore")
def link_restore(
    selector: str = typer.Argument(..., help="TYPE:VALUE as given to `link reject`."),
    analyst: str = typer.Option("", "--analyst", help="Who decided (kept in history)."),
    platform: str | None = PLATFORM,
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = RESULT_FORMAT,
) -> None:
    """Withdraw a rejection: the selector links again, merging the actors that carry it."""
    from narcwatch.jobs.link import restore_link

    _check(fmt)
    verdict = restore_link(context(home, db, config), selector, platform=platform, analyst=analyst)
    typer.echo(f"narcwatch link: {verdict.key} restored; {verdict.merges} actors merged", err=True)
    if fmt:
        render([verdict], fmt, one=True)


@link_app.command("history")
def link_history(
    limit: int = typer.Option(50, "--limit", min=1, help="How many events, newest first."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, json, csv or table."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Merges, splits, verdicts and rebuilds, newest first (JSON lines by default)."""
    from narcwatch.jobs.link import link_history as history_job
    from narcwatch.results.actors import LinkEvent

    _check(fmt)
    events = history_job(context(home, db, config, create=False), limit=limit)
    render(events, fmt, columns=LinkEvent.columns)
