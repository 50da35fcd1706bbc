"""Drug names written one letter off: "vlagra", "cialiis", "vlcodin", "adlpex".

Pharmacy spam and market titles misspell long names on purpose (to pass filters) or by
accident; leetspeak and homoglyphs are undone by normalization, but a swapped, doubled or
dropped letter is not. A word of ``MIN_LEN`` letters or more that is one edit (a letter
added, dropped or changed) from a long, unambiguous name or synonym is read as it.

The index holds every name with one letter deleted (a "deletion neighbourhood"): two
words are one edit apart exactly when they share a key after deleting at most one letter
from each, so a lookup is a handful of dictionary probes, not a scan over 15,000 names.
Real words one edit from a drug name ("heroine", "morphing") are listed in
``kb/data/term_usage.yaml`` (``near_words``, measured by ``scripts/term_usage.py`` on the
word lists of seven languages) and never read as drugs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from narcwatch import _native

if TYPE_CHECKING:
    from narcwatch.kb.loader import Term

MIN_LEN = 6  # shorter names are too close to ordinary words ("xanax" one off "xanan"?)
_WORD = re.compile(r"[a-z]{6,20}")


def deletions(word: str) -> set[str]:
    """``word`` and every string made by deleting one of its letters."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


class FuzzyIndex:
    """Maps a misspelt word to the names it is one edit from."""

    def __init__(self, names: Iterable[str], exclude: Iterable[str] = ()) -> None:
        self._keys: dict[str, set[str]] = {}
        self._names: set[str] = set()
        for name in names:
            if len(name) >= MIN_LEN and name.isascii() and name.isalpha():
                self._names.add(name)
                for d in deletions(name):
                    self._keys.setdefault(d, set()).add(name)
        self.exclude = frozenset(exclude)

    def lookup(self, word: str) -> str | None:
        """The one name ``word`` is one edit from, or None (none, several, or the word is a
        name itself or a real word of some language)."""
        if word in self._names or word in self.exclude:
            return None
        keys = self._keys
        found = keys.get(word)
        # Probing the deletions one by one, no set built: most words match nothing.
        for i in range(len(word)):
            names = keys.get(word[:i] + word[i + 1 :])
            if names:
                found = names if found is None else found | names
                if len(found) > 1:
                    return None
        if not found or len(found) > 1:
            return None
        return next(iter(found))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, name)`` of every misspelt name in lower-case ``text``."""
        if (native := _native.speedups) is not None:
            keys = self._keys
            return native.fuzzy_find(text, self._names, self.exclude, keys, _filter(native, keys))
        out = []
        for m in _WORD.finditer(text):
            s, e = m.span()
            if (s and text[s - 1].isalnum()) or (e < len(text) and text[e].isalnum()):
                continue  # part of a longer token ("2cbfly", "abc123")
            name = self.lookup(m.group())
            if name is not None:
                out.append((s, e, name))
        return out


_FILTERS: dict[int, tuple[dict[str, set[str]], bytes]] = {}


def _filter(native: Any, keys: dict[str, set[str]]) -> bytes:
    """The native Bloom filter of an index's keys, made once per index (the keys never
    change once built); at most a few are kept (one per knowledge base in use)."""
    found = _FILTERS.get(id(keys))
    if found is None or found[0] is not keys:
        if len(_FILTERS) >= 8:
            _FILTERS.clear()
        found = _FILTERS[id(keys)] = (keys, native.fuzzy_filter(keys))
    return found[1]


def fuzzy_names(terms: Iterable[Term], normalize: Callable[[str], str]) -> dict[str, list[Term]]:
    """The names and synonyms read with one letter off, by normalized form: single words of
    ``MIN_LEN`` letters or more that are unambiguous (slang is too close to ordinary words
    to be guessed at)."""
    out: dict[str, list[Term]] = {}
    for t in terms:
        if t.via not in ("name", "synonym") or t.ambiguous or not t.substances:
            continue
        key = normalize(t.text)
        if len(key) >= MIN_LEN and key.isascii() and key.isalpha():
            out.setdefault(key, []).append(t)
    return out
