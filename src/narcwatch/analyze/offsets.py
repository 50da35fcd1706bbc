"""Offset maps: where each character of a normalized text came from in the original.

Normalization deletes characters (zero-width, separators in "c.o.c.a.i.n.e", repeated
letters) and sometimes expands one into several ("ß" -> "ss"). Rather than one integer per
character (costly to build in Python for every document), an :class:`OffsetMap` keeps a
few segments: from normalized index ``n`` on, the original index is ``o + step * (i - n)``
with ``step`` 1 (a run copied as is) or 0 (several characters made from one).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable


class OffsetMap:
    __slots__ = ("n_starts", "o_starts", "steps")

    def __init__(self, segments: Iterable[tuple[int, int, int]]) -> None:
        self.n_starts: list[int] = []
        self.o_starts: list[int] = []
        self.steps: list[int] = []
        for n, o, step in segments:
            self.n_starts.append(n)
            self.o_starts.append(o)
            self.steps.append(step)

    def __call__(self, i: int) -> int:
        """Original index of normalized character ``i``."""
        k = bisect_right(self.n_starts, i) - 1
        if k < 0:
            return i
        return self.o_starts[k] + self.steps[k] * (i - self.n_starts[k])

    @classmethod
    def from_lengths(cls, changes: list[tuple[int, int]]) -> OffsetMap:
        """Map for a text where original character ``index`` became ``length`` characters
        (0: deleted, 2+: expanded) and every other character stayed one character."""
        segments: list[tuple[int, int, int]] = [(0, 0, 1)]
        shift = 0  # normalized index minus original index, after the changes so far
        for index, length in changes:
            if length > 1:
                segments.append((index + shift, index, 0))
            shift += length - 1
            segments.append((index + 1 + shift, index + 1, 1))
        return cls(segments)

    def without(self, drops: list[int], length: int) -> OffsetMap:
        """The map of this text with the (sorted, unique) positions ``drops`` removed."""
        segments: list[tuple[int, int, int]] = []
        j = 0  # index in the new text
        prev = 0
        for stop in [*drops, length]:
            if stop > prev:  # kept run [prev, stop) of the old text starts at new index j
                k = bisect_right(self.n_starts, prev) - 1
                pos = prev
                while pos < stop:
                    seg_end = self.n_starts[k + 1] if k + 1 < len(self.n_starts) else stop
                    seg_end = min(seg_end, stop)
                    segments.append((j + pos - prev, self(pos), self.steps[k] if k >= 0 else 1))
                    pos = seg_end
                    k += 1
                j += stop - prev
            prev = stop + 1
        return OffsetMap(segments)


def identity() -> OffsetMap:
    return OffsetMap([(0, 0, 1)])
