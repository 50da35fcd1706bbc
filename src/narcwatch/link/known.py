"""Known market, exchange, service and documentation selectors, from a knowledge base
(``kb/data/market_selectors.yaml``), as the link keys the linker compares with."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from narcwatch.link.keys import LinkKey, strong_key

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase


@lru_cache(maxsize=4)  # knowledge bases hash by identity
def known_market_selectors(kb: KnowledgeBase) -> dict[LinkKey, str]:
    """Each known selector's link key, with who it belongs to ("Binance (exchange)")."""
    from narcwatch.selectors import extract

    owners: dict[LinkKey, str] = {}
    for entry in kb.market_selectors:
        # The extractor normalizes the value exactly as it does in scanned documents.
        for hit in extract(entry.value):
            if hit.type == entry.type:
                owners.setdefault(strong_key(hit.type, hit.value), f"{entry.owner} ({entry.role})")
    return owners
