"""Render a :class:`~narcwatch.store.report.Report` as a terminal table, JSON or Markdown."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console

from narcwatch.render.tables import WIDE
from narcwatch.render.tables import table as folding_table
from narcwatch.results.report import Report

REPORT_FORMATS = ("table", "json", "markdown")

Section = tuple[str, Sequence[str], list[Sequence[Any]]]


def _sections(r: Report) -> list[Section]:
    t = r.totals
    return [
        (
            "Totals",
            ("documents", "versions", "offers", "platforms", "substances", "selectors"),
            [(t.documents, t.versions, t.offers, t.platforms, t.substances, t.selectors)],
        ),
        (
            "By platform",
            ("platform", "documents", "offers"),
            [(p.platform or "-", p.documents, p.offers) for p in r.by_platform],
        ),
        (
            "By day published (dated documents)",
            ("published", "documents", "offers"),
            [(d.day, d.documents, d.offers) for d in r.by_published_day],
        ),
        (
            "By day stored",
            ("stored", "documents", "offers"),
            [(d.day, d.documents, d.offers) for d in r.by_stored_day],
        ),
        (
            "Top substances",
            ("id", "name", "documents", "offers"),
            [(s.id, s.name, s.documents, s.offers) for s in r.top_substances],
        ),
        (
            "Top selectors",
            ("type", "value", "documents", "platforms"),
            [(s.type, s.value, s.documents, s.platforms) for s in r.top_selectors],
        ),
    ]


def _table(r: Report, width: int = WIDE) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False, color_system=None)
    for title, header, rows in _sections(r):
        table = folding_table(*header, title=title, title_justify="left")
        for row in rows:
            table.add_row(*(str(c) for c in row))
        console.print(table)
    return buf.getvalue()


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown(r: Report) -> str:
    out = ["# narcwatch report", ""]
    for title, header, rows in _sections(r):
        out += [f"## {title}", "", "| " + " | ".join(header) + " |"]
        out.append("|" + "|".join("---" for _ in header) + "|")
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


_RENDERERS: dict[str, Callable[[Report], str]] = {
    "json": lambda r: r.model_dump_json(indent=2) + "\n",
    "markdown": _markdown,
}


def render_report(report: Report, fmt: str, *, width: int = WIDE) -> str:
    """``report`` as ``fmt``; a table is laid out ``width`` columns wide (the terminal's,
    from :func:`~narcwatch.render.tables.output_width`) and never cuts a value."""
    if fmt == "table":
        return _table(report, width)
    return _RENDERERS[fmt](report)
