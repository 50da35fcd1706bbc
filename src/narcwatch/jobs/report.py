"""The report job: what the store holds, summarised (``narcwatch report``)."""

from __future__ import annotations

from narcwatch.jobs.context import Context
from narcwatch.results.report import Report
from narcwatch.store.report import build_report
from narcwatch.store.visibility import Visibility


def report_job(ctx: Context, *, top: int = 10, visibility: Visibility | None = None) -> Report:
    """Documents and offers by platform and day, top substances and selectors."""
    with ctx.open_store() as store:
        return build_report(store, top=top, visibility=visibility)
