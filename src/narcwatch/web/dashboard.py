"""Dashboards: drug offers a day per substance and per platform, as SVG drawn on the
server and as CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from narcwatch.jobs.review import offers_csv, offers_over_time
from narcwatch.web.base import WebRoute, state, user
from narcwatch.web.charts import stacked_bars
from narcwatch.web.session import WebUser
from narcwatch.web.views import render, secure

router = APIRouter(route_class=WebRoute)
Me = Annotated[WebUser, Depends(user)]
By = Annotated[str, Path(pattern=r"^(substance|platform)$")]


@router.get("/dashboard")
def dashboard(request: Request, who: Me) -> Response:
    ctx = state(request).ctx
    charts = []
    for by in ("substance", "platform"):
        series = offers_over_time(ctx, by, visibility=who.caller.visibility)
        charts.append((series, stacked_bars(series)))
    return render(request, "dashboard.html", user=who, nav="dashboard", charts=charts)


@router.get("/dashboard/offers-by-{by}.csv")
def chart_csv(request: Request, who: Me, by: By) -> Response:
    series = offers_over_time(state(request).ctx, by, visibility=who.caller.visibility)
    headers = {"Content-Disposition": f'attachment; filename="offers-by-{by}.csv"'}
    return secure(Response(offers_csv(series), media_type="text/csv", headers=headers))


@router.get("/dashboard/offers-by-{by}.svg")
def chart_svg(request: Request, who: Me, by: By) -> Response:
    series = offers_over_time(state(request).ctx, by, visibility=who.caller.visibility)
    headers = {"Content-Disposition": f'attachment; filename="offers-by-{by}.svg"'}
    svg = str(stacked_bars(series))
    return secure(Response(svg, media_type="image/svg+xml", headers=headers))
