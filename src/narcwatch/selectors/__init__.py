"""Selectors: validated, normalized identifiers of who is behind an offer.

    from narcwatch.selectors import extract
    extract("BTC: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4, tg @shop")

Families live in their own modules (``crypto``, ``messaging``, ``contact``, ``web``,
``pgp``, ``payments``) and register through :func:`register_extractor`, as plugins do.
Overlaps are settled here: a weak selector (URL, domain) inside or around a strong one is
dropped, except the URL around an onion address, which says which page it was.
"""

from __future__ import annotations

from bisect import bisect_left

from narcwatch.model import SelectorHit
from narcwatch.selectors.registry import Candidate, extractors, register_extractor

__all__ = ["Candidate", "extract", "extractors", "register_extractor"]

_KEEP_AROUND = frozenset({"onion", "onion-v2", "i2p"})


def _settle(found: list[Candidate]) -> list[Candidate]:
    """Resolve overlaps in one sweep (documents with link lists have dozens of selectors)."""
    found.sort(key=lambda c: (c.start, c.start - c.end))
    # Strong selectors: the longest wins where two overlap (sorted longest-first per start).
    strong: list[Candidate] = []
    for c in found:
        if c.strength == "strong" and (not strong or c.start >= strong[-1].end):
            strong.append(c)
    starts = [c.start for c in strong]
    containers = [c for c in found if c.type in ("url", "email")]

    def strong_overlapping(c: Candidate) -> list[Candidate]:
        i = bisect_left(starts, c.end)  # strong ones starting before c ends
        out = []
        while i > 0 and strong[i - 1].end > c.start:
            out.append(strong[i - 1])
            i -= 1
        return out

    kept: list[Candidate] = []
    for c in found:
        if c.strength == "strong":
            if c not in strong:
                continue
        else:
            clash = strong_overlapping(c)
            around_onion = c.type == "url" and all(s.type in _KEEP_AROUND for s in clash)
            if clash and not around_onion:
                continue
            if c.type == "domain" and any(k.start < c.end and c.start < k.end for k in containers):
                continue
        if kept and kept[-1].type == c.type and kept[-1].start == c.start:
            continue
        kept.append(c)
    return kept


def extract(text: str, *, region: str | None = None) -> list[SelectorHit]:
    """Every selector in ``text``, validated and normalized, in text order."""
    if not text:
        return []
    low = text.lower()
    found: list[Candidate] = []
    for spec in extractors().values():
        if spec.triggers is not None and not any(t in low for t in spec.triggers):
            continue
        found.extend(spec.func(text, region))
    return [
        SelectorHit(
            type=c.type,
            value=c.value,
            matched=text[c.start : c.end],
            span=(c.start, c.end),
            strength=c.strength,
        )
        for c in _settle(found)
    ]
