"""The ``language`` component: the document's language as an ISO 639-1 code, or None.

Fast enough for the scan budget (~30 µs per KB): non-Latin scripts decide on their own
(with marker letters between languages that share a script: Ukrainian vs Russian, Persian
vs Arabic; kana before Han for Japanese), Latin-script text by counting each language's
frequent function words from ``languages.yaml``. Too little evidence gives None rather than
a guess: a two-word listing title has no language worth reporting.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from narcwatch import _native
from narcwatch.analyze.doc import Doc
from narcwatch.analyze.registry import ComponentFunc, register_component
from narcwatch.kb import KnowledgeBase, default_kb

SAMPLE_CHARS = 800  # the language of a page shows in its first paragraphs
MIN_HITS = 2
_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")


class LanguageDetector:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.stopwords: dict[str, tuple[str, ...]] = {}
        by_word: dict[str, list[str]] = {}
        script_langs: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for lang in kb.languages:
            for w in lang.stopwords:
                by_word.setdefault(w.casefold(), []).append(lang.code)
            for rng in lang.scripts:
                script_langs.setdefault(rng, []).append((lang.code, frozenset(lang.markers)))
        self.stopwords = {w: tuple(c) for w, c in by_word.items()}
        # One regex per script range; languages sharing it are told apart by markers.
        self.scripts = [
            (re.compile(f"[\\u{lo.lower():0>4}-\\u{hi.lower():0>4}]"), langs)
            for rng, langs in script_langs.items()
            for lo, hi in [rng.split("-")]
        ]

        ranges = "".join(p.pattern[1:-1] for p, _ in self.scripts)
        self.any_script = re.compile(f"[{ranges}]" if ranges else r"(?!)")

    def __call__(self, text: str) -> str | None:
        sample = text[:SAMPLE_CHARS]
        if not sample.isascii() and self.any_script.search(sample):
            found = self._by_script(sample)
            if found is not None:
                return found
        low = sample.lower()
        native = _native.speedups
        counts = native.stopword_counts(low, self.stopwords) if native else self.counts(low)
        return _winner(counts)

    def counts(self, low: str) -> Counter[str]:
        """How many function words of each language ``low`` (lower-cased) holds."""
        if (native := _native.speedups) is not None:
            return Counter(native.stopword_counts(low, self.stopwords))
        counts: Counter[str] = Counter()
        get = self.stopwords.get
        for w in _WORD.findall(low):
            langs = get(w)
            if langs:
                counts.update(langs)
        return counts

    def _by_script(self, sample: str) -> str | None:
        letters = len(_LETTER.findall(sample))
        if not letters:
            return None
        best: tuple[int, str | None] = (0, None)
        for pattern, langs in self.scripts:
            n = len(pattern.findall(sample))
            if n * 3 < letters or n <= best[0]:
                continue  # a few foreign letters do not make the page foreign
            chosen = langs[0][0]
            for code, markers in langs[1:]:
                if markers and any(m in sample for m in markers):
                    chosen = code
                    break
            best = (n, chosen)
        # Japanese mixes kana with Han: kana anywhere beats a Han majority.
        if best[1] == "zh" and re.search("[\u3040-\u30ff]", sample):
            return "ja"
        return best[1]


def _winner(counts: Mapping[str, int]) -> str | None:
    """The language with the most function words: None with fewer than ``MIN_HITS`` or a
    tie at the top (what ``Counter(counts).most_common(2)`` says, without the heap)."""
    if not counts:
        return None
    n = max(counts.values())
    if n < MIN_HITS:
        return None
    best = [lang for lang, c in counts.items() if c == n]
    return best[0] if len(best) == 1 else None


@lru_cache(maxsize=4)
def detector_for(kb: KnowledgeBase) -> LanguageDetector:
    """The detector of ``kb``'s languages (built once per knowledge base)."""
    return LanguageDetector(kb)


def default_detector() -> LanguageDetector:
    """The detector of the packaged knowledge base's languages."""
    return detector_for(default_kb())


@register_component(
    "language",
    requires=("text",),
    sets=("lang",),
    description="ISO 639-1 language by script and function-word counts; None when unsure.",
)
def make_language(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
    detect = detector_for(kb)

    def language(doc: Doc) -> None:
        doc.lang = detect(doc.text)

    return language
