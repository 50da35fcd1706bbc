"""JSON Lines / NDJSON: one JSON object per line; also a whole-file JSON document.

Lines are read one at a time, never the whole file: a 50 MB line is parsed if it is under
``max_record_bytes`` and reported otherwise, and the lines after it are still read.

A file whose first line opens a JSON document (``[`` or a lone ``{``, as pretty-printed
JSON starts) is read whole, up to ``max_record_bytes``: an array of objects, one object,
or an object holding a list of objects (a Telegram Desktop export's ``messages``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from narcwatch.errors import InputError
from narcwatch.ingest.base import ReadItem, ReadOptions, register_reader
from narcwatch.ingest.decode import bom_encoding, decode, decode_as, guess_encoding
from narcwatch.ingest.fields import record_to_document, text_keys
from narcwatch.ingest.streams import with_head

_CHUNK = 1 << 20
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _sniff(head: bytes) -> float:
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if s.startswith(b"{"):
        return 0.9
    if s.startswith(b"[") and s[1:].lstrip().startswith((b"{", b"]")):
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

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self._buf + b"".join(self._lines)
        parts, have = [], 0
        while have < size and (line := self.readline(size - have)):
            parts.append(line)
            have += len(line)
        return b"".join(parts)


def _why(exc: Exception) -> str:
    """A parse failure in words (huge numbers and deep nesting fail outside the parser)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "invalid JSON: nested too deeply"
    return f"invalid JSON: {str(exc).splitlines()[0][:120]}"


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


class LineDecoder:
    """The text of one line: strict UTF-8 (or the given encoding) first, one C call; only
    other bytes pay for detection, and the encoding guessed for them is kept for the file."""

    def __init__(self, encoding: str | None) -> None:
        self.encoding = encoding
        self.fallback: str | None = None

    def __call__(self, data: bytes) -> str:
        try:
            return data.decode(self.encoding) if self.encoding else data.decode("utf-8")
        except UnicodeDecodeError:
            if self.encoding:
                return decode(data, self.encoding)
            self.fallback = self.fallback or guess_encoding(data)
            return decode_as(data, self.fallback)


def parse_object(text: str, source: str, location: str) -> dict[str, Any] | InputError:
    """One JSON object, or the error that names the line and why it is not one."""
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return InputError(source, location, _why(exc))
    if not isinstance(record, dict):
        return InputError(source, location, f"expected a JSON object, got {type(record).__name__}")
    return record


@register_reader(
    "jsonl",
    extensions=(".jsonl", ".ndjson", ".json", ".jsonlines"),
    sniff=_sniff,
    description="JSON Lines / NDJSON, one object per line (or one JSON array of objects)",
)
def read_jsonl(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[ReadItem]:
    limit = options.max_record_bytes
    head, stream = with_head(stream, 4)
    encoding = options.encoding
    wide = bom_encoding(head) or encoding or ""
    if wide.lower().replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32")):
        # Lines of UTF-16/32 are not byte lines: re-encode the text stream as UTF-8.
        text = io.TextIOWrapper(stream, encoding=wide, errors="replace")
        stream = _IterStream(line.encode("utf-8") for line in text)  # type: ignore[assignment]
        encoding = None
    text_of = LineDecoder(encoding)
    first = True
    for number, line in _lines(stream, limit):
        location = f"line {number}"
        if line is None:
            yield InputError(source, location, f"line longer than {limit:,} bytes, skipped")
            first = False
            continue
        data = line.strip()
        if not data:
            continue
        if first:
            first = False
            data = data.removeprefix(b"\xef\xbb\xbf")
            if data.startswith(b"[") or data == b"{":
                yield from _read_document(line, stream, source, options)
                return
        record = parse_object(text_of(data), source, location)
        if isinstance(record, InputError):
            yield record
            continue
        yield record_to_document(
            record, raw=data, source=source, location=location, text_fields=options.text_fields
        )
    if first:
        yield InputError(source, None, "empty file: no JSON records")


def _records(value: Any, options: ReadOptions) -> list[Any] | None:
    """The records of a whole-file JSON document, or None if it holds none."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    # A container may have a name ("name": "chan") beside its list of records: only a
    # real text field makes the object itself a record.
    if text_keys([k for k in value if isinstance(k, str)], options.text_fields, titles=False):
        return [value]
    for item in value.values():  # a container: the first list of objects in it
        if isinstance(item, list) and item and all(isinstance(r, dict) for r in item[:10]):
            return item
    return [value]  # one record without text: its error names its fields


def _read_document(
    first: bytes, stream: BinaryIO, source: str, options: ReadOptions
) -> Iterator[ReadItem]:
    """A whole-file JSON document (bounded by ``max_record_bytes``)."""
    data = first + stream.read(options.max_record_bytes + 1 - len(first))
    if len(data) > options.max_record_bytes:
        yield InputError(
            source,
            None,
            f"JSON document larger than {options.max_record_bytes:,} bytes "
            "(write one object per line to read it as JSON Lines)",
        )
        return
    try:
        value = json.loads(decode(data, options.encoding))
    except (ValueError, RecursionError) as exc:
        where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else None
        yield InputError(source, where, _why(exc))
        return
    records = _records(value, options)
    if records is None:
        yield InputError(source, None, "expected JSON objects, got " + type(value).__name__)
        return
    for i, record in enumerate(records, 1):
        location = f"record {i}"
        if not isinstance(record, dict):
            got = type(record).__name__
            yield InputError(source, location, f"expected a JSON object, got {got}")
            continue
        # "\ud800" escapes decode to lone surrogates: keep them in the raw bytes as written
        # rather than fail the rest of the file on them.
        raw = _CANONICAL.encode(record).encode("utf-8", "surrogatepass")
        yield record_to_document(
            record, raw=raw, source=source, location=location, text_fields=options.text_fields
        )
