"""Where supporting context is, found without comparing hits in pairs.

An ambiguous drug term counts only with context nearby: another drug's name, a sale cue,
an amount. A page can hold 100,000 hits, so every question ("is there one within this
window?", "is another drug's name right next to this one?") is answered from sorted
positions with a binary search, never by looking at every pair.
"""

from __future__ import annotations

import re
from bisect import bisect_left

# An ambiguous term right next to an explicit name of another substance describes it
# ("Afghan heroin", "Fentanyl HCl") rather than naming a second one; "Gras und Hasch" is a list.
DESCRIPTOR_GAP = re.compile(r"[\s\-–:#()]{0,3}")
GAP_MAX = 3
# An ordinary word is a drug in a list of drugs: only separators between it and the next.
LIST_GAP = re.compile(
    r"\s*(?:[,;/&+|•·*]|-|–|\band\b|\bor\b|\bund\b|\bet\b|\by\b|\d{1,3}[.)]?)?\s*"
)
LIST_GAP_MAX = 8
# Between names of one drug a list needs a separator ("Amnesia Haze 20 Cheese", "Kush,
# Haze"): with only a space, the word before a name is a verb or an adjective ("smoke weed").
LIST_SEP = re.compile(r"\s*(?:[,;/&+|•·*]|\band\b|\bor\b|\bund\b|\bet\b|\by\b|\d{1,3}[.)]?)\s*")


class Positions:
    """Sorted positions of earlier hits, for "is there one within this window?" in O(log n)."""

    __slots__ = ("_at",)

    def __init__(self, positions: list[int]) -> None:
        self._at = sorted(positions)

    def any_within(self, lo: int, hi: int) -> bool:
        i = bisect_left(self._at, lo)
        return i < len(self._at) and self._at[i] <= hi


class AmountScan:
    """Amounts near ambiguous terms, read lazily: only the windows asked about are scanned,
    each character at most once while windows come in text order, because the amount
    pattern over a whole 1 MB page costs more than the rest of the component."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.pattern = pattern
        self.text = text
        self.scanned_to = 0
        self.last_lo = 0
        self.found: list[int] = []

    def any_within(self, lo: int, hi: int) -> bool:
        lo, hi = max(0, lo), min(len(self.text), hi)
        if lo < self.last_lo:
            # Asked out of order (windows of different widths): search this one window
            # directly; it is a few hundred characters, so the total stays linear.
            return self.pattern.search(self.text, lo, hi) is not None
        self.last_lo = lo
        if hi > self.scanned_to:
            # Back up a little so an amount cut by the previous window's end is seen whole.
            begin = max(lo, self.scanned_to - 32)
            last = self.found[-1] if self.found else -1
            for m in self.pattern.finditer(self.text, begin, hi):
                if m.start() > last:  # the back-up re-reads a little: keep the list sorted
                    self.found.append(m.start())
                    last = m.start()
            self.scanned_to = hi
        i = bisect_left(self.found, lo)
        return i < len(self.found) and self.found[i] <= hi


class Confident:
    """Confident hits indexed by start and by end, to find the ones right next to a span
    without looking at every pair (a page can hold 100,000 hits)."""

    def __init__(self, hits: list[tuple[int, int, str, str]]) -> None:
        self.by_start = sorted((s, e, sid) for s, e, sid, _ in hits)
        self.by_end = sorted((e, s, sid) for s, e, sid, _ in hits)
        self.starts = [h[0] for h in self.by_start]
        self.ends = [h[0] for h in self.by_end]

    def _after(self, text: str, end: int, sid: str, gap: re.Pattern[str], most: int) -> bool:
        i = bisect_left(self.starts, end)
        while i < len(self.starts) and self.starts[i] <= end + most:
            s, _e, other = self.by_start[i]
            if other != sid and gap.fullmatch(text, end, s):
                return True
            i += 1
        return False

    def _before(self, text: str, start: int, sid: str, gap: re.Pattern[str], most: int) -> bool:
        j = bisect_left(self.ends, start - most)
        while j < len(self.ends) and self.ends[j] <= start:
            e, _s, other = self.by_end[j]
            if other != sid and gap.fullmatch(text, e, start):
                return True
            j += 1
        return False

    def _next_to_another(
        self, text: str, start: int, end: int, sid: str, gap: re.Pattern[str], most: int
    ) -> bool:
        """Whether another substance's name sits right after or before ``[start, end)``,
        with at most ``most`` characters between that ``gap`` matches whole."""
        return self._after(text, end, sid, gap, most) or self._before(text, start, sid, gap, most)

    def between_others(self, text: str, start: int, end: int, sid: str) -> bool:
        """Another drug's term on both sides with only list separators between: a member
        of a list ("coke cocaine weed shrooms"), not a word describing its neighbour."""
        return self._before(text, start, sid, LIST_GAP, LIST_GAP_MAX) and self._after(
            text, end, sid, LIST_GAP, LIST_GAP_MAX
        )

    def listed_with_its_own(self, text: str, start: int, end: int, sid: str) -> bool:
        """A name of ``sid`` itself with a list separator between ("Haze 20 Cheese")."""
        i = bisect_left(self.starts, end)
        while i < len(self.starts) and self.starts[i] <= end + LIST_GAP_MAX:
            s, _e, other = self.by_start[i]
            if other == sid and LIST_SEP.fullmatch(text, end, s):
                return True
            i += 1
        j = bisect_left(self.ends, start - LIST_GAP_MAX)
        while j < len(self.ends) and self.ends[j] <= start:
            e, _s, other = self.by_end[j]
            if other == sid and LIST_SEP.fullmatch(text, e, start):
                return True
            j += 1
        return False

    def listed_with_another(self, text: str, start: int, end: int, sid: str) -> bool:
        """Another drug's name with only a list separator between ("coke, weed, boy")."""
        return self._next_to_another(text, start, end, sid, LIST_GAP, LIST_GAP_MAX)

    def after_its_own(self, text: str, start: int, sid: str) -> bool:
        """Whether a name of ``sid`` ends a few separator characters before ``start``: the
        word heads a noun phrase about that drug ("Codeine Syrup"), as an English modifier
        comes before its noun (a verb comes before its object: in "smoke weed" the verb is
        not about the drug after it)."""
        j = bisect_left(self.ends, start - GAP_MAX)
        while j < len(self.ends) and self.ends[j] <= start:
            e, _s, other = self.by_end[j]
            if other == sid and DESCRIPTOR_GAP.fullmatch(text, e, start):
                return True
            j += 1
        return False

    def describes_another(self, text: str, start: int, end: int, sid: str) -> bool:
        """Another drug's name within a few separator characters: the word describes it
        ("Afghan heroin", "Fentanyl HCl")."""
        return self._next_to_another(text, start, end, sid, DESCRIPTOR_GAP, GAP_MAX)


# A drug's name this close on the same line is the one a slang or form word next to it is
# about ("Codeine Syrup", "Mortal Kombat pills x 5 | 140mg MDMA", "10 Vials Liquid Ketamine").
NEAR_NAME = 40
LINE_BREAK = re.compile(r"\n")
# ... and a name across a list separator is another item of a list ("25i/25c-NBOMe").
LIST_APART = re.compile(r"[\n,;/&|+•]|\b(?:and|or|und|et|y)\b")


class NearestName:
    """Names of drugs (sure names and names one letter off) by position, to ask which is
    the nearest to a span on the same line, in O(log n) per question."""

    def __init__(self, hits: list[tuple[int, int, str, str]]) -> None:
        self.by_start = sorted((s, e, sid) for s, e, sid, _ in hits)
        self.by_end = sorted((e, s, sid) for s, e, sid, _ in hits)
        self.starts = [h[0] for h in self.by_start]
        self.ends = [h[0] for h in self.by_end]

    def nearest(
        self,
        text: str,
        start: int,
        end: int,
        most: int = NEAR_NAME,
        apart: re.Pattern[str] = LINE_BREAK,
    ) -> set[str]:
        """The substances of the name(s) nearest to ``[start, end)`` on its line, at most
        ``most`` characters away (both, at the same distance); empty where there is none.
        A name with ``apart`` between (a line break; or a list separator) does not count."""
        best, ids = most + 1, set()
        i = bisect_left(self.starts, end)
        while i < len(self.starts) and self.starts[i] - end <= most:
            s, _e, sid = self.by_start[i]
            if apart.search(text, end, s):
                break
            d = s - end
            if d < best:
                best, ids = d, {sid}
            elif d == best:
                ids.add(sid)
            i += 1
        j = bisect_left(self.ends, start + 1) - 1  # names ending at or before start
        while j >= 0 and start - self.ends[j] <= most:
            e, _s, sid = self.by_end[j]
            if apart.search(text, e, start):
                break
            d = start - e
            if d < best:
                best, ids = d, {sid}
            elif d == best:
                ids.add(sid)
            j -= 1
        return ids
