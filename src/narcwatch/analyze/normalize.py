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
from array import array
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from narcwatch.analyze.doc import Doc, NormalizedText
from narcwatch.analyze.registry import register_component
from narcwatch.kb import default_kb

# Cheap test for ASCII text that needs no more than lower(): a letter next to a leet
# character, spaced-out single letters, or a run of three identical letters.
_ASCII_WORK = re.compile(
    r"[a-z][0-9@$]|[0-9@$][a-z]"
    r"|(?<![a-z0-9])[a-z][ .\-_*][a-z][ .\-_*][a-z](?![a-z0-9])"
    r"|([a-z])\1\1"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_TOKEN = re.compile(r"[\w@$]+")
_SPACED = re.compile(r"(?<![\w])\w(?:[ .\-_*·•]\w){2,}(?![\w])")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")
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

    def __call__(self, text: str) -> NormalizedText:
        if text.isascii():
            low = text.lower()
            if not _ASCII_WORK.search(low):
                return NormalizedText(low, None)
            s, origin = low, None
        else:
            s, origin = _fold(text)
        s = _TOKEN.sub(self._map_token, s)  # same length: origin unchanged
        if _SPACED.search(s) or _REPEAT.search(s):
            s, origin = _edit(s, origin, len(text))
        return NormalizedText(s, origin)

    def _map_token(self, m: re.Match[str]) -> str:
        tok = m.group(0)
        letters = sum(c.isascii() and c.isalpha() for c in tok)
        if letters == 0:
            return tok
        if any(c in self.glyphs for c in tok) and letters >= 1 and not tok.isascii():
            tok = tok.translate(self.glyph_table)
        if letters >= 2 and any(c in self.leet for c in tok) and not _NUMBER_UNIT.fullmatch(tok):
            mapped = tok.translate(self.leet_table)
            if mapped.isalpha():  # "c0ca1ne" -> "cocaine"; "bc1qw508d" stays as it is
                tok = mapped
        return tok


def _fold(text: str) -> tuple[str, array | None]:
    """Fold a text with non-ASCII characters, keeping the origin of every output char."""
    parts: list[str] = []
    origin = array("l")
    pos = 0
    same_length = True
    for m in _NON_ASCII.finditer(text):
        start, end = m.span()
        parts.append(text[pos:start].lower())
        origin.extend(range(pos, start))
        for i in range(start, end):
            folded = _fold_char(text[i])
            if len(folded) != 1:
                same_length = False
            parts.append(folded)
            origin.extend([i] * len(folded))
        pos = end
    parts.append(text[pos:].lower())
    origin.extend(range(pos, len(text)))
    s = "".join(parts)
    if same_length:
        return s, None
    origin.append(len(text))
    return s, origin


def _edit(s: str, origin: array | None, original_len: int) -> tuple[str, array]:
    """Join spaced-out letters and cut letter runs, rebuilding the origin map."""
    src = origin if origin is not None else array("l", range(len(s) + 1))
    keep = bytearray(b"\x01") * len(s)
    for m in _SPACED.finditer(s):
        for i in range(m.start() + 1, m.end(), 2):
            keep[i] = 0  # the separators
    for m in _REPEAT.finditer(s):
        for i in range(m.start() + 2, m.end()):
            keep[i] = 0
    chars = [c for c, k in zip(s, keep, strict=True) if k]
    new_origin = array("l", (src[i] for i in range(len(s)) if keep[i]))
    new_origin.append(src[len(s)] if len(src) > len(s) else original_len)
    return "".join(chars), new_origin


@lru_cache(maxsize=1)
def default_normalizer() -> Normalizer:
    kb = default_kb()
    glyphs = {h.char: h.ascii for h in kb.homoglyphs if h.script != "leet"}
    leet = {h.char: h.ascii for h in kb.homoglyphs if h.script == "leet"}
    return Normalizer(glyphs, leet)


def normalize_term(term: str) -> str:
    """The normalized form of a knowledge-base term (the matcher's key)."""
    return default_normalizer()(term).text.strip()


@register_component(
    "normalize",
    requires=("text",),
    sets=("norm",),
    description="Matching view of the text: NFKC/case folding, homoglyphs, leetspeak, "
    "spaced letters, repeats; keeps a map back to the original offsets.",
)
def make_normalize(config: Mapping[str, Any]) -> Any:
    normalizer = default_normalizer()

    def normalize(doc: Doc) -> None:
        doc.norm = normalizer(doc.text)

    return normalize
