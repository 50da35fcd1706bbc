"""Writers that render a stream of findings: jsonl (default), json, csv, table.

Each writer is registered by name (the value of ``--format``) and renders the same
:class:`~narcwatch.model.Finding`; none computes anything of its own.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.table import Table

from narcwatch.errors import UsageError
from narcwatch.model import Finding


class FindingWriter:
    """Write findings one by one; ``close`` finishes the output (it never closes the stream)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, finding: Finding) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.stream.flush()


_WRITERS: dict[str, Callable[[TextIO], FindingWriter]] = {}


def register_writer(name: str) -> Callable[[type[FindingWriter]], type[FindingWriter]]:
    def decorate(cls: type[FindingWriter]) -> type[FindingWriter]:
        _WRITERS[name] = cls
        return cls

    return decorate


def writer_names() -> list[str]:
    return sorted(_WRITERS)


def make_writer(name: str, stream: TextIO) -> FindingWriter:
    if name not in _WRITERS:
        raise UsageError(f"unknown output format {name!r}", value=name, options=writer_names())
    return _WRITERS[name](stream)


def _dumps(finding: Finding) -> str:
    return json.dumps(finding.to_json_dict(), ensure_ascii=False, separators=(",", ":"))


@register_writer("jsonl")
class JsonLinesWriter(FindingWriter):
    def write(self, finding: Finding) -> None:
        self.stream.write(_dumps(finding) + "\n")


@register_writer("json")
class JsonArrayWriter(FindingWriter):
    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._first = True
        stream.write("[")

    def write(self, finding: Finding) -> None:
        self.stream.write(("\n" if self._first else ",\n") + _dumps(finding))
        self._first = False

    def close(self) -> None:
        self.stream.write("\n]\n")
        super().close()


CSV_COLUMNS = (
    "doc_id", "source", "location", "source_id", "url", "title", "platform", "author",
    "published", "lang", "offer", "offer_score", "risk", "substances", "matched",
    "selectors", "quantities", "prices", "reasons",
)  # fmt: skip


def csv_row(f: Finding) -> dict[str, object]:
    """One flat row per document; lists joined with '; ' so spreadsheets can filter them."""
    d = f.doc
    return {
        "doc_id": d.id,
        "source": d.source,
        "location": d.location,
        "source_id": d.source_id,
        "url": d.url,
        "title": d.title,
        "platform": d.platform,
        "author": d.author,
        "published": d.published,
        "lang": d.lang,
        "offer": f.offer,
        "offer_score": f.offer_score,
        "risk": f.risk,
        "substances": "; ".join(dict.fromkeys(s.id for s in f.substances)),
        "matched": "; ".join(dict.fromkeys(s.matched for s in f.substances)),
        "selectors": "; ".join(f"{s.type}:{s.value}" for s in f.selectors),
        "quantities": "; ".join(f"{q.amount:g} {q.unit}" for q in f.quantities),
        "prices": "; ".join(f"{p.amount:g} {p.currency}" for p in f.prices),
        "reasons": "; ".join(f.reasons),
    }


@register_writer("csv")
class CsvWriter(FindingWriter):
    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._csv = csv.DictWriter(stream, fieldnames=CSV_COLUMNS)
        self._csv.writeheader()

    def write(self, finding: Finding) -> None:
        self._csv.writerow(csv_row(finding))


@register_writer("table")
class TableWriter(FindingWriter):
    """A human view: one row per document, offers first is the reader's job (sorted by risk)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._rows: list[Finding] = []

    def write(self, finding: Finding) -> None:
        self._rows.append(finding)

    def close(self) -> None:
        table = Table(title=f"narcwatch scan: {len(self._rows)} documents", show_lines=False)
        for col, kw in (
            ("document", {"overflow": "fold", "max_width": 36}),
            ("offer", {"justify": "right"}),
            ("risk", {"justify": "right"}),
            ("substances", {"overflow": "fold"}),
            ("selectors", {"overflow": "fold", "max_width": 40}),
            ("quantities / prices", {"overflow": "fold"}),
        ):
            table.add_column(col, **kw)
        for f in sorted(self._rows, key=lambda f: -f.risk):
            row = csv_row(f)
            where = f.doc.title or f.doc.url or f"{f.doc.source} {f.doc.location}"
            amounts = "; ".join(x for x in (str(row["quantities"]), str(row["prices"])) if x)
            table.add_row(
                where[:120],
                f"[bold red]{f.offer_score:.2f}[/]" if f.offer else f"{f.offer_score:.2f}",
                f"{f.risk:.2f}",
                str(row["substances"]),
                str(row["selectors"]),
                amounts,
            )
        Console(file=self.stream, width=160 if not self.stream.isatty() else None).print(table)
        super().close()
