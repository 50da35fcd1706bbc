"""Outgoing links of an HTML page (``<a href>``, ``<area href>``), with their anchor text."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from narcwatch.crawl.scope import canonicalize


def extract_links(html: str, base_url: str, limit: int = 2000) -> list[tuple[str, str]]:
    """(canonical URL, anchor text) pairs, first occurrence kept, ``<base href>`` honoured."""
    tree = LexborHTMLParser(html)
    base = tree.css_first("base[href]")
    if base is not None:
        base_url = canonicalize(base.attributes.get("href") or "", base_url) or base_url
    seen: dict[str, str] = {}
    for node in tree.css("a[href], area[href]"):
        if node.attributes.get("rel") == "nofollow":
            continue
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        url = canonicalize(href, base_url)
        if url is None or url in seen:
            continue
        seen[url] = " ".join(node.text(separator=" ").split())[:300]
        if len(seen) >= limit:
            break
    return list(seen.items())
