"""Jobs of the market dashboards (issue 18): substances seen for the first time and
prices per gram per substance and market. The web UI and its API routes call these::

    new = first_seen_job(ctx, family="cathinone")
    prices = gram_prices(ctx, control="1961")

How a price per gram is read from a stored drug offer (nothing is guessed beyond it):
a price written "per" a mass unit ("80€ le g") is one already; any other price is
divided by the mass quantity written nearest to it (within 80 characters; "100 x 30mg"
is 3 g, and so is "30mg, 100 pills" when a count is written near the price; a range is
skipped). The substance is the one written nearest to the price.
Currencies are never converted: each is its own row.
"""

from __future__ import annotations

import csv
import io
import statistics
from typing import Any

from narcwatch.jobs.context import Context
from narcwatch.jobs.review import substances_of
from narcwatch.results.market import FirstSeenList, GramPrice, GramPrices
from narcwatch.store.market import first_seen, offer_findings
from narcwatch.store.visibility import Visibility

__all__ = ["first_seen_csv", "first_seen_job", "gram_prices", "gram_prices_csv"]

NEAR = 80  # characters between a price and the quantity it is read with


def first_seen_job(
    ctx: Context,
    *,
    family: str | None = None,
    control: str | None = None,
    limit: int = 20,
    visibility: Visibility | None = None,
) -> FirstSeenList:
    """Substances by the day a stored document first named them, newest first (of a
    family and control status, as the queue's filters)."""
    ids = substances_of(ctx, family=family, control=control)
    with ctx.open_store() as store:
        items = first_seen(store, substances_any=ids, limit=limit, visibility=visibility)
        return FirstSeenList(items=items)


def gram_prices(
    ctx: Context,
    *,
    family: str | None = None,
    control: str | None = None,
    visibility: Visibility | None = None,
) -> GramPrices:
    """Median price per gram per substance, market and currency of the stored drug offers."""
    ids = substances_of(ctx, family=family, control=control)
    grams = {u.unit: u.to_base for u in ctx.kb.units if u.dimension == "mass" and u.to_base}
    counts = {u.unit for u in ctx.kb.units if u.dimension == "count"}
    figures: dict[tuple[str, str, str], list[float]] = {}
    offers = with_both = priced = 0
    with ctx.open_store() as store:
        for market, finding in offer_findings(store, substances_any=ids, visibility=visibility):
            offers += 1
            found = _per_gram(finding, grams, counts)
            masses = [q for q in finding.get("quantities", []) if q.get("unit") in grams]
            with_both += bool(finding.get("prices") and (masses or found))
            kept = {(s, c): v for (s, c), v in found.items() if ids is None or s in ids}
            priced += bool(kept)
            for (substance, currency), value in kept.items():
                figures.setdefault((substance, market, currency), []).append(value)
    items = [
        GramPrice(substance=s, market=m, currency=c, per_gram=round(statistics.median(v), 4),
                  low=round(min(v), 4), high=round(max(v), 4), findings=len(v))
        for (s, m, c), v in sorted(figures.items())
    ]  # fmt: skip
    return GramPrices(items=items, offers=offers, with_both=with_both, priced=priced)


def _gap(a: list[int], b: list[int]) -> int:
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def _nearest(items: list[dict[str, Any]], span: list[int]) -> dict[str, Any] | None:
    near = [(_gap(q["span"], span), i) for i, q in enumerate(items)]
    return items[min(near)[1]] if near and min(near)[0] <= NEAR else None


def _per_gram(
    finding: dict[str, Any], grams: dict[str, float], counts: set[str]
) -> dict[tuple[str, str], float]:
    """(substance, currency) -> price per gram, the first one read for each."""
    subs = finding.get("substances", [])
    units = [q for q in finding.get("quantities", []) if q.get("unit") in counts]
    masses = [q for q in finding.get("quantities", [])
              if q.get("unit") in grams and q.get("amount_max") is None]  # fmt: skip
    found: dict[tuple[str, str], float] = {}
    for price in finding.get("prices", []):
        if not subs or not price.get("amount"):
            continue
        if price.get("per") in grams:
            mass = grams[price["per"]]
        elif q := _nearest(masses, price["span"]):
            mass = q["amount"] * (q.get("count") or 1) * grams[q["unit"]]
            if not q.get("count") and (n := _nearest(units, price["span"])):
                mass *= n["amount"]  # a dose's strength and the number of doses
        else:
            continue
        if mass <= 0:
            continue
        sub = min(subs, key=lambda h: _gap(h["span"], price["span"]))["id"]
        found.setdefault((sub, price["currency"]), price["amount"] / mass)
    return found


def first_seen_csv(data: FirstSeenList) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["substance", "name", "first_day", "documents"])
    for i in data.items:
        writer.writerow([i.substance, i.name, i.first_day, i.documents])
    return out.getvalue()


def gram_prices_csv(data: GramPrices) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["substance", "market", "currency", "per_gram", "low", "high", "findings"])
    for i in data.items:
        writer.writerow([i.substance, i.market, i.currency, i.per_gram, i.low, i.high,
                         i.findings])  # fmt: skip
    return out.getvalue()
