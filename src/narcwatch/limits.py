"""How many hits of one kind a finding keeps.

A 3.6 MB forum dump once gave 200,005 substance hits and a 54 MB finding: nobody reads
that, and storing it costs more than the scan. Each component keeps the first hits in
text order, at most ``PER_KEY`` for one value (the same substance, the same selector) and
``PER_KIND`` in all, and counts the rest in ``doc.features["omitted"]``; the finding
reports those counts (``Finding.omitted``) so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

PER_KEY = 50
PER_KIND = 1000


def bounded(
    hits: list[T],
    key: Callable[[T], Hashable],
    omitted: dict[str, int],
    kind: str,
    *,
    per_key: int = PER_KEY,
    per_kind: int = PER_KIND,
) -> list[T]:
    """The first hits (in the given order) within the limits; the rest counted in
    ``omitted[kind]`` (pass ``doc.features.setdefault("omitted", {})``)."""
    if len(hits) <= per_key:
        return hits
    seen: dict[Hashable, int] = {}
    kept: list[T] = []
    for hit in hits:
        k = key(hit)
        n = seen.get(k, 0)
        if n < per_key and len(kept) < per_kind:
            kept.append(hit)
        seen[k] = n + 1
    dropped = len(hits) - len(kept)
    if dropped:
        omitted[kind] = omitted.get(kind, 0) + dropped
    return kept
