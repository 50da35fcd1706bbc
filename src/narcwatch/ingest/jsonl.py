"""JSON Lines / NDJSON: one JSON object per line (also a file holding one JSON array).

Read line by line, never the whole file: a 50 MB line is parsed if it is under
``max_record_bytes`` and reported otherwise, and the lines after it are still read.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import BinaryIO

from narcwatch.errors import InputError
from narcwatch.ingest.base import ReadItem, ReadOptions, register_reader
from narcwatch.ingest.decode import bom_encoding, decode
from narcwatch.ingest.fields import record_to_document
from narcwatch.ingest.streams import with_head

_CHUNK = 1 << 20


def _sniff(head: bytes) -> float:
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if s.startswith(b"{"):
        return 0.9
    if s.startswith(b"[") and s[1:].lstrip().startswith(b"{"):
        return 0.7
    return 0.0


class _IterStream(io.RawIOBase):
    """A binary stream over an iterator of byte lines."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> bytes:
        if not self._buf:
            self._buf = next(self._lines, b"")
        size = len(self._buf) if size is None or size < 0 else size
        out, self._buf = self._buf[:size], self._buf[size:]
        return out


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line longer than ``limit``."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            # Skip the rest of the over-long line without holding it.
            while True:
                rest = stream.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


@register_reader(
    "jsonl",
    extensions=(".jsonl", ".ndjson", ".json", ".jsonlines"),
    sniff=_sniff,
    description="JSON Lines / NDJSON, one object per line (or one JSON array of objects)",
)
def read_jsonl(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[ReadItem]:
    limit = options.max_record_bytes
    head, stream = with_head(stream, 4)
    wide = bom_encoding(head) or options.encoding or ""
    if wide.startswith(("utf-16", "utf-32")):
        # Lines of UTF-16/32 are not byte lines: re-encode the text stream as UTF-8.
        text = io.TextIOWrapper(stream, encoding=wide, errors="replace")
        lines = (line.encode("utf-8") for line in text)
        stream = _IterStream(lines)  # type: ignore[assignment]
        options = ReadOptions(options.text_fields, None, options.max_record_bytes)
    encoding = options.encoding
    first = True
    seen = False
    for number, line in _lines(stream, limit):
        location = f"line {number}"
        if line is None:
            yield InputError(source, location, f"line longer than {limit:,} bytes, skipped")
            continue
        data = line.strip()
        if first:
            data = data.removeprefix(b"\xef\xbb\xbf")
            first = False
        if not data:
            continue
        seen = True
        if data.startswith(b"[") and number == 1:
            yield from _read_array(data, stream, source, options)
            return
        try:
            # Strict UTF-8 first (one C call); only other bytes pay for detection.
            line_text = data.decode(encoding) if encoding else data.decode("utf-8")
        except UnicodeDecodeError:
            line_text = decode(data, encoding)
        try:
            record = json.loads(line_text)
        except json.JSONDecodeError as exc:
            yield InputError(source, location, f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(record, dict):
            yield InputError(
                source, location, f"expected a JSON object, got {type(record).__name__}"
            )
            continue
        yield record_to_document(
            record, raw=data, source=source, location=location, text_fields=options.text_fields
        )
    if not seen:
        yield InputError(source, None, "empty file: no JSON records")


def _read_array(
    first: bytes, stream: BinaryIO, source: str, options: ReadOptions
) -> Iterator[ReadItem]:
    """A whole-file JSON array (bounded by ``max_record_bytes``)."""
    data = first + stream.read(options.max_record_bytes)
    try:
        records = json.loads(decode(data, options.encoding))
    except json.JSONDecodeError as exc:
        yield InputError(source, f"line {exc.lineno}", f"invalid JSON: {exc.msg}")
        return
    if not isinstance(records, list):
        yield InputError(source, "line 1", "expected a JSON array of objects")
        return
    for i, record in enumerate(records, 1):
        location = f"record {i}"
        if not isinstance(record, dict):
            yield InputError(source, location, "expected a JSON object")
            continue
        raw = json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
        yield record_to_document(
            record, raw=raw, source=source, location=location, text_fields=options.text_fields
        )
