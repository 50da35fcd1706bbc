"""``narcwatch sync pull``: instance sync, this sharing server pulling what another
narcwatch server shares with it (issue 17). Thin: parse, call
:func:`narcwatch.jobs.sync.pull`, show progress, render."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from narcwatch.cli.app import app
from narcwatch.cli.link import context, render
from narcwatch.cli.options import CONFIG, DB, HOME
from narcwatch.errors import UsageError

if TYPE_CHECKING:
    from narcwatch.results.share import SyncSummary

sync_app = typer.Typer(
    help=(
        "Instance sync: pull the incidents another narcwatch server shares with this one "
        "(over its TAXII 2.1 collection), as a local organisation standing for it."
    ),
    no_args_is_help=True,
)
app.add_typer(sync_app, name="sync")


def _line(what: str) -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UsageError(f"--{what}-stdin: nothing on standard input")
    return line


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[SyncSummary], None] | None]:
    """Pages, objects and incidents so far, on stderr when it is a terminal."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [
        SpinnerColumn(),
        TextColumn("[bold]pulling[/] {task.completed:,} pages, {task.fields[objects]:,} objects"),
        TextColumn(
            "{task.fields[created]:,} new, {task.fields[updated]:,} updated, "
            "{task.fields[refused]:,} refused"
        ),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("sync", total=None, objects=0, created=0, updated=0, refused=0)

        def update(s: SyncSummary) -> None:
            bar.update(task, completed=s.pages, objects=s.objects, created=s.created,
                       updated=s.updated, refused=s.refused)  # fmt: skip

        yield update


@sync_app.command("pull")
def sync_pull(
    remote: str = typer.Option(
        ..., "--from", metavar="URL", help="The remote narcwatch server's base URL."
    ),
    org: str = typer.Option(
        ...,
        "--as-org",
        metavar="ORG",
        help="The local organisation that stands for the remote: pulled incidents are its.",
    ),
    token_stdin: bool = typer.Option(
        False, "--token-stdin", help="Read the remote API token from standard input."
    ),
    user: str | None = typer.Option(
        None, "--user", metavar="EMAIL", help="Log in to the remote as this user (HTTP Basic)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read --user's password from standard input."
    ),
    collection: str = typer.Option(
        "incidents", "--collection", help="The remote TAXII collection (id or alias)."
    ),
    full: bool = typer.Option(
        False, "--full", help="Read the whole collection again, not only what is new."
    ),
    page_size: int = typer.Option(
        500, "--page-size", min=1, max=1000, help="Objects asked for a page."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="Also print the result on stdout: table, json, jsonl or csv."
    ),
) -> None:
    """Pull what a remote narcwatch server shares with this one. The remote serves only
    what its account may see; here incidents keep the remote TLP and sharing group
    (RED and groups unknown here are refused and named), a re-run asks only for what is
    new, and a newer remote version updates the local copy. Run on the receiving
    server's home; exit 1 only when nothing could be pulled."""
    from narcwatch.jobs.share import ShareService
    from narcwatch.jobs.sync import pull

    if token_stdin and (user or password_stdin):
        raise UsageError("give --token-stdin or --user with --password-stdin, not both")
    if not token_stdin and not user:
        raise UsageError("the remote needs credentials: --token-stdin, or --user EMAIL")
    token = _line("token") if token_stdin else None
    password = None
    if user:
        password = (
            _line("password") if password_stdin else typer.prompt("Password", hide_input=True)
        )
    show = not quiet and sys.stderr.isatty()
    with ShareService.open(context(home, db, config)) as share, _progress_bar(show) as bar:
        summary = pull(
            share, remote, org, token=token, user=user, password=password,
            collection=collection, full=full, page_size=page_size, progress=bar,
        )  # fmt: skip
    if not quiet:
        typer.echo(
            f"{summary.remote}: {summary.created} incidents new, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.refused} refused; "
            f"{summary.alerts_raised} alerts raised",
            err=True,
        )
        for error in summary.errors[:20]:
            typer.echo(f"  {error}", err=True)
        if not summary.complete:
            typer.echo("narcwatch: warning: stopped early; run again to continue", err=True)
    if fmt:
        render([summary], fmt, one=True)
