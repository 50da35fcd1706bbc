"""Dashboards: drug offers a day per substance, platform and country, substances seen
for the first time and prices per gram, as SVG drawn on the server and as CSV (the page's
script makes the PNG), optionally of one substance family and control status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from narcwatch.jobs.market import first_seen_csv, first_seen_job, gram_prices, gram_prices_csv
from narcwatch.jobs.review import CONTROLS, families_stored, offers_csv, offers_over_time
from narcwatch.results.review import OfferSeries
from narcwatch.web.base import WebRoute, state, user
from narcwatch.web.charts import stacked_bars
from narcwatch.web.market_charts import first_seen_chart, price_chart
from narcwatch.web.session import WebUser
from narcwatch.web.views import render, secure

router = APIRouter(route_class=WebRoute)
Me = Annotated[WebUser, Depends(user)]
By = Annotated[str, Path(pattern=r"^(substance|platform|country)$")]
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
    for by in ("substance", "platform", "country"):
        series = _series(request, who, by, family, control)
        charts.append((series, stacked_bars(series)))
    ctx, vis = state(request).ctx, who.caller.visibility
    new = first_seen_job(ctx, family=family or None, control=control or None, visibility=vis)
    prices = gram_prices(ctx, family=family or None, control=control or None, visibility=vis)
    return render(request, "dashboard.html", user=who, nav="dashboard", charts=charts,
                  first_seen=(new, first_seen_chart(new)), prices=(prices, price_chart(prices)),
                  families=families_stored(ctx, visibility=vis), controls=CONTROLS,
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


Market = Annotated[str, Path(pattern=r"^(first-seen|price-per-gram)$")]
Kind = Annotated[str, Path(pattern=r"^(csv|svg)$")]


@router.get("/dashboard/{chart}.{kind}")
def market_chart(
    request: Request,
    who: Me,
    chart: Market,
    kind: Kind,
    family: Family = None,
    control: Control = None,
) -> Response:
    """Substances seen for the first time, or prices per gram, as CSV or SVG."""
    ctx, f, c, vis = state(request).ctx, family or None, control or None, who.caller.visibility
    if chart == "first-seen":
        new = first_seen_job(ctx, family=f, control=c, visibility=vis)
        body, media = (first_seen_csv(new), "text/csv") if kind == "csv" else (
            str(first_seen_chart(new)), "image/svg+xml")  # fmt: skip
    else:
        prices = gram_prices(ctx, family=f, control=c, visibility=vis)
        body, media = (gram_prices_csv(prices), "text/csv") if kind == "csv" else (
            str(price_chart(prices)), "image/svg+xml")  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="{chart}.{kind}"'}
    return secure(Response(body, media_type=media, headers=headers))
