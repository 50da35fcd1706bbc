"""The ``selectors`` component: validated identifiers (wallets, handles, phones, e-mail,
onions, PGP keys, IBANs) and, when the input names one, the vendor as a weak selector."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.registry import register_component
from narcwatch.model import SelectorHit
from narcwatch.selectors import extract


def vendor_selector(doc: Doc) -> SelectorHit | None:
    """The author/vendor field as a weak selector; its span is where the text names it,
    else [0, 0] (the name came from a field, not the text)."""
    author = (doc.raw.author or "").strip()
    if not author:
        return None
    pos = doc.text.find(author)
    span = (pos, pos + len(author)) if pos >= 0 else (0, 0)
    return SelectorHit(
        type="vendor",
        value=author.casefold(),
        matched=author if pos >= 0 else "",
        span=span,
        strength="weak",
    )


@register_component(
    "selectors",
    requires=("text",),
    sets=("selectors",),
    description="Wallets, messenger handles, phones (config: region), e-mail, onion/I2P, "
    "URLs, PGP keys and IBANs, each validated; the vendor field as a weak selector.",
)
def make_selectors(config: Mapping[str, Any]) -> Any:
    region = config.get("region")

    def selectors(doc: Doc) -> None:
        hits = extract(doc.text, region=region)
        vendor = vendor_selector(doc)
        if vendor is not None:
            hits.append(vendor)
        doc.selectors = hits

    return selectors
