"""Read one archived record back: its headers, its payload (whole or up to a limit), or its
payload copied to a file, all as streams, so that showing or exporting a multi-GB imported
file never holds it in memory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from narcwatch.errors import InputError
from narcwatch.evidence.digests import PayloadFeed, http_payload, is_http
from narcwatch.evidence.members import CHUNK, MemberStream


@dataclass(frozen=True)
class ArchivedRecord:
    """One record read back from a WARC file."""

    record_id: str
    record_type: str
    headers: dict[str, str]
    payload: bytes  # the first ``limit`` bytes when ``truncated``
    content_type: str  # of the payload (the HTTP Content-Type for a response)
    truncated: bool = False


@contextmanager
def open_record(path: Path, offset: int) -> Iterator[tuple[Any, MemberStream | None]]:
    """The warcio record at ``offset`` (its block unread) and the gzip member it is in (read
    the block, then ``member.drain()`` to learn whether the member is whole); raises
    :class:`InputError` when there is no readable record there."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as err:
        raise InputError(str(path), None, f"cannot open: {err.strerror or err}") from None
    with fh:
        fh.seek(offset)
        gzipped = fh.read(2) == b"\x1f\x8b"
        fh.seek(offset)
        member = MemberStream(fh, offset) if gzipped else None
        try:
            record = next(ArchiveIterator(member or fh, no_record_parse=True))
        except Exception as err:  # StopIteration, or one of warcio's several kinds
            if member is not None and member.error:
                reason = f"damaged gzip member: {member.error}"
            elif isinstance(err, StopIteration):
                reason = "no record here"
            else:
                reason = f"unreadable record: {err}"
            raise InputError(str(path), f"offset {offset}", reason) from None
        yield record, member


def _headers(record: Any) -> dict[str, str]:
    return {k: v for k, v in record.rec_headers.headers}


def _damaged(path: Path, offset: int, member: MemberStream | None) -> None:
    if member is not None:
        member.drain()
        if member.error:
            raise InputError(str(path), f"offset {offset}", f"damaged gzip member: {member.error}")


def record_headers(path: Path, offset: int) -> dict[str, str]:
    """The WARC headers of the record at ``offset`` (its block is not read)."""
    with open_record(path, offset) as (record, _member):
        return _headers(record)


def read_record(path: Path, offset: int, *, limit: int | None = None) -> ArchivedRecord:
    """The record at ``offset`` of ``path`` with its payload, or the first ``limit`` bytes of
    its block; raises :class:`InputError` when unreadable."""
    with open_record(path, offset) as (record, member):
        block = record.raw_stream.read(None if limit is None else limit + 1)
        truncated = limit is not None and len(block) > limit
        if truncated:
            block = block[:limit]
        else:
            _damaged(path, offset, member)
    headers = _headers(record)
    rec_ctype = headers.get("Content-Type", "")
    payload = http_payload(block, rec_ctype)
    ctype = rec_ctype
    if is_http(rec_ctype):
        head = block[: len(block) - len(payload)].decode("latin-1")
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-type":
                ctype = value.strip()
    record_id, record_type = headers.get("WARC-Record-ID", ""), record.rec_type or ""
    return ArchivedRecord(record_id, record_type, headers, payload, ctype, truncated)


class _FileSink:
    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh

    def update(self, data: bytes) -> None:
        self.fh.write(data)


def write_payload(path: Path, offset: int, dest: Path) -> int:
    """Copy the payload of the record at ``offset`` to ``dest`` as a stream; its size."""
    with open_record(path, offset) as (record, member), open(dest, "wb") as out:
        feed = PayloadFeed(_FileSink(out), record.rec_headers.get_header("Content-Type"))
        while chunk := record.raw_stream.read(CHUNK):
            feed.update(chunk)
        _damaged(path, offset, member)
        return out.tell()
