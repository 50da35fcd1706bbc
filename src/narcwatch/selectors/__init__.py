"""Selectors: validated, normalized identifiers of who is behind an offer.

    from narcwatch.selectors import extract
    extract("BTC: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4, tg @shop")

Families live in their own modules (``crypto``, ``messaging``, ``contact``, ``web``,
``pgp``, ``payments``) and register through :func:`register_extractor`, as plugins do.
Overlaps are settled here: a weak selector (URL, domain) inside or around a strong one is
dropped, except the URL around an onion address, which says which page it was.
"""

from __future__ import annotations

from narcwatch.model import SelectorHit
from narcwatch.selectors.registry import Candidate, extractors, register_extractor

__all__ = ["Candidate", "extract", "extractors", "register_extractor"]

_KEEP_AROUND = frozenset({"onion", "onion-v2", "i2p"})


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.start < b.end and b.start < a.end


def _settle(found: list[Candidate]) -> list[Candidate]:
    found.sort(key=lambda c: (c.start, c.start - c.end))
    strong = [c for c in found if c.strength == "strong"]
    kept: list[Candidate] = []
    for c in found:
        if c.strength == "weak":
            clash = [s for s in strong if _overlaps(c, s)]
            if c.type == "url" and clash and all(s.type in _KEEP_AROUND for s in clash):
                pass
            elif clash:
                continue
            if c.type == "domain" and any(
                k.type in ("url", "email") and _overlaps(c, k) for k in found
            ):
                continue
        else:
            longer = [
                s
                for s in strong
                if s is not c and _overlaps(c, s) and (s.end - s.start) > (c.end - c.start)
            ]
            if longer:
                continue
        if any(k.type == c.type and k.start == c.start for k in kept):
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
