"""Charts and graphs drawn on the server as SVG (no JavaScript library, nothing loaded
from elsewhere): offers a day as stacked bars, and an actor's documents and selectors as
a radial graph. The markup is built with Jinja's escaping (``Markup.format``), so a
substance, platform or vendor name can never become markup.

The actor graph is made interactive by our own ``static/graph.js`` (pan, zoom, select a
node to highlight its neighbours and show its details, all by mouse or keyboard) from
the ``data-`` attributes written here: each node names itself (``data-node``) and each
edge its two ends (``data-a``, ``data-b``). Without script it stays a static drawing
whose document nodes are links.
"""

from __future__ import annotations

import math

from markupsafe import Markup

from narcwatch.results.actors import ActorDetail
from narcwatch.results.review import OfferSeries

__all__ = ["PALETTE", "actor_graph", "stacked_bars"]

# Okabe-Ito: told apart with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def stacked_bars(series: OfferSeries, *, width: int = 900, height: int = 320) -> Markup:
    """Offers a day, one stacked bar per day, one colour per substance or platform."""
    left, right, top, bottom = 48, 170, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    counts = {(p.day, p.key): p.offers for p in series.points}
    totals = [sum(counts.get((d, k), 0) for k in series.keys) for d in series.days]
    peak = max(totals, default=0) or 1
    step = _nice_step(peak)
    ymax = step * math.ceil(peak / step)
    label = f"Drug offers a day by {series.by}"
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
            'role="img" aria-labelledby="chart-title-{by}" class="chart" {font}>'
            '<title id="chart-title-{by}">{label}</title>'
        ).format(w=width, h=height, by=series.by, label=label, font=Markup(_FONT))
    ]
    for i in range(int(ymax / step) + 1):
        y = top + plot_h - plot_h * (i * step) / ymax
        parts.append(
            Markup(
                '<line x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d4da"/>'
                '<text x="{tx}" y="{ty:.1f}" text-anchor="end" fill="#333">{v}</text>'
            ).format(x1=left, x2=left + plot_w, y=y, tx=left - 6, ty=y + 4, v=i * step)
        )
    slot = plot_w / max(len(series.days), 1)
    bar = min(48.0, slot * 0.7)
    for i, day in enumerate(series.days):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        for j, key in enumerate(series.keys):
            n = counts.get((day, key), 0)
            if not n:
                continue
            h = plot_h * n / ymax
            y -= h
            parts.append(
                Markup(
                    '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{c}">'
                    "<title>{day} · {key}: {n}</title></rect>"
                ).format(x=x, y=y, w=bar, h=h, c=PALETTE[j % len(PALETTE)], day=day, key=key, n=n)
            )
        parts.append(
            Markup(
                '<text x="{x:.1f}" y="{y}" text-anchor="end" fill="#333" '
                'transform="rotate(-35 {x:.1f} {y})">{day}</text>'
            ).format(x=x + bar / 2, y=top + plot_h + 16, day=day)
        )
    for j, key in enumerate(series.keys):
        y = top + 8 + 20 * j
        parts.append(
            Markup(
                '<rect x="{x}" y="{y}" width="12" height="12" fill="{c}"/>'
                '<text x="{tx}" y="{ty}" fill="#222">{key}</text>'
            ).format(
                x=width - right + 16,
                y=y,
                c=PALETTE[j % len(PALETTE)],
                tx=width - right + 34,
                ty=y + 11,
                key=_clip(key, 20),
            )
        )
    if not series.days:
        parts.append(
            Markup(
                '<text x="{x}" y="{y}" text-anchor="middle" fill="#333">'
                "No drug offers stored yet</text>"
            ).format(x=left + plot_w / 2, y=top + plot_h / 2)
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def actor_graph(actor: ActorDetail, *, size: int = 560, max_docs: int = 40) -> Markup:
    """The actor's documents (circles) and every selector found in them (squares; the
    ones that link documents in orange, the others in grey), an edge where a selector
    appears in a document. One document sits in the middle with its selectors around
    it; several sit on the outer ring around their selectors. Nodes link to pages."""
    c = size / 2
    items = actor.items[:max_docs]
    linking = {link.label for link in actor.links}
    selectors: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        for sel in item.selectors:
            selectors.setdefault(f"{sel.type}:{sel.value}", []).append(i)
    labels = sorted(selectors, key=lambda k: (k not in linking, k))[:60]
    if len(items) == 1:
        doc_pos, sel_pos = [(c, c)], _ring(len(labels), c * 0.62, c, c)
    else:
        doc_pos = _ring(len(items), c * 0.82, c, c)
        sel_pos = _ring(len(labels), c * 0.42 if len(labels) > 1 else 0.0, c, c)
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" width="{s}" '
            'height="{s}" role="group" aria-labelledby="graph-title" class="graph" {font}>'
            '<title id="graph-title">Actor {id}: {n} documents, {k} selectors</title>'
            '<g class="viewport">'
        ).format(s=size, id=actor.id, n=len(actor.documents), k=len(selectors), font=Markup(_FONT))
    ]
    for j, label in enumerate(labels):
        sx, sy = sel_pos[j]
        for i in selectors[label]:
            dx, dy = doc_pos[i]
            parts.append(
                Markup(
                    '<line class="edge" data-a="s{j}" data-b="d{i}" x1="{a:.1f}" y1="{b:.1f}" '
                    'x2="{x:.1f}" y2="{y:.1f}" stroke="#9aa3ad"/>'
                ).format(a=sx, b=sy, x=dx, y=dy, i=i, j=j)
            )
    for i, item in enumerate(items):
        x, y = doc_pos[i]
        parts.append(
            Markup(
                '<a href="/documents/{d}" class="node" data-node="d{i}" data-kind="document" '
                'aria-label="document {short} ({src})">'
                '<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#0072B2">'
                "<title>document {short} ({src})</title></circle></a>"
            ).format(d=item.doc_id, short=item.doc_id[:12], src=item.source, x=x, y=y, i=i)
        )
    for j, label in enumerate(labels):
        x, y = sel_pos[j]
        colour = "#D55E00" if label in linking else "#6b7682"
        below = y > c + 1  # labels outside the ring, away from the edges
        parts.append(
            Markup(
                '<g class="node" data-node="s{j}" data-kind="{kind}" tabindex="0" '
                'role="button" aria-label="selector {label}">'
                '<rect x="{rx:.1f}" y="{ry:.1f}" width="14" height="14" fill="{col}">'
                "<title>{label}</title></rect>"
                '<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="middle" fill="#222">'
                "{short}</text></g>"
            ).format(
                j=j,
                kind="linking selector" if label in linking else "selector",
                rx=x - 7,
                ry=y - 7,
                col=colour,
                label=label,
                tx=x,
                ty=y + 22 if below else y - 11,
                short=_clip(label, 28),
            )
        )
    parts.append(Markup("</g></svg>"))
    return Markup("").join(parts)


def _ring(n: int, radius: float, cx: float, cy: float) -> list[tuple[float, float]]:
    if n == 1 and radius == 0:
        return [(cx, cy)]
    return [
        (cx + radius * math.cos(2 * math.pi * i / n - math.pi / 2),
         cy + radius * math.sin(2 * math.pi * i / n - math.pi / 2))
        for i in range(n)
    ]  # fmt: skip


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if peak / step <= 6:
            return step
    return 10 ** len(str(peak))


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
