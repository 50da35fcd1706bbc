"""The ``normalize`` component: a matching view of the text that defeats cheap obfuscation.

Sellers write ``C0CA1NE``, ``сocaine`` (Cyrillic с), ``c.o.c.a.i.n.e``, ``k e t a``,
``cocaaaine``, ``her\u200boin``. The normalized text undoes that: Unicode NFKD with combining
marks dropped (so ``héroïne`` matches ``heroine``), case folding, zero-width and format
characters removed, homoglyphs and leetspeak mapped inside words that mix them with Latin
letters, single letters joined across separators, and runs of 3+ identical letters cut to
two (``weeeed`` -> ``weed``; the substance matcher also tries one, for ``cocaaaine``).

Knowledge base terms go through the same function, so both sides agree. ``origin`` maps
every normalized character back to the original text, so spans in findings always point
at what the seller wrote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from narcwatch import _native
from narcwatch.analyze.doc import Doc, NormalizedText
from narcwatch.analyze.offsets import OffsetMap, identity
from narcwatch.analyze.registry import ComponentFunc, register_component
from narcwatch.kb import KnowledgeBase, default_kb

# Cheap test for ASCII text that needs no more than lower(): a letter next to a leet
# character, spaced-out single letters, or a run of three identical letters.
_ASCII_WORK = re.compile(
    r"[a-z][0-9@$]|[0-9@$][a-z]"
    r"|(?<![a-z0-9])[a-z][ .\-_*][a-z][ .\-_*][a-z](?![a-z0-9])"
    r"|([a-z])\1\1"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_SPACED = re.compile(r"(?<![\w])[^\W\d_](?:[ .\-_*·•][^\W\d_]){2,}(?![\w])")
_REPEAT = re.compile(r"(?!w)([^\W\d_])\1{2,}")  # "www" is a web address, not "w"
_TOKENS = re.compile(r"[\w@$]+")

_NUMBER_UNIT = re.compile(r"\d+[^\W\d_]+")  # "10mg", "3mmc": a number, not leetspeak
# Zero-width, bidi and other format characters (category Cf) are dropped entirely.
_DROP_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """NFKD, drop combining marks and format characters, case-fold."""
    if unicodedata.category(ch) in _DROP_CATEGORIES:
        return ""
    out = "".join(
        c for c in unicodedata.normalize("NFKD", ch) if unicodedata.category(c) not in {"Mn", "Me"}
    )
    return out.casefold()


class Normalizer:
    """Builds the normalized view; the character maps come from ``homoglyphs.yaml``."""

    def __init__(self, homoglyphs: Mapping[str, str], leet: Mapping[str, str]) -> None:
        self.glyph_table = str.maketrans(dict(homoglyphs))
        self.leet_table = str.maketrans(dict(leet))
        self.glyphs = frozenset(homoglyphs)
        self.leet = frozenset(leet)
        g = "".join(re.escape(c) for c in homoglyphs)
        lt = "".join(re.escape(c) for c in leet)
        # Only a token where a Latin letter is followed by a look-alike or leet character
        # ("c0caine", "coсaine"), or a look-alike by a Latin letter ("сocaine"), can change;
        # texts without such a seam skip the per-token work entirely.
        seams = [f"[a-z][{lt}]+[a-z]"] if lt else []  # "c0caine"; not "20mg", "x10"
        if g:
            seams += [f"[a-z][{g}]", f"[{g}][a-z]"]
        self.seam = re.compile("|".join(seams) or r"(?!)")
        self.native_leet = _native_leet(homoglyphs, leet)
        # The maps as the native path after folding reads them: aligned strings of keys and
        # values, where every key and value is one character (else that path is not used).
        pairs = [*homoglyphs.items(), *leet.items()]
        self.native_maps = (
            (
                "".join(homoglyphs),
                "".join(homoglyphs.values()),
                "".join(leet),
                "".join(leet.values()),
            )
            if all(len(k) == 1 and len(v) == 1 for k, v in pairs)
            else None
        )

    def __call__(self, text: str) -> NormalizedText:
        native = _native.speedups
        if text.isascii():
            if self.native_leet is not None and native is not None:
                s, drops = native.ascii_normalize(text, self.native_leet)
                return NormalizedText(
                    s, None if drops is None else identity().without(drops, len(text))
                )
            low = text.lower()
            if not _ASCII_WORK.search(low):
                return NormalizedText(low, None)
            s, origin = low, None
        else:
            s, origin = _fold(text)
        if self.native_maps is not None and native is not None:
            mapped, drops = native.normalize_tail(s, *self.native_maps)
            if drops is None:
                return NormalizedText(mapped, origin)
            return NormalizedText(mapped, (origin or identity()).without(drops, len(s)))
        s = self._map_tokens(s)  # same length: origin unchanged
        if _SPACED.search(s) or _REPEAT.search(s):
            s, origin = _edit(s, origin)
        return NormalizedText(s, origin)

    def _map_tokens(self, s: str) -> str:
        if self.seam.search(s) is None:
            return s
        pieces: list[str] = []
        done = 0  # s[:done] is in pieces
        for m in _TOKENS.finditer(s):
            tok = m.group(0)
            if len(tok) < 3 or self.seam.search(tok) is None:
                continue
            start, end = m.span()
            mapped = self._map_token(tok)
            if mapped != tok:
                pieces.append(s[done:start])
                pieces.append(mapped)
                done = end
        if not pieces:
            return s
        pieces.append(s[done:])
        return "".join(pieces)

    def _map_token(self, tok: str) -> str:
        if not tok.isascii():
            tok = tok.translate(self.glyph_table)  # "сocaine" (Cyrillic с) -> "cocaine"
        mapped = tok.translate(self.leet_table)
        # "c0ca1ne" -> "cocaine"; "bc1qw508d" (8 is no letter) and "10mg" stay as they are.
        if (
            mapped != tok
            and mapped.isalpha()
            and not _NUMBER_UNIT.fullmatch(tok)
            and sum(map(str.isalpha, tok)) >= 2
        ):
            return mapped
        return tok


def _native_leet(homoglyphs: Mapping[str, str], leet: Mapping[str, str]) -> bytes | None:
    """The leet map as the native ASCII path reads it (128 bytes: the letter each character
    stands for, 0 elsewhere), or None where that path would not do what ``__call__`` does:
    a leet character or its letter that is not one ASCII character, a leet character that
    is a letter, or an ASCII look-alike (an ASCII token could then have a look-alike seam)."""
    table = bytearray(128)
    for ch, to in leet.items():
        if len(ch) != 1 or len(to) != 1 or not (ch + to).isascii() or ch.isalpha() or to == "\0":
            return None
        table[ord(ch)] = ord(to)
    if any(c.isascii() for c in homoglyphs):
        return None
    return bytes(table)


def _fold(text: str) -> tuple[str, OffsetMap | None]:
    """Fold a text with non-ASCII characters, keeping where every output char came from.

    Only the non-ASCII runs are folded character by character; an offset map is made
    only when folding changed a length somewhere (rare: "ß" -> "ss", dropped marks).
    """
    parts: list[str] = []
    pos = 0
    changes: list[tuple[int, int]] = []  # (original index, new length) where it is not 1
    for m in _NON_ASCII.finditer(text):
        start, end = m.span()
        parts.append(text[pos:start].lower())
        folded = [_fold_char(c) for c in text[start:end]]
        parts.append("".join(folded))
        for i, f in enumerate(folded):
            if len(f) != 1:
                changes.append((start + i, len(f)))
        pos = end
    parts.append(text[pos:].lower())
    s = "".join(parts)
    return s, (OffsetMap.from_lengths(changes) if changes else None)


def _edit(s: str, origin: OffsetMap | None) -> tuple[str, OffsetMap]:
    """Join spaced-out letters and cut letter runs; only the deleted spans are visited."""
    drops: list[int] = []
    for m in _SPACED.finditer(s):
        drops.extend(range(m.start() + 1, m.end(), 2))  # the separators
    for m in _REPEAT.finditer(s):
        drops.extend(range(m.start() + 2, m.end()))
    drops = sorted(set(drops))
    pieces: list[str] = []
    prev = 0
    for i in drops:
        pieces.append(s[prev:i])
        prev = i + 1
    pieces.append(s[prev:])
    return "".join(pieces), (origin or identity()).without(drops, len(s))


@lru_cache(maxsize=4)
def normalizer_for(kb: KnowledgeBase) -> Normalizer:
    """The normalizer of ``kb``'s homoglyph and leetspeak maps (built once per knowledge base)."""
    glyphs = {h.char: h.ascii for h in kb.homoglyphs if h.script != "leet"}
    leet = {h.char: h.ascii for h in kb.homoglyphs if h.script == "leet"}
    return Normalizer(glyphs, leet)


def default_normalizer() -> Normalizer:
    """The normalizer of the packaged knowledge base."""
    return normalizer_for(default_kb())


def normalize_term(term: str, kb: KnowledgeBase | None = None) -> str:
    """The normalized form of a knowledge-base term (the matcher's key), by ``kb``'s
    normalizer (default: the packaged knowledge base's)."""
    return normalizer_for(kb if kb is not None else default_kb())(term).text.strip()


@register_component(
    "normalize",
    requires=("text",),
    sets=("norm",),
    description="Matching view of the text: NFKD/case folding, homoglyphs, leetspeak, "
    "spaced letters, repeats; keeps a map back to the original offsets.",
)
def make_normalize(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
    normalizer = normalizer_for(kb)

    def normalize(doc: Doc) -> None:
        doc.norm = normalizer(doc.text)

    return normalize
