"""A progress display for long runs, on stderr, only when stderr is a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

T = TypeVar("T")


def track(items: Iterable[T], *, description: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items`` while showing how many went by and how fast."""
    columns = [
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        MofNCompleteColumn() if total else TextColumn("{task.completed:,} documents"),
        TextColumn("{task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total, rate=0.0)
        for n, item in enumerate(items, 1):
            yield item
            if n % 64 == 0 or n == total:
                elapsed = progress.tasks[0].elapsed or 0.0
                progress.update(task, completed=n, rate=n / elapsed if elapsed else 0.0)
