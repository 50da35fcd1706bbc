"""Unit and currency words of the knowledge base, looked up at a position in a text.

The quantities component reads a number, then asks what is written next to it. A dict
lookup per number is far cheaper than alternations of hundreds of words tried by a regex
(the scan budget is ~20 µs per document), so the words of ``units.yaml`` and
``currencies.yaml`` go into dicts here, and symbols ("$", "US$", "€") into short lists
tried with ``startswith``.
"""

from __future__ import annotations

import re

from narcwatch import _native
from narcwatch.kb import KnowledgeBase

WORD = re.compile(r"[^\W\d_]+")
GAP = " \t\u00a0\u202f"  # what may stand between a number and its unit or currency


def _forms(word: str) -> set[str]:
    # Text is lower-cased, not case-folded (folding changes lengths): accept both forms.
    return {word.lower(), word.casefold()}


class UnitWords:
    """The unit and currency forms of one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        # Word forms ("gram", "oz.", "руб.") go to dicts; forms with other characters
        # ("$", "US$", "€") are tried with startswith, indexed by their first/last char.
        self.words: dict[str, tuple[str, str]] = {}
        self.symbols: dict[str, list[tuple[str, str, str]]] = {}
        self.codes: dict[str, str] = {}  # currency words allowed before a number: "USD 300"
        self.symbols_before: dict[str, list[tuple[str, str]]] = {}
        for u in kb.units:
            for a in [u.unit, *u.aliases]:
                self._add(a, "unit", u.unit)
        for c in kb.currencies:
            for a in [c.code, *c.aliases]:
                self._add(a, "cur", c.code)
            self.codes.update(dict.fromkeys(_forms(c.code), c.code))
            for sym in c.symbols:
                self._add(sym, "cur", c.code)
                for f in _forms(sym):
                    self.symbols_before.setdefault(f[-1], []).append((f, c.code))
        # Longest first: "us$" before "$".
        for table in self.symbols.values():
            table.sort(key=lambda t: -len(t[0]))
        for before in self.symbols_before.values():
            before.sort(key=lambda t: -len(t[0]))

    def _add(self, form: str, kind: str, value: str) -> None:
        for f in _forms(form):
            # Scripts without case ("元", "円") are written without spaces around: prefixes.
            if WORD.fullmatch(f.rstrip(".")) and f.count(".") <= 1 and f != f.upper():
                self.words.setdefault(f, (kind, value))
            else:
                self.symbols.setdefault(f[0], []).append((f, kind, value))

    def token(self, text: str, low: str, p: int, year: bool = False) -> tuple[str, str, int] | None:
        """The unit or currency written at ``p`` (after an optional gap): (kind, value, end)."""
        if (native := _native.speedups) is not None and len(text) == len(low) and p >= 0:
            return native.unit_token(text, low, p, year, self.symbols, self.words)
        if p < len(low) and low[p] in GAP:
            p += 1
        if p < len(low) and low[p] == "-" and p + 1 < len(low) and low[p + 1].isalpha():
            p += 1  # "10-mg", "5-gram"
        if p >= len(low):
            return None
        for form, kind, value in self.symbols.get(low[p], ()):
            if low.startswith(form, p):
                end = p + len(form)
                nxt = low[end : end + 1]
                if not (form[-1].isalpha() and nxt.isalpha() and nxt != nxt.upper()):
                    return kind, value, end
        m = WORD.match(low, p)
        if m is None:
            return None
        end = m.end()
        word = m.group()
        # One letter after a year is a year mark: "2019 г.", "2019 р." (Ukrainian "рік").
        if year and len(word) == 1:
            return None
        if low.startswith(".", end) and (found := self.words.get(word + ".")):
            return found[0], found[1], end + 1
        if found := self.words.get(word):
            return found[0], found[1], end
        # "100gCocaine": a unit glued to the next word, told apart by its capital letter.
        for i in range(p + 1, min(end, p + 12)):
            if text[i].isupper() and text[i - 1].islower():
                found = self.words.get(low[p:i])
                return (found[0], found[1], i) if found else None
        return None

    def currency_before(self, low: str, s: int) -> tuple[str, int] | None:
        """The currency written just before ``s`` ("€80", "USD 300"): (code, start)."""
        j = s - 1 if s > 0 and low[s - 1] in GAP else s
        if j <= 0:
            return None
        for form, code in self.symbols_before.get(low[j - 1], ()):
            if low.endswith(form, 0, j):
                return code, j - len(form)
        k = j
        while k > 0 and j - k < 5 and low[k - 1].isalpha():
            k -= 1
        word = self.codes.get(low[k:j]) if k < j else None
        if word is not None and (k == 0 or not low[k - 1].isalpha()):
            return word, k
        return None
