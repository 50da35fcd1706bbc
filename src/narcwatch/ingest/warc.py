"""WARC and WARC.gz files from any tool (Webrecorder, wget --warc-file, Heritrix, ours).

Every ``response`` or ``resource`` record with an HTML or text payload and a successful
status is a document: its URL is the record's target URI, its date the WARC-Date, its
location the record's byte offset in the file, its id the SHA-256 of the payload. Other
records (requests, metadata, images, robots.txt) are skipped. A truncated file yields an
error at the offset where it broke and keeps every record read before it.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadItem, ReadOptions, register_reader
from narcwatch.ingest.decode import decode
from narcwatch.ingest.fields import parse_date
from narcwatch.ingest.html import html_to_text

TEXT_TYPES = ("text/html", "application/xhtml", "text/plain")


def _sniff(head: bytes) -> float:
    return 1.0 if head.startswith(b"WARC/") else 0.0


def _content_type(record: Any) -> str:
    if record.http_headers is not None:
        ct = record.http_headers.get_header("Content-Type")
    else:
        ct = record.rec_headers.get_header("Content-Type")
    return (ct or "").split(";")[0].strip().lower()


def _charset(record: Any) -> str | None:
    """The charset the HTTP Content-Type names, if it is one Python knows."""
    headers = record.http_headers or record.rec_headers
    ct = headers.get_header("Content-Type") or ""
    for part in ct.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            name = value.strip().strip("\"'")
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
    return None


def _wanted(record: Any) -> bool:
    if record.rec_type not in ("response", "resource"):
        return False
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if uri.rstrip("/").endswith("/robots.txt"):
        return False
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return False
    return _content_type(record).startswith(TEXT_TYPES)


def _read_payload(record: Any, limit: int) -> bytes | None:
    """The decoded payload in chunks (warcio returns nothing for one huge read)."""
    content = record.content_stream()
    chunks, size = [], 0
    while chunk := content.read(65536):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@register_reader(
    "warc",
    extensions=(".warc", ".arc"),
    sniff=_sniff,
    description="WARC / WARC.gz: each HTML or text response record is a document",
)
def read_warc(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[ReadItem]:
    counted = _Counting(stream)
    iterator = ArchiveIterator(counted, no_record_parse=False)
    offset, end = 0, 0
    try:
        for record in iterator:
            offset = iterator.offset  # where this record starts (warcio set it already)
            location = f"offset {offset}"
            item = _document(record, source, location, options) if _wanted(record) else None
            iterator.read_to_end()  # drain what the payload read left, to find the end
            end = offset + iterator.member_info[1]
            cut = _cut_short(record)
            if cut:
                yield InputError(source, location, f"truncated or corrupt WARC: {cut}")
                return
            if item is not None:
                yield item
    except Exception as exc:  # warcio fails in many ways on a damaged record (even AttributeError)
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = lines[0] if lines else type(exc).__name__
        # warcio has moved its offset to the record it failed on.
        where = f"offset {getattr(iterator, 'offset', offset)}"
        yield InputError(source, where, f"truncated or corrupt WARC: {reason}")
        return
    # warcio stops quietly at a record header cut short: bytes after the last whole record.
    counted.read(1 << 20)
    if counted.total > end + 4:  # a record ends with CRLF CRLF, not counted in its length
        yield InputError(
            source,
            f"offset {end}",
            f"truncated or corrupt WARC: {counted.total - end:,} bytes after the last whole record",
        )


def _cut_short(record: Any) -> str | None:
    """Why a record (already read to its end) is incomplete, or None if it is whole."""
    # A header cut short parses as a record without a type or length (warcio reads a
    # missing Content-Length as 0).
    length = record.rec_headers.get_header("Content-Length") or ""
    if record.rec_type is None or not length.strip().isdigit():
        return "record header cut short"
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        return f"record cut short ({missing:,} of {record.length:,} bytes missing)"
    return None


def _document(record: Any, source: str, location: str, options: ReadOptions) -> ReadItem | None:
    payload = _read_payload(record, options.max_record_bytes)
    if payload is None:
        return InputError(source, location, "payload larger than the record limit")
    uri = record.rec_headers.get_header("WARC-Target-URI")
    date = parse_date(record.rec_headers.get_header("WARC-Date"))
    charset = _charset(record)
    if _content_type(record).startswith("text/plain"):
        text, title, canonical = decode(payload, options.encoding or charset), None, None
    else:
        text, title, canonical = html_to_text(payload, options.encoding, charset=charset)
    if not text.strip():
        return None
    return RawDocument(
        text=text,
        source=source,
        location=location,
        raw=payload,
        url=uri or canonical,
        title=title,
        published=date,
    )


class _Counting:
    """Counts the bytes warcio pulls from the stream."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.total = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.total += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self.total += len(data)
        return data
