"""Selectors: validated, normalized identifiers of who is behind an offer.

    from narcwatch.selectors import extract
    extract("BTC: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4, tg @shop")

Families live in their own modules (``crypto``, ``messaging``, ``contact``, ``web``,
``pgp``, ``payments``) and register through :func:`register_extractor`, as plugins do
(``extractors()`` lists them). A value is reported once, at its first occurrence: its
``span`` indexes the text given, ``matched`` is exactly ``text[span]``, and ``spans``
lists every occurrence.

Overlaps are settled here, so each stretch of text is reported once, most specific first:
- strong selectors never overlap: the longest wins, and on an equal span a specific type
  beats a generic one ("signal: +33 6 ..." is "signal", not also "phone");
- a weak selector (URL, domain, v2 onion) overlapping a strong one is dropped, except a URL
  around an onion/I2P address: the onion is the strong selector, the URL says which page;
- a domain inside a URL or e-mail is not repeated;
- a bare ``@handle`` with no platform named near it is type "handle": strong after an
  order/contact cue ("Order: @shop"), weak otherwise; a platform's own reading of the same
  span (Telegram, Snapchat...) wins over it.

Weak handles are the many @mentions of forum and social pages: they only take the room
left under ``limits.PER_KIND`` once every other hit is kept, so they never push a wallet
or a phone number out of a long page's findings.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from narcwatch import _native
from narcwatch.limits import PER_KIND, bounded
from narcwatch.model import SelectorHit
from narcwatch.selectors.registry import (
    Candidate,
    ExtractOptions,
    extractors,
    register_extractor,
)

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

__all__ = [
    "Candidate",
    "ExtractOptions",
    "ascii_view",
    "extract",
    "extract_options",
    "extractors",
    "literal_starts",
    "lowered",
    "matches_at",
    "register_extractor",
]

# ASCII letters and digits -> "a", everything else -> " " (non-ASCII is "?" after encoding).
_ALNUM = bytes(ord("a") if chr(i).isascii() and chr(i).isalnum() else ord(" ") for i in range(256))
# Upper-case letters -> "U", digits -> "d", the rest -> " ".
_CLASSES = bytes(
    ord("U") if 65 <= i <= 90 else ord("d") if 48 <= i <= 57 else ord(" ") for i in range(256)
)


@lru_cache(maxsize=1)
def ascii_view(text: str) -> tuple[bytes, bytes]:
    """Two byte strings as long as ``text`` (one byte per character): letters and digits as
    "a" (else " "), and upper-case/digit classes "U"/"d". ``b"a" * 25 in view`` and the
    like are C-speed tests that let extractors skip their regexes on ordinary text (the
    budget is ~30 µs per 1 KB document); cached because several extractors ask, for one
    text at a time and emptied after each ``extract`` (a 50 MB page's views are 100 MB)."""
    raw = text.encode("ascii", "replace")
    return raw.translate(_ALNUM), raw.translate(_CLASSES)


def literal_starts(
    low: str, literals: tuple[str, ...], anywhere: tuple[bool, ...]
) -> list[list[int]]:
    """Per literal, every offset where it occurs in ``low`` (overlapping ones too); where
    ``anywhere`` is false, only where it does not continue a word (no letter before it).
    One native pass for all literals when the native path is on, else
    :func:`_literal_starts` (a str.find loop per literal)."""
    native = _native.speedups
    if native is not None:
        found: list[list[int]] = native.literal_starts(low, literals, anywhere)
        return found
    return _literal_starts(low, literals, anywhere)


def matches_at(
    pattern: re.Pattern[str], text: str, starts: Iterable[int]
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` where a match can only start at one of ``starts`` (in
    increasing order; the caller finds them with a cheap literal scan) and is never empty:
    the pattern is tried there only, not at every position, and overlapping starts are
    skipped as finditer skips them."""
    end = 0
    for i in starts:
        if i < end:
            continue
        m = pattern.match(text, i)
        if m is not None:
            end = m.end()
            yield m


def _literal_starts(
    low: str, literals: tuple[str, ...], anywhere: tuple[bool, ...]
) -> list[list[int]]:
    """Per literal, every offset where it occurs in ``low``; where ``anywhere`` is false,
    only where it does not continue a word (the reference of the native literal_starts)."""
    out = []
    for lit, any_ in zip(literals, anywhere, strict=True):
        found = []
        i = low.find(lit)
        while i != -1:
            if any_ or i == 0 or not low[i - 1].isalpha():
                found.append(i)
            i = low.find(lit, i + 1)
        out.append(found)
    return out


@lru_cache(maxsize=1)
def lowered(text: str) -> str:
    """``text.lower()``, made once per text for the extractors that read it (cached like
    :func:`ascii_view` and emptied after each ``extract``)."""
    return text.lower()


_KEEP_AROUND = frozenset({"onion", "onion-v2", "i2p"})
# Generic types lose a tie against a specific one over the same span: "signal: +33 6 ..."
# is a Signal number before it is a phone number.
_GENERIC = frozenset({"phone", "email", "url", "domain", "handle"})


_RIDERS = frozenset({"pgp-uid", "email"})


def _containment(found: list[Candidate]) -> Callable[[Candidate], bool]:
    """Whether an e-mail or URL of ``found`` overlaps a candidate's [start, end): those
    starting before ``end`` are a prefix of the sorted list, and one of them reaches past
    ``start`` iff the prefix's furthest end does (a running maximum keeps this O(log n))."""
    containers = sorted((c for c in found if c.type in ("url", "email")), key=lambda k: k.start)
    c_starts = [k.start for k in containers]
    c_reach = list(itertools.accumulate((k.end for k in containers), max))

    def in_container(c: Candidate) -> bool:
        i = bisect_left(c_starts, c.end)
        return i > 0 and c_reach[i - 1] > c.start

    return in_container


def _settle(found: list[Candidate]) -> list[Candidate]:
    """Resolve overlaps in one sweep (documents with link lists have dozens of selectors)."""
    found.sort(key=lambda c: (c.start, c.start - c.end, c.type in _GENERIC))
    # Strong selectors: the longest wins where two overlap (sorted longest-first per start),
    # then the specific type.
    strong: list[Candidate] = []
    for c in found:
        if c.strength == "strong" and (not strong or c.start >= strong[-1].end):
            strong.append(c)
    in_container: Callable[[Candidate], bool] | None = None
    kept: list[Candidate] = []
    if not strong:
        # Only weak selectors (the link lists of old onion pages: v2 onions and URLs): none
        # clashes with a strong one, so only domains inside a URL and repeats go.
        for c in found:
            if c.type == "domain":
                in_container = in_container or _containment(found)
                if in_container(c):
                    continue
            if kept and kept[-1].type == c.type and kept[-1].start == c.start:
                continue
            kept.append(c)
        return kept
    starts = [c.start for c in strong]

    def strong_overlapping(c: Candidate) -> list[Candidate]:
        i = bisect_left(starts, c.end)  # strong ones starting before c ends
        out = []
        while i > 0 and strong[i - 1].end > c.start:
            out.append(strong[i - 1])
            i -= 1
        return out

    strong_ids = {id(c) for c in strong}
    in_container = _containment(found)
    for c in found:
        if c.strength == "strong":
            if id(c) not in strong_ids:
                continue
        else:
            clash = strong_overlapping(c)
            around_onion = c.type == "url" and all(s.type in _KEEP_AROUND for s in clash)
            if clash and not around_onion:
                continue
            if c.type == "domain" and in_container(c):
                continue
        if kept and kept[-1].type == c.type and kept[-1].start == c.start:
            continue
        kept.append(c)
    return kept


def _is_mention(c: Candidate) -> bool:
    return c.type == "handle" and c.strength == "weak"


def _bounded(found: list[Candidate], omitted: dict[str, int]) -> list[Candidate]:
    """``limits.bounded`` over the hits, weak handles taking only the room left."""
    mentions = [c for c in found if _is_mention(c)]
    if not mentions:
        return bounded(found, lambda c: (c.type, c.value), omitted, "selectors")
    kept = bounded(
        [c for c in found if not _is_mention(c)], lambda c: (c.type, c.value), omitted, "selectors"
    )
    mentions = bounded(mentions, lambda c: (c.type, c.value), omitted, "selectors")
    room = max(0, PER_KIND - len(kept))
    if len(mentions) > room:
        omitted["selectors"] = omitted.get("selectors", 0) + len(mentions) - room
        mentions = mentions[:room]
    return sorted(kept + mentions, key=lambda c: c.start)


@lru_cache(maxsize=1)
def _default_options() -> ExtractOptions:
    from narcwatch.kb.loader import default_kb

    return ExtractOptions.from_kb(default_kb())


def extract_options(kb: KnowledgeBase | None = None, region: str | None = None) -> ExtractOptions:
    """The options of a run over ``kb`` (default: the packaged knowledge base)."""
    if kb is None:
        return replace(_default_options(), region=region)
    return ExtractOptions.from_kb(kb, region)


def extract(
    text: str,
    *,
    region: str | None = None,
    omitted: dict[str, int] | None = None,
    options: ExtractOptions | None = None,
) -> list[SelectorHit]:
    """Every selector in ``text``, validated and normalized, in text order.

    ``options`` (from :func:`extract_options`) carry the knowledge base's amount words;
    without them, the packaged knowledge base's. ``region``, when given, overrides theirs.
    At most ``limits.PER_KEY`` hits of one value and ``limits.PER_KIND`` in all are
    returned; the number left out is added to ``omitted["selectors"]``."""
    if not text:
        return []
    if options is None:
        options = extract_options(region=region)
    elif region is not None:
        options = replace(options, region=region)
    low = lowered(text)
    found: list[Candidate] = []
    for spec in extractors().values():
        if spec.triggers is not None and not any(t in low for t in spec.triggers):
            continue
        found.extend(spec.func(text, options))
    ascii_view.cache_clear()
    lowered.cache_clear()
    # What a PGP key block carries inside its armour (user ids and their e-mails) shares the
    # block's span; it rides along with the block's fingerprint instead of competing with it.
    blocks = {(c.start, c.end) for c in found if c.type == "pgp-fingerprint"}
    riders = [c for c in found if c.type in _RIDERS and (c.start, c.end) in blocks]
    if riders:
        found = [c for c in found if not (c.type in _RIDERS and (c.start, c.end) in blocks)]
    settled = _settle(found)
    if riders:
        kept = {(c.start, c.end) for c in settled if c.type == "pgp-fingerprint"}
        settled += [c for c in riders if (c.start, c.end) in kept]
        settled.sort(key=lambda c: c.start)
    settled = _bounded(settled, {} if omitted is None else omitted)
    return _one_per_value(text, settled)


def _one_per_value(text: str, settled: list[Candidate]) -> list[SelectorHit]:
    """One hit per (type, value), at its first occurrence, with every span it was read at:
    a Telegram post that repeats its channel eleven times names one channel. A value read
    strong anywhere is strong."""
    hits: dict[tuple[str, str], SelectorHit] = {}
    for c in settled:
        hit = hits.get((c.type, c.value))
        if hit is None:
            hits[c.type, c.value] = SelectorHit(
                type=c.type,
                value=c.value,
                matched=text[c.start : c.end],
                span=(c.start, c.end),
                spans=[(c.start, c.end)],
                strength=c.strength,
                field=None,
            )
            continue
        hit.spans.append((c.start, c.end))
        if c.strength == "strong":
            hit.strength = "strong"
    return list(hits.values())
