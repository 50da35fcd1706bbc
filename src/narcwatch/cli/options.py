"""Options shared by every command, defined once so their names and help agree."""

from __future__ import annotations

from pathlib import Path

import typer

HOME: Path | None = typer.Option(
    None, "--home", envvar="NARCWATCH_HOME", help="narcwatch home directory."
)
DB: str | None = typer.Option(
    None,
    "--db",
    help="Database file or SQLAlchemy URL (default: $NARCWATCH_DATABASE_URL, else "
    "HOME/narcwatch.db).",
)
CONFIG: Path | None = typer.Option(
    None,
    "--config",
    help="Settings file (TOML, [store] and [pipeline] tables; default HOME/narcwatch.toml "
    "when present).",
)
REGION: str | None = typer.Option(
    None, "--region", help="Default country (ISO 3166 alpha-2) for phone numbers without +."
)
THRESHOLD: float | None = typer.Option(
    None, "--threshold", min=0.0, max=1.0, help="offer is true when offer_score >= this."
)
PREVALENCE: float | None = typer.Option(
    None,
    "--prevalence",
    min=1e-6,
    max=1.0,
    help="Share of drug offers expected in the input (default 0.01): offer is true where "
    "the model measured precision >= 0.90 at that share. --threshold overrides it.",
)
KB: Path | None = typer.Option(
    None,
    "--kb",
    metavar="DIR",
    help="Knowledge-base directory to use instead of the packaged one (same layout as "
    "src/narcwatch/kb/data, e.g. a copy with national lists added; check it first with "
    "`narcwatch kb check DIR`). With --cluster, workers load it from the same path.",
)
