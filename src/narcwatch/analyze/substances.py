"""The ``substances`` component: controlled substances named in the text, with their status.

Every knowledge-base name, synonym, translation, slang term and emoji code is matched in one
pass over the normalized text; valid CAS numbers are resolved too. Ambiguous terms (slang
that is also an ordinary word, emoji codes) count only with supporting context nearby:
another drug term, a sale/contact/shipping/payment cue, or a number with a unit or
currency. Cue words found on the way are shared as ``doc.features["cues"]`` for the offer
component.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from narcwatch.analyze.doc import Doc, NormalizedText
from narcwatch.analyze.normalize import default_normalizer, normalize_term
from narcwatch.analyze.offsets import identity
from narcwatch.analyze.registry import register_component
from narcwatch.kb import KnowledgeBase, Term, default_kb
from narcwatch.kb.cas import find_cas
from narcwatch.kb.matcher import TermMatcher, word_view
from narcwatch.model import SubstanceHit

# Cue kinds that support an ambiguous drug term: words of a transaction. Quality and
# listing words ("pure", "lab", "menu") are too common in ordinary text to count.
SUPPORTING_CUES = frozenset({"sale", "buy", "contact", "shipping", "payment"})
CONTEXT_WINDOW = 250  # characters either side of an ambiguous term
# An ambiguous term right next to an explicit name of another substance describes it
# ("Afghan heroin", "Fentanyl HCl") rather than naming a second one; "Gras und Hasch" is a list.
_DESCRIPTOR_GAP = re.compile(r"[\s\-–:#()]{0,3}")
_RUN = re.compile(r"([^\W\d_])\1+")
_ELONGATED = re.compile(r"(?!w)([^\W\d_])\1\1", re.IGNORECASE)  # "cocaaaine", not "www"


@dataclass(frozen=True, slots=True)
class Matchers:
    terms: TermMatcher[Term]
    squashed: TermMatcher[Term]  # keys with every letter run cut to one ("cocaaaine")
    cues: TermMatcher[tuple[str, str]]  # (kind, term)
    amount: re.Pattern[str]  # a number with a unit or currency next to it
    cas: dict[str, str]


def _squash(s: str) -> str:
    return _RUN.sub(r"\1", s)


def _amount_pattern(kb: KnowledgeBase) -> re.Pattern[str]:
    """A drug-like amount: a number with a unit ("3.5g", "10 pills"), or a price per unit
    ("80 a gram", "10€ le g", "/g"). Prices alone are not enough: "glass vases, 20 EUR"
    sells glass."""
    words = {a.casefold() for u in kb.units for a in [u.unit, *u.aliases]}
    alt = "|".join(sorted((re.escape(w) for w in words if w), key=len, reverse=True))
    if not alt:
        return re.compile(r"(?!)")
    return re.compile(
        rf"\d\s?-?(?:{alt})(?!\w)|(?:/|\bper|\ba|\ble|\bla|\bel|\bpro|\bje|\bза)\s?(?:{alt})(?!\w)",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def default_matchers() -> Matchers:
    from narcwatch.kb.cache import cached
    from narcwatch.kb.loader import data_dir

    return cached("matchers", data_dir(), _build_matchers)


def _build_matchers() -> Matchers:
    kb = default_kb()
    terms = list(kb.iter_terms())
    return Matchers(
        terms=TermMatcher(((t.text, t) for t in terms), normalize_term),
        squashed=TermMatcher(((t.text, t) for t in terms), lambda s: _squash(normalize_term(s))),
        cues=TermMatcher(((c.term, (c.kind, c.term)) for c in kb.cues), normalize_term),
        amount=_amount_pattern(kb),
        cas=kb.by_cas(),
    )


def _hit(kb: KnowledgeBase, sid: str, text: str, start: int, end: int, via: str) -> SubstanceHit:
    sub = kb.substances[sid]
    return SubstanceHit(
        id=sid,
        name=sub.name,
        matched=text[start:end],
        span=(start, end),
        control=[c.schedule for c in sub.control],
        category=sub.category,
        via=via,
    )


def _squashed_view(norm: NormalizedText) -> NormalizedText:
    """``norm`` with every letter run cut to one, for elongated words ("cocaaaine")."""
    s = norm.text
    drops = [i for m in _RUN.finditer(s) for i in range(m.start() + 1, m.end())]
    pieces: list[str] = []
    prev = 0
    for m in _RUN.finditer(s):
        pieces.append(s[prev : m.start() + 1])
        prev = m.end()
    pieces.append(s[prev:])
    return NormalizedText("".join(pieces), (norm.origin or identity()).without(drops, len(s)))


def _describes_another(
    text: str, start: int, end: int, sid: str, confident: list[SubstanceHit]
) -> bool:
    for h in confident:
        if h.id == sid:
            continue
        gap = text[end : h.span[0]] if end <= h.span[0] else text[h.span[1] : start]
        if (end <= h.span[0] or h.span[1] <= start) and _DESCRIPTOR_GAP.fullmatch(gap):
            return True
    return False


class SubstanceFinder:
    def __init__(self, kb: KnowledgeBase, matchers: Matchers) -> None:
        self.kb = kb
        self.m = matchers

    def __call__(self, doc: Doc) -> None:
        norm = doc.norm or default_normalizer()(doc.text)
        text = doc.text
        view = word_view(norm.text)
        raw_hits = self.m.terms.find(norm.text, view)
        views = [(norm, raw_hits)]
        if _ELONGATED.search(text):
            sq = _squashed_view(norm)
            views.append((sq, self.m.squashed.find(sq.text)))
        cues = [
            (kind, term, *norm.to_original(s, e))
            for s, e, payloads in self.m.cues.find(norm.text, view)
            for kind, term in payloads[:1]
        ]
        doc.features["cues"] = cues

        confident: list[SubstanceHit] = []
        ambiguous: list[tuple[int, int, str, str]] = []  # start, end, substance id, via
        seen: set[tuple[str, int, int]] = set()
        for norm_view, hits in views:
            for s, e, payloads in hits:
                if any(t.via == "not-drug" for t in payloads):
                    continue  # a declared hard negative ("diet coke") beats slang for it
                start, end = norm_view.to_original(s, e)
                for term in payloads:
                    for sid in term.substances:
                        if (sid, start, end) in seen or sid not in self.kb.substances:
                            continue
                        seen.add((sid, start, end))
                        if term.ambiguous:
                            # French "pills" is MDMA; English "pills" is pills. Text too short
                            # to tell is read as English, the markets' common language.
                            if term.lang and term.lang != (doc.lang or "en"):
                                continue
                            ambiguous.append((start, end, sid, term.via))
                        else:
                            confident.append(_hit(self.kb, sid, text, start, end, term.via))
        for cas, start, end in find_cas(text):
            cas_sid = self.m.cas.get(cas)
            if cas_sid is not None:
                confident.append(_hit(self.kb, cas_sid, text, start, end, "cas"))
            else:
                doc.features.setdefault("unknown_cas", []).append(cas)

        supported = [
            _hit(self.kb, sid, text, start, end, via)
            for start, end, sid, via in ambiguous
            if not _describes_another(text, start, end, sid, confident)
            and self._has_context(text, start, end, confident, cues)
        ]
        doc.features["ambiguous_dropped"] = len(ambiguous) - len(supported)
        doc.substances = sorted(confident + supported, key=lambda h: (h.span[0], h.id))

    def _has_context(
        self,
        text: str,
        start: int,
        end: int,
        confident: list[SubstanceHit],
        cues: list[tuple[str, str, int, int]],
    ) -> bool:
        lo, hi = start - CONTEXT_WINDOW, end + CONTEXT_WINDOW
        if any(lo <= h.span[0] <= hi for h in confident):
            return True
        if any(k in SUPPORTING_CUES and lo <= s <= hi for k, _, s, _ in cues):
            return True
        return self.m.amount.search(text, max(0, lo), min(len(text), hi)) is not None


@register_component(
    "substances",
    requires=("norm",),
    sets=("substances",),
    description="Controlled substances by name, synonym, translation, slang, emoji or CAS "
    "number; ambiguous terms need supporting context.",
)
def make_substances(config: Mapping[str, Any]) -> Any:
    return SubstanceFinder(default_kb(), default_matchers())
