"""WARC and WARC.gz files from any tool (Webrecorder, wget --warc-file, Heritrix, ours).

Every ``response`` or ``resource`` record with an HTML or text payload and a successful
status is a document: its URL is the record's target URI, its date the WARC-Date, its
location the record's byte offset in the file, its id the SHA-256 of the payload. Other
records (requests, metadata, images, robots.txt) are skipped. A truncated file yields an
error at the offset where it broke and keeps every record read before it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

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
            if not _wanted(record):
                offset = iterator.get_record_offset()  # reads the record to its end
                end = offset + iterator.member_info[1]
                continue
            payload = _read_payload(record, options.max_record_bytes)
            # Only after the payload: asking for the offset first consumes the record.
            offset = iterator.get_record_offset()
            end = offset + iterator.member_info[1]
            location = f"offset {offset}"
            if payload is None:
                yield InputError(source, location, "payload larger than the record limit")
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            date = parse_date(record.rec_headers.get_header("WARC-Date"))
            if _content_type(record).startswith("text/plain"):
                text, title, canonical = decode(payload, options.encoding), None, None
            else:
                text, title, canonical = html_to_text(payload, options.encoding)
            if not text.strip():
                continue
            yield RawDocument(
                text=text,
                source=source,
                location=location,
                raw=payload,
                url=uri or canonical,
                title=title,
                published=date,
            )
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        yield InputError(source, f"offset {offset}", f"truncated or corrupt WARC: {reason}")
        return
    # warcio stops quietly at a record cut short: bytes after the last whole record tell.
    counted.read(1 << 20)
    if counted.total > end + 4 and end > 0:  # a record ends with CRLF CRLF, not counted
        yield InputError(
            source,
            f"offset {end}",
            f"truncated or corrupt WARC: {counted.total - end:,} bytes after the last whole record",
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
