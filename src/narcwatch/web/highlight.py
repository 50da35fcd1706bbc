"""The document view's highlights: a finding's spans cut its text into segments, each
tagged with the kinds (substance, quantity, price, selector) and labels covering it.
Spans may overlap (a word that is both a quantity and part of a price): a segment
carries every kind over it, and the page styles the first."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from narcwatch.model import Finding

__all__ = ["Segment", "segments", "spans_of"]

Span = tuple[int, int, str, str]  # start, end, kind, label


@dataclass(slots=True)
class Segment:
    text: str
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def spans_of(finding: Finding) -> list[Span]:
    """Every span of a finding with its kind and a label saying what was read there."""
    found: list[Span] = []
    for s in finding.substances:
        found.append(
            (*s.span, "substance", f"{s.name} ({', '.join(s.control) or 'not controlled'})")
        )
    for q in finding.quantities:
        amount = f"{q.count} x " if q.count else ""
        found.append((*q.span, "quantity", f"quantity {amount}{q.amount:g} {q.unit}"))
    for p in finding.prices:
        per = f" per {p.per}" if p.per else ""
        found.append((*p.span, "price", f"price {p.amount:g} {p.currency}{per}"))
    for sel in finding.selectors:
        for start, end in sel.spans:  # a vendor from the author field has none
            found.append((start, end, "selector", f"{sel.type}: {sel.value} ({sel.strength})"))
    return found


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """``text`` cut at every span boundary; spans outside the text are ignored."""
    n = len(text)
    valid = [(a, b, k, lab) for a, b, k, lab in spans if 0 <= a < b <= n]
    cuts = sorted({0, n, *(a for a, *_ in valid), *(b for _, b, *_ in valid)})
    out: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        over = [(k, lab) for a, b, k, lab in valid if a <= start and end <= b]
        out.append(Segment(text[start:end], [k for k, _ in over], [lab for _, lab in over]))
    return out
