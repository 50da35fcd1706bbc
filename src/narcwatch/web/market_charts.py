"""The market dashboards' charts as SVG drawn on the server, like :mod:`charts` (escaped
with ``Markup.format``: a substance or market name can never become markup): substances
by the day they were first seen, and the median price per gram per substance and market."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from narcwatch.results.market import FirstSeenList, GramPrice, GramPrices
from narcwatch.web.charts import PALETTE, _clip

__all__ = ["first_seen_chart", "price_chart"]

_FONT = Markup('font-family="system-ui, sans-serif" font-size="12"')
_ROW = 22


def _open(width: int, height: int, slug: str, title: str) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-labelledby="chart-title-{s}" class="chart" {font}>'
        '<rect width="{w}" height="{h}" fill="#fff"/>'
        '<title id="chart-title-{s}">{t}</title>'
    ).format(w=width, h=height, s=slug, t=title, font=_FONT)


def _empty(width: int, text: str) -> Markup:
    return Markup('<text x="{x}" y="30" text-anchor="middle" fill="#333">{t}</text></svg>').format(
        x=width / 2, t=text
    )


def first_seen_chart(data: FirstSeenList, *, width: int = 900) -> Markup:
    """One row per substance, newest first: a dot at the day it was first seen."""
    left, right, top = 230, 110, 28
    items = data.items
    height = top + _ROW * max(len(items), 1) + 16
    parts = [_open(width, height, "first-seen", "Substances by the day first seen")]
    if not items:
        return parts[0] + _empty(width, "No substance stored yet")
    days = [date.fromisoformat(i.first_day[:10]) for i in items]
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 1)
    plot = width - left - right
    for x, label in ((float(left), lo), (float(left + plot), hi)):
        parts.append(Markup(
            '<text x="{x}" y="16" text-anchor="middle" fill="#333">{d}</text>'
            '<line x1="{x}" x2="{x}" y1="20" y2="{b}" stroke="#d0d4da"/>'
        ).format(x=x, d=label.isoformat(), b=height - 8))  # fmt: skip
    for n, (item, day) in enumerate(zip(items, days, strict=True)):
        y = top + _ROW * n + _ROW / 2
        x = left + plot * (day - lo).days / span
        parts.append(Markup(
            '<text x="{lx}" y="{ty:.1f}" text-anchor="end" fill="#222">{name}</text>'
            '<line x1="{l}" x2="{r}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eceef1"/>'
            '<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{c}"><title>{name}: first seen '
            "{day}, {k} documents</title></circle>"
            '<text x="{tx:.1f}" y="{ty:.1f}" fill="#333">{day}</text>'
        ).format(lx=left - 10, ty=y + 4, name=_clip(item.name, 30), l=left, r=left + plot,
                 y=y, x=x, c=PALETTE[0], day=item.first_day, k=item.documents,
                 tx=x + 10))  # fmt: skip
    return Markup("").join(parts) + Markup("</svg>")


def price_chart(data: GramPrices, *, width: int = 900) -> Markup:
    """One bar per substance and market, grouped by currency under a heading: the
    median price per gram, scaled within its currency (never converted)."""
    left, right, top = 300, 190, 30
    groups: dict[str, list[GramPrice]] = {}
    for i in data.items:
        groups.setdefault(i.currency, []).append(i)
    rows = len(data.items) + len(groups)
    height = top + _ROW * max(rows, 1) + 12
    title = (f"Median price per gram: {data.with_both} of {data.offers} drug offers had a "
             f"price and a mass quantity, {data.priced} gave a price per gram")  # fmt: skip
    parts = [_open(width, height, "price-per-gram", title)]
    parts.append(Markup('<text x="8" y="16" fill="#222">{t}</text>').format(t=title))
    if not data.items:
        return Markup("").join(parts) + _empty(width, "No price per gram in the stored offers")
    plot = width - left - right
    y = top
    for n, (currency, items) in enumerate(sorted(groups.items())):
        colour = PALETTE[n % len(PALETTE)]
        parts.append(Markup(
            '<text x="8" y="{ty}" fill="#222" font-weight="bold">{c} (scale: up to {p} {c}/g)'
            '</text><line x1="{l}" x2="{r}" y1="{ly}" y2="{ly}" stroke="#d0d4da"/>'
        ).format(ty=y + 15, c=currency, p=_money(max(i.per_gram for i in items)), l=left,
                 r=left + plot, ly=y + _ROW - 2))  # fmt: skip
        y += _ROW
        peak = max(i.per_gram for i in items) or 1.0
        for i in sorted(items, key=lambda i: (-i.per_gram, i.substance, i.market)):
            w = max(plot * i.per_gram / peak, 1.0)
            label = f"{_money(i.per_gram)} {i.currency}/g · n={i.findings}"
            parts.append(Markup(
                '<text x="{lx}" y="{ty}" text-anchor="end" fill="#222">{s} · {m}</text>'
                '<rect x="{l}" y="{y}" width="{w:.1f}" height="{h}" fill="{c}"><title>{s} on '
                "{m}: {v} (from {lo} to {hi})</title></rect>"
                '<text x="{vx:.1f}" y="{ty}" fill="#222">{v}</text>'
            ).format(lx=left - 10, ty=y + 15, s=_clip(i.substance, 24), m=_clip(i.market, 16),
                     l=left, y=y + 3, w=w, h=_ROW - 6, c=colour, v=label, lo=_money(i.low),
                     hi=_money(i.high), vx=left + w + 6))  # fmt: skip
            y += _ROW
    return Markup("").join(parts) + Markup("</svg>")


def _money(value: float) -> str:
    """Two decimals from 1 up, three significant digits below (0.0031 BTC)."""
    return f"{value:,.2f}" if value >= 1 else f"{value:.3g}"
