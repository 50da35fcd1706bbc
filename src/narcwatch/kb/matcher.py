"""One compiled multi-pattern matcher over many normalized terms (Aho-Corasick).

Built once per knowledge base; ``find`` returns leftmost-longest,
non-overlapping, whole-word matches over an already normalized text, so "meth" never
matches inside "method" and "mda" not inside "mdma", in any script.

Whole words are enforced inside the automaton, not after it: every character that is not
a letter or digit becomes a space in both the terms and the text (same length, so offsets
do not move), and each term is stored with a space on either side. The automaton then
only ever reports whole-word matches, instead of thousands of fragments ("ice" in
"price") that Python would have to reject one by one. Terms with no letter or digit at
all (emoji) live in a second automaton matched on the text as it is.

pyahocorasick is used rather than Hyperscan because it matches ``str`` (character offsets,
any script) directly; Hyperscan's word boundaries are ASCII-only in UTF-8 mode, and
compiling tens of thousands of patterns with start-of-match tracking took ~40 s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

import ahocorasick

from narcwatch import _native

T = TypeVar("T")

_NOT_WORD = re.compile(r"[\W_]")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
# Inside e-mail addresses, URLs, handles and file names ("amy.chem@x.com", "t.me/amy") a
# word is not a word: these joiners continue a token when a letter or digit follows them.
_JOINERS = frozenset("._@/")


# An amount glued to the word after it ("10gCocaine", "5gr.weed" is already apart): the
# unit becomes a space in the view so the word is whole; offsets do not move.
_GLUED_UNIT = re.compile(r"(?<=\d)(?:g|gr|mg|kg|ml|oz|x)(?=[^\W\d_]{3})", re.IGNORECASE)
_APOSTROPHES = frozenset("'’")
_URLISH = re.compile(r"[.:]")


# ASCII letters and digits kept, every other byte a space: the same as _NOT_WORD on ASCII
# text, in one C pass with no intermediate pieces (re.sub builds one per non-word character:
# 200 MB of them for a 20 MB page).
_ASCII_WORDS = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))


def word_chars(text: str) -> str:
    """``text`` with every character that is not a letter or digit as a space."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii")
    return _NOT_WORD.sub(" ", text)


def word_view(text: str) -> str:
    """``text`` with every non-word character as a space, padded by one space each side."""
    if (native := _native.speedups) is not None:
        return native.word_view(text)
    view = word_chars(text)
    if "g" in view or "G" in view or "x" in view:  # cheap guard for the glued-unit pass
        view = _GLUED_UNIT.sub(lambda m: " " * len(m.group(0)), view)
    return " " + view + " "


def _token_before(text: str, i: int) -> str:
    """The whitespace-delimited token that ends at ``i`` (at most 64 characters of it)."""
    lo = max(0, i - 64)
    return text[lo:i].rsplit(None, 1)[-1] if text[lo:i].strip() else ""


def _joined(text: str, i: int, step: int) -> bool:
    """Whether position ``i`` (next to a match) continues the token the match sits in."""
    j = i + step
    if not 0 <= j < len(text):
        return False
    c = text[i]
    if c in _APOSTROPHES:  # "don't", "won't": the word is a contraction, not "don"
        return step == 1 and text[j] in "tT" and not text[j + 1 : j + 2].isalpha()
    if c == "-" and step == 1 and text[j].isdigit():
        # A chemical name goes on ("2C-T" is not "2C-T-2"), an amount does not ("Cocaine-1g",
        # "MDMA-84%"): digits followed by a letter, "%", "." or "," are an amount.
        k = j
        while k < len(text) and k - j < 12 and text[k].isdigit():
            k += 1
        if text[k : k + 1] in ("-", "–") and text[k + 1 : k + 2].isdigit():
            # A range is an amount too ("Cocaine-92-97%"): read on to its end.
            k += 1
            while k < len(text) and k - j < 24 and text[k].isdigit():
                k += 1
        return k >= len(text) or not (text[k].isalpha() or text[k] in "%.,")
    if c not in _JOINERS or not text[j].isalnum():
        return False
    if c == "/":
        # A slash joins the parts of a URL or path ("t.me/amy", "shop.to/x"), but separates
        # alternatives everywhere else ("Kokain/Cocaine", "weed/hash").
        return _URLISH.search(_token_before(text, i)) is not None
    return True


# pyahocorasick copies the whole string it is given into 4 bytes a character before it
# scans (200 MB for a 50 MB one-line page, even with start and end given); long texts are
# fed to it in slices of this many characters instead.
_SLICE = 1 << 20


def automaton_iter(automaton: Any, text: str, longest: int) -> Iterator[tuple[int, Any]]:
    """``automaton.iter(text)``: every (end index, value), in the same order, with at
    most one slice of a long ``text`` copied at a time. ``longest``: the longest key, so a
    match across a slice border is found once, in the slice where it ends."""
    n = len(text)
    if n <= 2 * _SLICE:
        yield from automaton.iter(text)
        return
    for lo in range(0, n, _SLICE):
        back = max(0, lo - longest)
        for last, value in automaton.iter(text[back : lo + _SLICE]):
            if last + back >= lo:
                yield last + back, value


class TermMatcher(Generic[T]):
    """Maps normalized keys to payloads; a key may carry several payloads."""

    def __init__(self, entries: Iterable[tuple[str, T]], normalize: Callable[[str], str]) -> None:
        self._payloads: dict[str, list[T]] = {}
        for term, payload in entries:
            key = normalize(term)
            if key:
                self._payloads.setdefault(key, []).append(payload)
        self._words = ahocorasick.Automaton()
        self._symbols = ahocorasick.Automaton()
        self._n_words = self._n_symbols = 0
        self._longest = 1
        for key in self._payloads:
            core = _EDGES.sub("", key)  # "#4" and "4" are the same whole word
            if core and any(c.isalnum() for c in core):
                padded = word_view(core)
                # Two keys can share a word view ("2c-b", "2c b"): keep both payloads.
                _, existing = self._words.get(padded, (0, ()))
                self._words.add_word(padded, (len(core), (*existing, key)))
                self._n_words += 1
                self._longest = max(self._longest, len(padded))
            else:
                self._symbols.add_word(key, (key,))
                self._n_symbols += 1
                self._longest = max(self._longest, len(key))
        if self._n_words:
            self._words.make_automaton()
        if self._n_symbols:
            self._symbols.make_automaton()
        self.size = len(self._payloads)

    def keys(self) -> list[str]:
        return list(self._payloads)

    def payloads(self, key: str) -> list[T]:
        return self._payloads[key]

    def find(
        self,
        text: str,
        view: str | None = None,
        *,
        cap: int | None = None,
        overflow: dict[str, int] | None = None,
    ) -> list[tuple[int, int, list[T]]]:
        """Whole-word matches as ``(start, end, payloads)``, leftmost-longest first.

        ``view`` is ``word_view(text)`` when the caller has it already (several matchers
        over one text share it). With ``cap``, at most that many matches of one key are
        kept (the first ones); the others are counted per key in ``overflow``, so memory
        stays flat on a page that repeats one word a million times."""
        cands: list[tuple[int, int, tuple[str, ...]]] = []
        seen: dict[tuple[str, ...], int] = {}
        if self._n_words:
            view = view if view is not None else word_view(text)
            n = len(text)
            native = _native.speedups
            found = automaton_iter(self._words, view, self._longest)
            if native is not None:  # the loop below, in C
                cands = native.word_matches(found, text, cap, overflow)
            for last, (size, keys) in found if native is None else ():
                # The padded key spans view[last - size - 1 : last + 1]; minus the two
                # spaces and the one-character shift, that is text[start:end].
                end = last - 1
                start = end - size
                if start > 0 and _joined(text, start - 1, -1):
                    continue
                if end < n and _joined(text, end, 1):
                    continue
                if cap is not None:
                    k = seen[keys] = seen.get(keys, 0) + 1
                    if k > cap:
                        if overflow is not None:
                            overflow[keys[0]] = overflow.get(keys[0], 0) + 1
                        continue
                cands.append((start, end, keys))
        if self._n_symbols and not text.isascii():
            for last, keys in automaton_iter(self._symbols, text, self._longest):
                cands.append((last + 1 - len(keys[0]), last + 1, keys))
        if not cands:
            return []
        cands.sort(key=lambda c: (c[0], c[0] - c[1]))
        out: list[tuple[int, int, list[T]]] = []
        taken_until = -1
        for start, end, keys in cands:
            if start >= taken_until:
                payloads = [p for k in keys for p in self._payloads[k]]
                out.append((start, end, payloads))
                taken_until = end
        return out
