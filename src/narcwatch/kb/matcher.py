"""One compiled multi-pattern matcher over many normalized terms (Aho-Corasick).

Built once per process from the knowledge base; ``find`` returns leftmost-longest,
non-overlapping, word-bounded matches over an already normalized text. Word boundaries are
checked on the characters around a match, so "meth" never matches inside "method" and
"mda" not inside "mdma", in any script.

pyahocorasick is used rather than Hyperscan because it matches ``str`` (character offsets,
any script) directly; Hyperscan's word boundaries are ASCII-only in UTF-8 mode, and
compiling tens of thousands of patterns with start-of-match tracking took ~40 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import ahocorasick

T = TypeVar("T")


# Inside e-mail addresses, URLs, handles and file names ("amy.chem@x.com", "t.me/amy") a
# word is not a word: these joiners continue a token when a letter or digit follows them.
_JOINERS = frozenset("._@/")


def _joined(text: str, i: int, step: int) -> bool:
    """Whether position ``i`` (next to a match) continues the token the match sits in."""
    c = text[i]
    if c.isalnum():
        return True
    j = i + step
    return c in _JOINERS and 0 <= j < len(text) and text[j].isalnum()


class TermMatcher(Generic[T]):
    """Maps normalized keys to payloads; a key may carry several payloads."""

    def __init__(self, entries: Iterable[tuple[str, T]], normalize: Callable[[str], str]) -> None:
        self._payloads: dict[str, list[T]] = {}
        for term, payload in entries:
            key = normalize(term)
            if key:
                self._payloads.setdefault(key, []).append(payload)
        self._auto = ahocorasick.Automaton()
        for key in self._payloads:
            self._auto.add_word(key, key)
        self.size = len(self._payloads)
        if self.size:
            self._auto.make_automaton()

    def keys(self) -> list[str]:
        return list(self._payloads)

    def find(self, text: str) -> list[tuple[int, int, list[T]]]:
        """Word-bounded matches as ``(start, end, payloads)``, leftmost-longest first."""
        if not self.size:
            return []
        n = len(text)
        cands: list[tuple[int, int, str]] = []
        for last, key in self._auto.iter(text):
            end = last + 1
            start = end - len(key)
            if key[0].isalnum() and start > 0 and _joined(text, start - 1, -1):
                continue
            if key[-1].isalnum() and end < n and _joined(text, end, 1):
                continue
            cands.append((start, end, key))
        if not cands:
            return []
        cands.sort(key=lambda c: (c[0], c[0] - c[1]))
        out: list[tuple[int, int, list[T]]] = []
        taken_until = -1
        for start, end, key in cands:
            if start >= taken_until:
                out.append((start, end, self._payloads[key]))
                taken_until = end
        return out
