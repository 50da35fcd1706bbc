"""Who is reading: the one argument every repository read method takes.

The sharing server will filter by organisation, TLP and sharing group here, in the read
methods of the repositories, the one layer every read path goes through. ``None`` (a
local analyst's own home) sees everything.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Visibility"]


@dataclass(frozen=True, slots=True)
class Visibility:
    """The caller's organisation; None for a local, single-organisation store."""

    organisation: str | None = None
