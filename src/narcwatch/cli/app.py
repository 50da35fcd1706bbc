"""The ``narcwatch`` command: thin typer commands that parse, call the package, render.

Exit codes: 0 the job ran (even with bad records), 1 nothing could be done (no input
readable, store unavailable), 2 usage errors.
"""

from __future__ import annotations

import sys

import typer

from narcwatch import __version__
from narcwatch.cli import help as _help
from narcwatch.errors import NarcwatchError, UsageError

_help.install()

app = typer.Typer(
    name="narcwatch",
    help=(
        "Find, link and share intelligence on online drug trafficking.\n\n"
        "State (database, archives, caches) lives under one home directory: --home, "
        "else $NARCWATCH_HOME, else the platform data directory."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="markdown",  # docstrings wrap as paragraphs, not at their line breaks
)


def _version(value: bool) -> None:
    if value:
        from narcwatch import _native

        # Which build runs: the C fast path, or pure Python (NARCWATCH_NATIVE=0, no compiler).
        native = "yes" if _native.in_use() else "no"
        typer.echo(f"narcwatch {__version__} (native: {native}, {_native.build_id()})")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Print the version, whether the native fast path is in use, and exit.",
    ),
) -> None:
    """Find, link and share intelligence on online drug trafficking."""


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``narcwatch: error: message`` on stderr; return the Exit to raise."""
    typer.echo(f"narcwatch: error: {message}", err=True)
    return typer.Exit(code)


def _register_commands() -> None:
    # Imported here so each command module can import `app` from this one.
    from narcwatch.cli import (  # noqa: F401
        actors,
        crawl,
        db,
        evaluate,
        evidence,
        exchange,
        importer,
        kb,
        link,
        report,
        review,
        scan,
        share,
        sync,
    )


_register_commands()


def main() -> None:
    try:
        app()
    except UsageError as exc:
        typer.echo(f"narcwatch: error: {exc}", err=True)
        sys.exit(2)
    except NarcwatchError as exc:
        typer.echo(f"narcwatch: error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("narcwatch: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
