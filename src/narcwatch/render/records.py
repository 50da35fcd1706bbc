"""The shared writers of typed results (:class:`~narcwatch.results.Record`).

Every command that prints results renders them here, so ``--format`` means the same
everywhere::

    write_records(actors, "table", sys.stdout, title="12 actors")

- ``json``: one JSON array (a single record is printed as one object with ``one=True``);
- ``jsonl``: one JSON object per line;
- ``csv``: the record's ``columns``, lists joined with "; ";
- ``table``: the same columns as a terminal table that never cuts a value.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import TextIO

from narcwatch.errors import UsageError
from narcwatch.results.base import Record

FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv")

__all__ = ["FORMATS", "check_format", "write_records"]


def check_format(fmt: str, formats: Sequence[str] = FORMATS) -> str:
    if fmt not in formats:
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=formats)
    return fmt


def _dumps(record: Record, indent: int | None = None) -> str:
    separators = None if indent else (",", ":")
    return json.dumps(
        record.to_json_dict(), ensure_ascii=False, indent=indent, separators=separators
    )


def write_records(
    records: Iterable[Record],
    fmt: str,
    stream: TextIO,
    *,
    title: str | None = None,
    one: bool = False,
    columns: Sequence[str] | None = None,
) -> int:
    """Write ``records`` in ``fmt``; returns how many were written. ``one`` prints a
    single record as a JSON object rather than an array of one."""
    check_format(fmt)
    count = 0
    if fmt == "jsonl":
        for record in records:
            stream.write(_dumps(record) + "\n")
            count += 1
    elif fmt == "json":
        items = list(records)
        count = len(items)
        if one and count == 1:
            stream.write(_dumps(items[0], indent=2) + "\n")
        else:
            stream.write("[" + ",\n".join(_dumps(r) for r in items) + "]\n")
    elif fmt == "csv":
        writer: csv.DictWriter[str] | None = None
        for record in records:
            row = record.row()
            if columns:
                row = {c: row.get(c) for c in columns}
            if writer is None:
                writer = csv.DictWriter(stream, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            count += 1
    else:
        from narcwatch.render.tables import console, table

        rows = [r.row() for r in records]
        count = len(rows)
        headers = list(columns or (rows[0] if rows else ()))
        view = table(*headers, title=title)
        for row in rows:
            view.add_row(*("" if row.get(h) is None else str(row.get(h)) for h in headers))
        console(stream).print(view)
    stream.flush()
    return count
