"""The one object every pipeline component reads and writes.

Components never talk to each other directly: each reads attributes that an earlier
component set (its ``requires``) and sets its own (its ``sets``); keys of ``features`` are
declared as ``features.<key>`` (checked in check mode: :mod:`narcwatch.analyze.checked`).
``Doc.to_finding`` turns the result into the :class:`~narcwatch.model.Finding` every
front door renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from narcwatch.analyze.offsets import OffsetMap
from narcwatch.ingest.base import RawDocument
from narcwatch.model import DocumentMeta, Finding, Price, Quantity, SelectorHit, SubstanceHit


@dataclass(slots=True)
class NormalizedText:
    """A normalized view of ``Doc.text`` that still knows where each character came from.

    ``text`` is what matchers scan. ``origin`` maps each normalized character back to the
    original text (:class:`~narcwatch.analyze.offsets.OffsetMap`); it is ``None`` when
    normalization kept every position (the common, fast case), so spans are identical.
    """

    text: str
    origin: OffsetMap | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` to a span of the original text."""
        if self.origin is None:
            return start, end
        o = self.origin
        if end <= start:
            return o(start), o(start)
        # end-1 is the last normalized char inside the span; its original index + 1 closes it.
        return o(start), o(end - 1) + 1


def analysed_text(raw: RawDocument) -> str:
    """The text the components read: the record's title, a blank line, then its text.

    A listing's title often names what is sold ("Xanax 2mg bars x 100") while its
    description only praises it, and a mail's subject is its offer. The title is left out
    when the text already begins with it (market dumps often repeat it)."""
    title = (raw.title or "").strip()
    if not title or title in raw.text[: len(title) + 200]:
        return raw.text
    return f"{title}\n\n{raw.text}"


@dataclass(slots=True)
class Doc:
    raw: RawDocument
    text: str
    norm: NormalizedText | None = None
    lang: str | None = None
    substances: list[SubstanceHit] = field(default_factory=list)
    selectors: list[SelectorHit] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    prices: list[Price] = field(default_factory=list)
    offer_score: float = 0.0
    offer: bool = False
    risk: float = 0.0
    reasons: list[str] = field(default_factory=list)
    # Evidence components share without a dedicated attribute, each key declared by the
    # components that write and read it as "features.<key>" (e.g. "features.cues").
    features: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_raw(cls, raw: RawDocument) -> Doc:
        return cls(raw=raw, text=analysed_text(raw))

    def to_finding(self, *, include_text: bool = False) -> Finding:
        r = self.raw
        meta = DocumentMeta(
            id=r.sha256,
            source_id=r.source_id,
            source=r.source,
            location=r.location,
            url=r.url,
            title=r.title,
            platform=r.platform,
            author=r.author,
            published=r.published,
            lang=self.lang,
            text=self.text if include_text else None,
            fields=dict(r.fields) or None,
        )
        return Finding(
            doc=meta,
            offer=self.offer,
            offer_score=round(min(1.0, max(0.0, self.offer_score)), 4),
            offer_kind=self.features.get("offer_kind"),
            substances=self.substances,
            selectors=self.selectors,
            quantities=self.quantities,
            prices=self.prices,
            risk=round(min(1.0, max(0.0, self.risk)), 4),
            reasons=self.reasons,
            omitted={k: v for k, v in self.features.get("omitted", {}).items() if v} or None,
        )
