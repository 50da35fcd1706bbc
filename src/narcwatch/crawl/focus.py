"""Focused crawling: follow the links most likely to lead to drug offers first.

A link's priority mixes what its anchor text and URL say (substance names and sale cues,
found by the knowledge base's own matchers: no word list here) with how much its parent
page looked like an offer (the scan pipeline's ``offer_score`` and substances). Without
``--focus`` the priority is ``-depth``: breadth first.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from narcwatch.analyze.pipeline import Pipeline
from narcwatch.ingest.base import RawDocument
from narcwatch.model import Finding

_TOKEN_SPLIT = re.compile(r"[/_\-.?=&+%]+")
LINK_WEIGHT = 0.6
PARENT_WEIGHT = 0.4
DEPTH_PENALTY = 0.01


def url_words(url: str) -> str:
    """The words of a URL's path and query (``/shop/buy-mdma?x=1`` -> ``shop buy mdma x 1``)."""
    parts = urlsplit(url)
    return " ".join(t for t in _TOKEN_SPLIT.split(unquote(parts.path + " " + parts.query)) if t)


def parent_score(finding: Finding | None) -> float:
    if finding is None:
        return 0.0
    return max(finding.offer_score, 0.5 if finding.substances else 0.0)


class LinkScorer:
    """Scores links with the substances matcher (built once)."""

    def __init__(self) -> None:
        self._pipeline = Pipeline(("normalize", "substances"))

    def link_score(self, text: str, url: str) -> float:
        words = f"{text} {url_words(url)}".strip()
        if not words:
            return 0.0
        doc = self._pipeline.analyze(RawDocument(text=words, source="link", location="", raw=b""))
        cues = doc.features.get("cues") or []
        positive = sum(1 for kind, *_ in cues if kind not in ("negative", "use"))
        negative = sum(1 for kind, *_ in cues if kind in ("negative", "use"))
        score = 0.5 * min(len(doc.substances), 2) + 0.25 * positive - 0.25 * negative
        return max(0.0, min(1.0, score))

    def priority(self, text: str, url: str, depth: int, parent: Finding | None) -> float:
        link = self.link_score(text, url)
        return LINK_WEIGHT * link + PARENT_WEIGHT * parent_score(parent) - DEPTH_PENALTY * depth


def breadth_first(depth: int) -> float:
    return -float(depth)
