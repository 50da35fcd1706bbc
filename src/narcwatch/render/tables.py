"""Terminal tables that never cut a value: ids, wallets and handles are copied from them.

Rich shortens a cell that does not fit with "…" and, when stdout is not a terminal, lays
tables out for 80 columns: piped through ``less`` or ``grep`` an actor id came out cut.
Here every column folds instead of cutting, and output that is not a terminal is laid out
:data:`WIDE`, so a value only wraps on a terminal too narrow for it, and then whole.
"""

from __future__ import annotations

import shutil
import sys
from typing import Any, TextIO

from rich.console import Console
from rich.table import Column, Table

# Wide enough that no table row is ever folded in piped output; rich pads only to the
# table's own width, so this costs nothing on a narrow table.
WIDE = 10_000


def output_width(stream: TextIO | None = None) -> int:
    """The terminal's width when ``stream`` (default stdout) is a terminal, else WIDE."""
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return shutil.get_terminal_size().columns
    return WIDE


def table(*headers: str | Column, **kwargs: Any) -> Table:
    """A rich Table whose columns fold long values instead of cutting them with "…"."""
    columns = [
        h if isinstance(h, Column) else Column(h, overflow="fold", no_wrap=False) for h in headers
    ]
    return Table(*columns, **kwargs)


def console(stream: TextIO | None = None) -> Console:
    """A Console for ``stream`` (default stdout), WIDE when it is not a terminal."""
    return Console(file=stream, width=output_width(stream))
