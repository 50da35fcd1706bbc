"""Known market, exchange, service and documentation selectors, from the knowledge base
(``kb/data/market_selectors.yaml``), as the link keys the linker compares with."""

from __future__ import annotations

from functools import cache

from narcwatch.link.keys import LinkKey


@cache
def known_market_keys() -> frozenset[LinkKey]:
    from narcwatch.kb.loader import default_kb
    from narcwatch.selectors import extract

    keys = set()
    for entry in default_kb().market_selectors:
        # The extractor normalizes the value exactly as it does in scanned documents.
        for hit in extract(entry.value):
            if hit.type == entry.type:
                keys.add(LinkKey(hit.type, hit.value))
    return frozenset(keys)


def known_market_entry(key: LinkKey) -> str | None:
    """Who a known selector belongs to (for reports), or None."""
    from narcwatch.kb.loader import default_kb
    from narcwatch.selectors import extract

    for entry in default_kb().market_selectors:
        if entry.type == key.type and any(h.value == key.value for h in extract(entry.value)):
            return f"{entry.owner} ({entry.role})"
    return None
