"""Dashboards: drug offers a day per substance and per platform, as SVG drawn on the
server and as CSV (the page's script makes the PNG), optionally of one substance family
and control status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from narcwatch.jobs.review import CONTROLS, families_stored, offers_csv, offers_over_time
from narcwatch.results.review import OfferSeries
from narcwatch.web.base import WebRoute, state, user
from narcwatch.web.charts import stacked_bars
from narcwatch.web.session import WebUser
from narcwatch.web.views import render, secure

router = APIRouter(route_class=WebRoute)
Me = Annotated[WebUser, Depends(user)]
By = Annotated[str, Path(pattern=r"^(substance|platform)$")]
Family = Annotated[str | None, Query(max_length=64)]
Control = Annotated[str | None, Query(pattern=r"^(1961|1971|1988|national|none)?$")]


def _series(request: Request, who: WebUser, by: str, family: str | None,
            control: str | None) -> OfferSeries:  # fmt: skip
    return offers_over_time(state(request).ctx, by, visibility=who.caller.visibility,
                            family=family or None, control=control or None)  # fmt: skip


@router.get("/dashboard")
def dashboard(
    request: Request, who: Me, family: Family = None, control: Control = None
) -> Response:
    charts = []
    for by in ("substance", "platform"):
        series = _series(request, who, by, family, control)
        charts.append((series, stacked_bars(series)))
    return render(request, "dashboard.html", user=who, nav="dashboard", charts=charts,
                  families=families_stored(state(request).ctx), controls=CONTROLS,
                  family=family or "", control=control or "")  # fmt: skip


@router.get("/dashboard/offers-by-{by}.csv")
def chart_csv(
    request: Request, who: Me, by: By, family: Family = None, control: Control = None
) -> Response:
    series = _series(request, who, by, family, control)
    headers = {"Content-Disposition": f'attachment; filename="offers-by-{by}.csv"'}
    return secure(Response(offers_csv(series), media_type="text/csv", headers=headers))


@router.get("/dashboard/offers-by-{by}.svg")
def chart_svg(
    request: Request, who: Me, by: By, family: Family = None, control: Control = None
) -> Response:
    series = _series(request, who, by, family, control)
    headers = {"Content-Disposition": f'attachment; filename="offers-by-{by}.svg"'}
    svg = str(stacked_bars(series))
    return secure(Response(svg, media_type="image/svg+xml", headers=headers))
