"""Plain text: the whole file is one document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadItem, ReadOptions, register_reader
from narcwatch.ingest.decode import decode, looks_binary
from narcwatch.ingest.streams import read_bounded


def _sniff(head: bytes) -> float:
    return 0.0 if looks_binary(head) else 0.1


@register_reader(
    "text",
    extensions=(".txt", ".text", ".md", ".log"),
    sniff=_sniff,
    description="plain text, one document per file",
)
def read_text(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[ReadItem]:
    data = read_bounded(stream, source, options.max_record_bytes)
    if isinstance(data, InputError):
        yield data
        return
    if looks_binary(data[:8192]):
        yield InputError(source, None, "binary data, not text")
        return
    text = decode(data, options.encoding).strip("\ufeff")
    yield RawDocument(text=text, source=source, location="file", raw=data)
