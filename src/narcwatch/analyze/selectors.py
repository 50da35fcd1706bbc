"""The ``selectors`` component: validated identifiers (wallets, handles, phones, e-mail,
onions, PGP keys, IBANs) and, when the input names one, the vendor as a weak selector.

Config (``Pipeline(config={"selectors": {...}})``; the CLI's ``--region`` sets it):
``region``, the ISO 3166 country whose national phone numbers count (without it only
numbers written with their country code do).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.registry import ComponentFunc, register_component
from narcwatch.kb import KnowledgeBase
from narcwatch.model import SelectorHit
from narcwatch.selectors import ExtractOptions, extract


def vendor_selector(doc: Doc) -> SelectorHit | None:
    """The author/vendor field as a weak selector (value casefolded, ``field: "author"``).
    Its span is where the text names it (case-insensitively); when the text does not, the
    span is null and ``matched`` is the field as written."""
    author = (doc.raw.author or "").strip()
    if not author:
        return None
    pos = doc.text.find(author)
    if pos < 0:
        low = doc.text.lower()
        # Case-insensitive only when lower-casing keeps offsets ("İ" would shift them).
        if len(low) == len(doc.text):
            pos = low.find(author.lower())
    if pos < 0:
        return SelectorHit(
            type="vendor", value=author.casefold(), matched=author, span=None, spans=[],
            strength="weak", field="author",
        )  # fmt: skip
    span = (pos, pos + len(author))
    return SelectorHit(
        type="vendor", value=author.casefold(), matched=doc.text[span[0] : span[1]],
        span=span, spans=[span], strength="weak", field="author",
    )  # fmt: skip


def _text_order(hit: SelectorHit) -> tuple[int, int]:
    # A value taken from a field alone goes after those the text gives.
    return hit.span if hit.span is not None else (1 << 62, 0)


@register_component(
    "selectors",
    requires=("raw", "text"),
    sets=("selectors", "features.omitted"),
    description="Wallets, messenger handles, phones (config: region), e-mail, onion/I2P, "
    "URLs, PGP keys and IBANs, each validated; the vendor field as a weak selector.",
)
def make_selectors(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
    region = config.get("region")
    options = ExtractOptions.from_kb(kb, str(region).upper() if region else None)

    def selectors(doc: Doc) -> None:
        hits = extract(doc.text, options=options, omitted=doc.features.setdefault("omitted", {}))
        vendor = vendor_selector(doc)
        if vendor is not None:
            hits.append(vendor)
            hits.sort(key=_text_order)  # stable: text order kept for equal spans
        doc.selectors = hits

    return selectors
