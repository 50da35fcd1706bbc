"""What every reader yields, and the registry readers are found through.

A reader turns one input (a file, or stdin) into a stream of :class:`RawDocument` and
:class:`~narcwatch.errors.InputError` items. Errors are *yielded*, never raised, for bad
records, so the records around them are still read; a reader raises only when the whole
input is unreadable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from narcwatch.errors import InputError, UsageError


@dataclass(slots=True)
class RawDocument:
    """One piece of online content as read, before analysis.

    ``raw`` is the record's own source bytes (a JSON line, a CSV row re-encoded, an HTML
    file, a WARC payload); its SHA-256 is the document id, so re-reading the same input
    gives the same ids.
    """

    text: str
    source: str
    location: str
    raw: bytes
    source_id: str | None = None
    url: str | None = None
    title: str | None = None
    platform: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 when known
    fields: dict[str, str] = field(default_factory=dict)  # other columns, e.g. Price, Origin

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


@dataclass(slots=True)
class ReadOptions:
    """Options every reader receives (from CLI flags or the Python API)."""

    text_fields: list[str] | None = None  # --text-field "Item,Item Description"
    encoding: str | None = None  # force an encoding instead of detecting one
    max_record_bytes: int = 64 * 1024 * 1024


ReadItem = RawDocument | InputError


class Reader(Protocol):
    """Read one opened binary stream; ``source`` names it in documents and errors."""

    def __call__(
        self, stream: BinaryIO, source: str, options: ReadOptions
    ) -> Iterator[ReadItem]: ...


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    name: str
    read: Reader
    extensions: tuple[str, ...]
    # Sniff the first bytes (already decompressed); return a confidence 0..1.
    sniff: Callable[[bytes], float]
    description: str


_READERS: dict[str, ReaderSpec] = {}


def register_reader(
    name: str,
    *,
    extensions: tuple[str, ...],
    sniff: Callable[[bytes], float],
    description: str,
) -> Callable[[Reader], Reader]:
    """Register a reader under ``name`` (the value of ``--input-format``)."""

    def decorate(func: Reader) -> Reader:
        _READERS[name] = ReaderSpec(name, func, extensions, sniff, description)
        return func

    return decorate


def readers() -> dict[str, ReaderSpec]:
    """Every registered reader, by name (built-ins are loaded on first call)."""
    from narcwatch.ingest import builtin  # noqa: F401  (registers the built-in readers)

    return dict(_READERS)


def get_reader(name: str) -> ReaderSpec:
    known = readers()
    if name not in known:
        raise UsageError(f"unknown input format {name!r}", value=name, options=sorted(known))
    return known[name]
