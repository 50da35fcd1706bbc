"""A progress display for long runs, on stderr, only when stderr is a terminal.

With a :class:`~narcwatch.ingest.meter.ByteMeter` the bar counts the input's bytes against
their total (files have sizes), so it moves while one big file is read and shows an ETA;
without one (standard input) it counts documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

if TYPE_CHECKING:
    from narcwatch.ingest.meter import ByteMeter

T = TypeVar("T")


def track(
    items: Iterable[T],
    *,
    description: str,
    total: int | None = None,
    meter: ByteMeter | None = None,
) -> Iterator[T]:
    """Yield ``items`` while showing how far the run is and how fast it goes."""
    by_bytes = meter is not None and meter.total is not None
    columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("[bold]{task.description}")]
    if by_bytes:
        columns += [BarColumn(), DownloadColumn(), TimeRemainingColumn()]
    columns += [
        MofNCompleteColumn() if total else TextColumn("{task.fields[items]:,} documents"),
        TextColumn("{task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        size = meter.total if by_bytes and meter is not None else total
        task = progress.add_task(description, total=size, rate=0.0, items=0)
        n = 0
        for n, item in enumerate(items, 1):
            yield item
            if n % 64 == 0 or n == total:
                _update(progress, task, n, meter if by_bytes else None)
        _update(progress, task, n, meter if by_bytes else None)


def _update(progress: Progress, task: TaskID, n: int, meter: ByteMeter | None) -> None:
    elapsed = progress.tasks[0].elapsed or 0.0
    completed = meter.done if meter is not None else n
    progress.update(task, completed=completed, items=n, rate=n / elapsed if elapsed else 0.0)
