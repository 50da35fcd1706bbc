"""Views of a text where drug names hide from whole-word matching.

* Elongated words ("cocaaaine", "weeeed"): normalization cuts letter runs to two, so the
  words that had one are squashed to one letter per run and matched again, only there.
* Spaced-out runs ("C O L O M B I A N C O C A I N E"): normalization joins the letters into
  one word, inside which the long names are matched as substrings.

Both return matches in the coordinates of the normalized text, as the main matcher does.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from typing import Any

from narcwatch import _native
from narcwatch.analyze.doc import NormalizedText
from narcwatch.kb import Term
from narcwatch.kb.matcher import TermMatcher

ELONGATED = re.compile(r"(?!w)([^\W\d_])\1\1", re.IGNORECASE)  # "cocaaaine", not "www"
_WS = re.compile(r"\s+")
_AROUND = 64


def elongated_words(text: str) -> list[tuple[int, int]]:
    """Spans around the few words that hold a letter written three times or more, with a
    word either side for two-word terms ("crystaaal meth"): at most ``_AROUND`` characters
    each way, so a page without spaces never becomes one huge "word"."""
    spans: list[tuple[int, int]] = []
    for m in ELONGATED.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue
        lo = max(0, m.start() - _AROUND)
        hi = min(len(text), m.end() + _AROUND)
        before = _WS.findall(text, lo, m.start())
        if len(before) >= 2:  # start after the whitespace two words back
            lo = [x.end() for x in _WS.finditer(text, lo, m.start())][-2]
        after = [x.start() for x in _WS.finditer(text, m.end(), hi)]
        if len(after) >= 2:
            hi = after[1]
        if spans and lo <= spans[-1][1]:
            lo = spans.pop()[0]
        spans.append((lo, hi))
    return spans


# "C O L O M B I A N C O C A I N E": spaced-out letters that normalization joins into one
# word, where the drug's name is no longer a whole word.
SPACED_RUN = re.compile(r"(?<!\w)[^\W\d_](?: [^\W\d_]){7,}(?!\w)")


def has_elongated(text: str) -> bool:
    """Whether ``text`` holds a letter written three times or more (``ELONGATED``)."""
    if (native := _native.speedups) is not None and (
        found := native.has_elongated(text)
    ) is not None:
        return found
    return ELONGATED.search(text) is not None


def has_spaced_run(text: str) -> bool:
    """Whether ``text`` holds a run of spaced-out letters (``SPACED_RUN``)."""
    if (native := _native.speedups) is not None:
        return native.has_spaced_run(text)
    return SPACED_RUN.search(text) is not None


def substring_automaton(names: Mapping[str, list[Term]]) -> Any:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for key, terms in names.items():
        automaton.add_word(key, (key, terms))
    if names:
        automaton.make_automaton()
    return automaton


def inside_spaced_runs(inner: Any, text: str, norm: NormalizedText) -> list[Any]:
    """Long names found anywhere inside a spaced-out run, in normalized coordinates: every
    letter of the run may start a word, so names are matched as substrings there."""
    out: list[tuple[int, int, list[Term]]] = []
    if not len(inner):
        return out
    for m in SPACED_RUN.finditer(text):
        lo, hi = to_norm(norm, m.start()), to_norm(norm, m.end())
        taken = -1
        found = sorted(
            (
                (last + 1 - len(key), last + 1, terms)
                for last, (key, terms) in inner.iter(norm.text[lo:hi])
            ),
            key=lambda f: (f[0], -f[1]),
        )
        for s, e, terms in found:  # leftmost-longest, no overlaps
            if s >= taken:
                out.append((lo + s, lo + e, terms))
                taken = e
    return out


def to_norm(norm: NormalizedText, pos: int) -> int:
    """The first position of the normalized text that comes from ``pos`` or later in the
    original (the offset map is monotonic, so a binary search finds it)."""
    if norm.origin is None:
        return pos
    return bisect_left(range(len(norm.text)), pos, key=norm.origin)


def squashed_hits(
    matcher: TermMatcher[Term], text: str, spans: list[tuple[int, int]]
) -> list[tuple[int, int, list[Term]]]:
    """Matches of the squashed terms ("cocaaaine" -> "cocaine") inside ``spans`` of the
    normalized text, in its coordinates. Only those words are squashed: a 1 MB page with
    one "Yesss" costs a few words, not a second pass over the page."""
    out: list[tuple[int, int, list[Term]]] = []
    for lo, hi in spans:
        piece = text[lo:hi]
        keep = [0] + [
            i for i in range(1, len(piece)) if not (piece[i] == piece[i - 1] and piece[i].isalpha())
        ]
        squashed = "".join(piece[i] for i in keep)
        for s, e, payloads in matcher.find(squashed):
            # The match ends where the next kept letter starts: "hashhhh" is all of it.
            out.append((lo + keep[s], lo + (keep[e] if e < len(keep) else len(piece)), payloads))
    return out
