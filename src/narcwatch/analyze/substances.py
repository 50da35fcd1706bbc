"""The ``substances`` component: controlled substances named in the text, with their status.

Every knowledge-base name, synonym, translation, slang term and emoji code is matched in one
pass over the normalized text, and again where names hide from whole-word matching
(elongated words, spaced-out runs: ``term_views``); long names one letter off and valid CAS
numbers are resolved too. Each match is read at one of three levels:

* sure: a name or unambiguous term, kept;
* ambiguous (slang that is also a word, emoji, misspelt names): kept with context within
  250 characters: another drug, a sale/contact/shipping/payment cue, or an amount;
* common (mostly an ordinary word in real text, measured in ``kb/data/term_usage.yaml``):
  kept only next to an amount or in a list of other drugs' names.

The nearest drug name on a term's line comes first: slang beside its own drug's name names
it ("Oxycodone (Roxy)"). A *form* (a word real listings write beside other drugs' names in
a quarter of their uses or more, not across a list separator, measured in
``term_usage.yaml``: "vials", "blotter", "rocks", "crystal", "pills") beside another drug's
name is that drug's form ("Ketamin vials", "25C-NBOMe blotter"); beside its own it names it
("250mg ECSTASY PILLS"); alone it is read at its level only where real listings mostly
use it for its own drug ("200µg LSD25 Blotter"; not "take 2 pills a day"). A reading that
real listings give to another class of drug (``off_topic``) counts only beside its own
drug's name. One sense per discourse: a word read as a drug once is that drug wherever else the
text uses it, where no other drug is named beside it. An account's display name in a
social post ("New Marijuana\n@NewMarijuana\n·") is a name, not a mention.

Context is looked up in sorted indexes (``term_context``), so time stays linear. Cue words
found on the way are shared as ``doc.features["cues"]`` (first positions) and
``doc.features["cue_counts"]`` (all) for the offer component.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.normalize import normalizer_for
from narcwatch.analyze.registry import ComponentFunc, register_component
from narcwatch.analyze.term_context import AmountScan, Confident, NearestName, Positions
from narcwatch.analyze.term_forms import common_elsewhere, with_number_forms
from narcwatch.analyze.term_views import (
    elongated_words,
    has_elongated,
    has_spaced_run,
    inside_spaced_runs,
    squashed_hits,
    substring_automaton,
    to_norm,
)
from narcwatch.kb import KnowledgeBase, Term, default_kb
from narcwatch.kb.cas import find_cas
from narcwatch.kb.fuzzy import FuzzyIndex, fuzzy_names
from narcwatch.kb.loader import is_default_kb
from narcwatch.kb.matcher import TermMatcher, word_view
from narcwatch.limits import bounded
from narcwatch.model import SubstanceHit

# Cue kinds that support an ambiguous drug term: words of a transaction. Quality and
# listing words ("pure", "lab", "menu") are too common in ordinary text to count.
SUPPORTING_CUES = frozenset({"sale", "buy", "contact", "shipping", "payment"})
CONTEXT_WINDOW = 250  # characters either side of an ambiguous term
# Matches of one term kept per document before context checks (the rest are counted):
# enough for any real page, and memory stays flat on one repeated ten million times.
MATCH_CAP = 2000
# An ordinary word ("boy") names a drug next to an amount this close ("1g boy").
AMOUNT_WINDOW = 30
_RUN = re.compile(r"([^\W\d_])\1+")
Hit = tuple[int, int, str, str]  # start, end, substance id, via


@dataclass(frozen=True, slots=True)
class Matchers:
    terms: TermMatcher[Term]
    common: frozenset[Term]  # terms that are mostly ordinary words (kb/data/term_usage.yaml)
    # Terms that are ordinary words of a language other than English, with those languages
    # ("base" in Spanish): there they need a common word's context (term_forms.py).
    common_in: dict[Term, frozenset[str]]
    void: dict[Term, frozenset[str]]  # substances a term does not name in real listings
    fuzzy: FuzzyIndex  # long names written one letter off ("vlagra", "cialiis")
    inner: Any  # an ahocorasick.Automaton of the same long names, matched as substrings
    fuzzy_terms: dict[str, list[Term]]
    forms: frozenset[Term]  # words that describe the drug named next to them (term_usage)
    forms_alone: frozenset[Term]  # ... that name their own drug alone too ("blotter")
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
    counted = {a.casefold() for u in kb.units if u.dimension == "count" for a in u.aliases}
    each = "|".join(sorted((re.escape(w) for w in counted if w), key=len, reverse=True))
    if not alt or not each:
        return re.compile(r"(?!)")
    # ... or a unit of count with its number after it, as listings write packs ("pills x80")
    return re.compile(
        rf"\d\s?-?(?:{alt})(?!\w)|(?:/\s?|\b(?:per|a|le|la|el|pro|je|за)\s)(?:{alt})(?!\w)"
        rf"|(?<!\w)(?:{each})\s?[x×]\s?\d",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def default_matchers() -> Matchers:
    """The matchers of the packaged knowledge base, from the on-disk cache when it is sound."""
    from narcwatch.kb.cache import cached
    from narcwatch.kb.loader import data_dir

    return cached("matchers", data_dir(), lambda: build_matchers(default_kb()), check=_smoke)


def matchers_for(kb: KnowledgeBase) -> Matchers:
    """The matchers of ``kb``: the packaged knowledge base's come from the on-disk cache,
    any other's are built in this process (once per knowledge base)."""
    return default_matchers() if is_default_kb(kb) else _built_matchers(kb)


@lru_cache(maxsize=4)
def _built_matchers(kb: KnowledgeBase) -> Matchers:
    return build_matchers(kb)


def _smoke(m: Matchers) -> bool:
    """A cached matcher must still match, as the code now reads it (a pickle from another
    build once made every document fail with a TypeError deep in a scan)."""
    hits = m.terms.find("pure cocaine, 1g", word_view("pure cocaine, 1g"), cap=MATCH_CAP)
    return any(t.substances == ("cocaine",) for _, _, ts in hits for t in ts) and bool(
        m.cues.keys()
    )


def _off_topic(
    kb: KnowledgeBase, terms: list[Term], key_of: Callable[[str], str]
) -> dict[Term, frozenset[str]]:
    """The substances each English term does not name in real listings (``off_topic``)."""
    void = {}
    for t in terms:
        if t.lang in (None, "en"):
            key = key_of(t.text)
            off = frozenset(sid for sid in t.substances if (key, sid) in kb.term_off_topic)
            if off:
                void[t] = off
    return void


def build_matchers(kb: KnowledgeBase) -> Matchers:
    """Every matcher of ``kb``, its keys normalized by ``kb``'s own normalizer (the one the
    ``normalize`` component of a pipeline over ``kb`` uses on the text)."""
    normalizer = normalizer_for(kb)

    def key_of(s: str) -> str:
        return normalizer(s).text.strip()

    terms = list(kb.iter_terms())
    usage = kb.term_usage
    fuzzy_terms = fuzzy_names(terms, key_of)
    return Matchers(
        fuzzy=FuzzyIndex(fuzzy_terms, exclude=kb.near_words),
        fuzzy_terms=fuzzy_terms,
        forms=frozenset(
            t
            for t in terms
            if t.substances
            and t.lang in (None, "en")
            # a plural is the same word as its singular ("blotters")
            and {key_of(t.text), key_of(t.text).removesuffix("s")} & kb.term_forms
        ),
        forms_alone=frozenset(
            t
            for t in terms
            if t.substances
            and t.lang in (None, "en")
            and {key_of(t.text), key_of(t.text).removesuffix("s")} & kb.term_forms_alone
        ),
        inner=substring_automaton(fuzzy_terms),
        terms=TermMatcher(with_number_forms(terms, key_of), key_of),
        common=frozenset(t for t in terms if (key_of(t.text), "en") in usage and t.substances),
        common_in=common_elsewhere(terms, usage, key_of),
        void=_off_topic(kb, terms, key_of),
        squashed=TermMatcher(((t.text, t) for t in terms), lambda s: _squash(key_of(s))),
        cues=TermMatcher(((c.term, (c.kind, c.term)) for c in kb.cues), key_of),
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


class SubstanceFinder:
    def __init__(self, kb: KnowledgeBase, matchers: Matchers, *, fuzzy: bool = True) -> None:
        self.kb = kb
        self.m = matchers
        self.fuzzy = fuzzy
        self.normalize = normalizer_for(kb)
        # The matcher's own Term objects, by identity: hashing a Term per match costs more.
        self._forms = frozenset(id(t) for t in matchers.forms)
        self._forms_alone = frozenset(id(t) for t in matchers.forms_alone)

    def __call__(self, doc: Doc) -> None:
        norm = doc.norm or self.normalize(doc.text)
        text = doc.text
        view = word_view(norm.text)
        beyond: dict[str, int] = {}  # matches past MATCH_CAP, per term (term_matches)
        raw_hits = self.m.terms.find(norm.text, view, cap=MATCH_CAP, overflow=beyond)
        views = [(norm, raw_hits)]
        if has_elongated(text):
            # Found in the original text (normalization already cut runs to two letters);
            # squashed where they are in the normalized one.
            spans = [(to_norm(norm, a), to_norm(norm, b)) for a, b in elongated_words(text)]
            views.append((norm, squashed_hits(self.m.squashed, norm.text, spans)))
        if has_spaced_run(text):
            views.append((norm, inside_spaced_runs(self.m.inner, text, norm)))
        # Every cue counts (the offer model reads the counts), but only the first
        # MATCH_CAP of one word keep their positions, so a page of "price" stays small.
        overflow: dict[str, int] = {}
        cues = [
            (kind, term, *norm.to_original(s, e))
            for s, e, payloads in self.m.cues.find(
                norm.text, view, cap=MATCH_CAP, overflow=overflow
            )
            for kind, term in payloads[:1]
        ]
        del view
        counts: dict[str, int] = {}
        for kind, *_ in cues:
            counts[kind] = counts.get(kind, 0) + 1
        for key, n in overflow.items():
            kind = self.m.cues.payloads(key)[0][0]
            counts[kind] = counts.get(kind, 0) + n
        doc.features["cue_counts"] = counts
        doc.features["cues"] = bounded(cues, lambda c: c[1], {}, "cues")

        confident: list[tuple[int, int, str, str]] = []  # start, end, substance id, via
        ambiguous: list[tuple[int, int, str, str]] = []
        common: list[tuple[int, int, str, str]] = []  # ordinary words: need strong context
        # Readings real listings give to another class of drug ("pills" as MDMA): kept
        # only where that drug's own name is the nearest on the line ("MDMA pills").
        voided: list[tuple[int, int, str, str]] = []
        sure_forms: list[Hit] = []  # sure slang that is a form ("blotters"): beside
        # another drug's name it is that drug's form ("25c-NBOMe blotters")
        forms: set[tuple[int, int]] = set()  # spans of words that describe another drug
        alone: set[tuple[int, int]] = set()  # ... that name their own drug alone too
        seen: set[tuple[str, int, int]] = set()
        for norm_view, hits in views:
            queue = list(hits)
            while queue:
                s, e, payloads = queue.pop()
                if any(t.via == "not-drug" for t in payloads):
                    continue  # a declared hard negative ("diet coke") beats slang for it
                start, end = norm_view.to_original(s, e)
                if _is_form(payloads, doc.lang, self._forms):
                    forms.add((start, end))
                    if any(id(t) in self._forms_alone for t in payloads):
                        alone.add((start, end))
                readings = _readings(payloads, doc.lang, self.m)
                if not readings and " " in norm_view.text[s:e]:
                    # A phrase of another language that is not read here hides no name
                    # inside it: "Fentanyl patch" (French slang) still names fentanyl.
                    queue += self._inside(norm_view.text, s, e)
                for sid, via, level in readings:
                    if (sid, start, end) in seen or sid not in self.kb.substances:
                        continue
                    seen.add((sid, start, end))
                    if level == SURE and (start, end) in forms:
                        sure_forms.append((start, end, sid, via))
                    elif level == SURE:
                        confident.append((start, end, sid, via))
                    elif level == AMBIGUOUS:
                        ambiguous.append((start, end, sid, via))
                    elif level == COMMON:
                        common.append((start, end, sid, via))
                    else:
                        voided.append((start, end, sid, via))
        # A long name one letter off is read like an ambiguous term (it needs context):
        # spam spells "vlagra" and "cialiis" to pass filters, and so do some titles. It is
        # searched for only where a transaction cue is (spam and listings always have one):
        # the search costs more than the rest of the component on an ordinary page.
        if self.fuzzy and self.m.fuzzy_terms and any(c[0] in SUPPORTING_CUES for c in cues):
            taken = {(s, e) for view_hits in views for s, e, _ in view_hits[1]}
            for s, e, name in self.m.fuzzy.find(norm.text):
                if (s, e) in taken:
                    continue
                start, end = norm.to_original(s, e)
                for sid in {sid for t in self.m.fuzzy_terms[name] for sid in t.substances}:
                    if (sid, start, end) not in seen and sid in self.kb.substances:
                        seen.add((sid, start, end))
                        ambiguous.append((start, end, sid, "fuzzy"))
        for cas, start, end in find_cas(text):
            cas_sid = self.m.cas.get(cas)
            if cas_sid is not None:
                confident.append((start, end, cas_sid, "cas"))
            else:
                doc.features.setdefault("unknown_cas", []).append(cas)

        kept = confident
        if ambiguous or common or voided or sure_forms:
            supported = self._supported(
                text, cues, confident, ambiguous, common, voided, (forms, alone), sure_forms
            )
            doc.features["ambiguous_dropped"] = (
                len(ambiguous) + len(common) + len(voided) + len(sure_forms) - len(supported)
            )
            kept = confident + supported
        if "\n·" in text:
            kept = _outside_account_names(text, kept)
        kept = _outermost(kept)
        omitted = doc.features.setdefault("omitted", {})
        kept = bounded(kept, lambda h: h[2], omitted, "substances")
        if beyond:
            # Matches of a term past MATCH_CAP were never checked (context, not-drug
            # phrases): counted apart from the substances left out after checking.
            omitted["term_matches"] = omitted.get("term_matches", 0) + sum(beyond.values())
        doc.substances = [_hit(self.kb, sid, text, s, e, via) for s, e, sid, via in kept]

    def _inside(self, text: str, s: int, e: int) -> list[tuple[int, int, list[Term]]]:
        """The shorter matches inside the match ``[s, e)`` of ``text``: those that start at
        its start and those that end at its end (the words of a two-word phrase)."""
        out = []
        for a, b in ((s, e - 1), (s + 1, e)):
            for x, y, payloads in self.m.terms.find(text[a:b]):
                if (a + x, a + y) != (s, e) and (x == 0 or a + y == e):
                    out.append((a + x, a + y, payloads))
        return out

    def _supported(
        self,
        text: str,
        cues: list[tuple[str, str, int, int]],
        confident: list[Hit],
        ambiguous: list[Hit],
        common: list[Hit],
        voided: list[Hit],
        form_spans: tuple[set[tuple[int, int]], set[tuple[int, int]]],
        sure_forms: list[Hit],
    ) -> list[Hit]:
        """The ambiguous, common and voided candidates that their context supports.

        The nearest drug name on a candidate's line comes first: a slang word next to its
        own drug's name names it ("Ephedrine pseudo", "ECSTASY PILLS"), and a word that
        real listings write next to other drugs' names (``forms``: "vials", "blotter",
        "rocks") describes the other drug named next to it ("Ketamin vials", "25C-NBOMe
        x100 blotter tabs"). Forms are judged last, so that the names they may describe
        include slang already read as a drug ("250mg ECSTASY PILLS")."""
        forms, alone = form_spans
        index = Confident(confident)
        # Every candidate, for "is this word one item of a list of drugs?": the items
        # around it may be slang themselves ("cocaine weed shrooms").
        anyhit = Confident(confident + ambiguous + common)
        near_drug = Positions(index.starts)
        near_cue = Positions([s for k, _, s, _ in cues if k in SUPPORTING_CUES])
        amounts = AmountScan(self.m.amount, text)

        def in_list(h: Hit) -> bool:
            return anyhit.between_others(text, h[0], h[1], h[2])

        def describes_another(h: Hit) -> bool:
            return index.describes_another(text, h[0], h[1], h[2]) and not in_list(h)

        def ambiguous_ok(h: Hit) -> bool:
            lo, hi = h[0] - CONTEXT_WINDOW, h[1] + CONTEXT_WINDOW
            if h[3] == "emoji" and _frames_a_line(text, h[0], h[1]):
                return False
            return not describes_another(h) and (
                near_drug.any_within(lo, hi)
                or near_cue.any_within(lo, hi)
                or amounts.any_within(lo, hi)
            )

        def common_ok(h: Hit) -> bool:
            # An ordinary word ("down", "water", "boy") names a drug only near an amount
            # ("1g boy"), in a list of other drugs' names ("coke, weed, boy") or as the
            # noun after its own drug's name ("Codeine Syrup"); before its own drug's name
            # it is a verb or an adjective ("smoke weed"), and in a sentence that names a
            # drug it is still a word ("felt down on Zoloft").
            return not describes_another(h) and (
                index.listed_with_another(text, h[0], h[1], h[2])
                or amounts.any_within(h[0] - AMOUNT_WINDOW, h[1] + AMOUNT_WINDOW)
                or index.after_its_own(text, h[0], h[2])
                or index.listed_with_its_own(text, h[0], h[1], h[2])
            )

        names = NearestName(confident + [h for h in ambiguous if h[3] == "fuzzy"])
        supported: list[Hit] = []
        # forms and voided readings, judged last, with the level of their word
        later: list[tuple[Hit, int]] = [(h, VOID) for h in voided]
        unsupported: list[Hit] = []
        for h in sorted(ambiguous):
            if h[3] != "fuzzy" and h[:2] in forms:
                later.append((h, AMBIGUOUS))
            elif (h[3] != "fuzzy" and h[2] in names.nearest(text, h[0], h[1])) or ambiguous_ok(h):
                supported.append(h)
            elif h[3] != "fuzzy":
                unsupported.append(h)
        for h in common:
            if h[:2] in forms:
                later.append((h, COMMON))
            elif common_ok(h):
                supported.append(h)
            elif not describes_another(h):
                unsupported.append(h)
        if unsupported and supported:
            # One sense per discourse (Gale, Church and Yarowsky 1992): a word read as a drug
            # once in a text is that drug wherever else the text uses it ("Mix Shake 2lb"
            # in a title, "each package of Mix Shake" in its description).
            seen_as = {(text[s:e].casefold(), sid) for s, e, sid, _ in supported}
            supported += [h for h in unsupported if (text[h[0] : h[1]].casefold(), h[2]) in seen_as]
        if later or sure_forms:
            names = NearestName(confident + supported)
        for h in sure_forms:
            near = names.nearest(text, h[0], h[1])
            if not near or h[2] in near:
                supported.append(h)
        formed: set[tuple[str, str]] = set()
        rest: list[Hit] = []
        for h, level in later:
            near = names.nearest(text, h[0], h[1])
            if h[2] in near:
                supported.append(h)
                formed.add((text[h[0] : h[1]].casefold(), h[2]))
                continue
            rest.append(h)
            if near or level == VOID or h[:2] not in alone:
                continue
            # Alone, a form that real listings mostly use for its own drug ("200µg LSD25
            # Blotter") is read as its word's level says; another ("take 2 pills a day")
            # says nothing of which drug it is.
            if ambiguous_ok(h) if level == AMBIGUOUS else common_ok(h):
                supported.append(h)
        # A form read as a drug beside its name is that drug elsewhere in the text where no
        # other drug is named beside it (one sense per discourse, as above).
        supported += [
            h
            for h in rest
            if (text[h[0] : h[1]].casefold(), h[2]) in formed
            and not names.nearest(text, h[0], h[1])
        ]
        return supported


SURE, AMBIGUOUS, COMMON, VOID = 0, 1, 2, 3


# A post as social sites show it: the account's display name on its own line, then its
# @handle, then "·" and the time ("New Marijuana\n@NewMarijuana\n·\n7h").
ACCOUNT_NAME = re.compile(r"^([^\n]{1,100})\n@\w{1,30}\n·", re.MULTILINE)


def _outside_account_names(text: str, hits: list[Hit]) -> list[Hit]:
    """``hits`` without those in a social account's display name: a name, like the
    @handle under it, not a mention (what the post says is below it)."""
    names = [m.span(1) for m in ACCOUNT_NAME.finditer(text)]
    if not names:
        return hits
    starts = [a for a, _ in names]
    out = []
    for h in hits:
        i = bisect_right(starts, h[0]) - 1
        if i < 0 or h[1] > names[i][1]:
            out.append(h)
    return out


def _frames_a_line(text: str, start: int, end: int) -> bool:
    """Whether the emoji at ``[start, end)`` is written again on its line with words
    between: a heading's decoration ("❤️Estimated time of arrival❤️", "👃 Flavour 👃"),
    not a code for a drug."""
    emoji = text[start:end]
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    line_before, line_after = text[lo:start], text[end : hi if hi >= 0 else len(text)]
    for side, between in ((line_before, -1), (line_after, 1)):
        at = side.rfind(emoji) if between < 0 else side.find(emoji)
        if at >= 0:
            gap = side[at + len(emoji) :] if between < 0 else side[:at]
            if any(c.isalpha() for c in gap):
                return True
    return False


def _is_form(payloads: list[Term], doc_lang: str | None, forms: frozenset[int]) -> bool:
    """Whether one match is a form word here: one of its English terms (``forms``: their
    ids) is measured as a form, and no term of the text's own language reads it otherwise
    (French "pills" is MDMA, English "pills" is any drug's pills)."""
    return any(id(t) in forms for t in payloads) and not any(
        t.lang == doc_lang and t.lang not in (None, "en") for t in payloads
    )


def _outermost(hits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Hits in text order, without one that lies inside a longer hit of the same substance
    (the views overlap: "crystaaal meth" is found whole and "meth" inside it)."""
    hits.sort(key=lambda h: (h[0], -h[1], h[2]))
    reach: dict[str, int] = {}
    out = []
    for h in hits:
        if reach.get(h[2], -1) >= h[1]:
            continue
        reach[h[2]] = h[1]
        out.append(h)
    out.sort(key=lambda h: (h[0], h[2]))
    return out


def _readings(
    payloads: list[Term], doc_lang: str | None, m: Matchers
) -> list[tuple[str, str, int]]:
    """``(substance id, via, level)`` for each substance the terms of one match name.

    The level is the most certain of its terms here: SURE, AMBIGUOUS (slang that is also a
    word: needs context), or COMMON (mostly an ordinary word in real text: needs strong
    context). An ambiguous term counts only in its own language (French "pills" is MDMA,
    English "pills" is pills; text too short to tell is read as English, the markets'
    common language), so an English slang word is never voided by its German twin. English
    slang is the markets' lingua franca, read in text of any language ("Columbian
    fishscale" in a Spanish title); where a slang word is an ordinary word of the text's
    language ("base" in Spanish, English or Spanish slang alike) it needs the strong
    context of a common word."""
    lang = doc_lang or "en"
    common, void = m.common, m.void
    best: dict[str, tuple[str, int]] = {}
    for term in payloads:
        # "common" is measured on English text: it binds English terms everywhere, and a
        # term of another language outside texts of that language ("héroïne" read as the
        # English "heroine"); in its own language the term keeps its declared ambiguity.
        if term in common and (term.lang in (None, "en") or term.lang != lang):
            level = COMMON
        else:
            level = AMBIGUOUS if term.ambiguous else SURE
        if level == AMBIGUOUS and lang in m.common_in.get(term, ()):
            level = COMMON
        # A word of another language is skipped (unknown language: strong context decides).
        if (
            level != SURE
            and term.lang
            and term.lang not in (lang, "en")
            and not (doc_lang is None and level == COMMON)
        ):
            continue
        voided = void.get(term, ())
        for sid in term.substances:
            # real listings use this word for another class of drug
            lv = VOID if sid in voided else level
            if sid not in best or lv < best[sid][1]:
                best[sid] = (term.via, lv)
    return [(sid, via, level) for sid, (via, level) in best.items()]


@register_component(
    "substances",
    requires=("text", "norm"),
    optional=("lang",),
    sets=(
        "substances",
        "features.cues",
        "features.cue_counts",
        "features.unknown_cas",
        "features.ambiguous_dropped",
        "features.omitted",
    ),
    description="Controlled substances by name, synonym, translation, slang, emoji or CAS "
    "number, and long names one letter off; ambiguous terms need supporting context. "
    "config: fuzzy (default true).",
)
def make_substances(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
    return SubstanceFinder(kb, matchers_for(kb), fuzzy=bool(config.get("fuzzy", True)))
