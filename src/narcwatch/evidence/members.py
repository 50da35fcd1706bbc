"""The gzip members of a WARC file (one record each, as WARC writers make them).

:class:`MemberStream` reads one member as a stream, so that checking, showing or
bundling a multi-GB record takes no more memory than a small one. :func:`gzip_members`
(public API of :mod:`narcwatch.evidence.verify` before the streams) hands over each
member's content whole; narcwatch itself no longer uses it.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20
_GZIP = zlib.MAX_WBITS | 16
_ID_RE = re.compile(rb"WARC-Record-ID:\s*(<[^>\r\n]*>)", re.IGNORECASE)


@dataclass
class GzipMember:
    offset: int  # where the member starts in the file
    end: int  # where it ends (exclusive)
    data: bytes  # decompressed content (what could be read of it when ``error`` is set)
    error: str | None = None


def gzip_members(fh: BinaryIO) -> Iterator[GzipMember]:
    """Walk the gzip members of ``fh`` from its current position; a damaged one ends the
    walk with ``error`` set."""
    pos = fh.tell()
    pending = b""
    while True:
        member = MemberStream(fh, pos, pending)
        data = member.read()
        if member.empty:
            return
        yield GzipMember(member.offset, member.end, data, member.error)
        if member.error:
            return
        pos, pending = member.end, member.unused


class MemberStream(io.RawIOBase):
    """The decompressed content of the gzip member at ``offset`` of ``fh``, read as a
    stream. ``pending`` holds compressed bytes already read from ``fh`` at ``offset``.

    Once read to its end: ``end`` is where the member ends in the file, ``unused`` the
    bytes read past it, ``error`` why it could not be read whole (corrupt or truncated),
    ``empty`` whether there was no member at all (the file ends at ``offset``).
    """

    def __init__(self, fh: BinaryIO, offset: int, pending: bytes = b"") -> None:
        self.fh, self.offset = fh, offset
        self.end = offset
        self.unused = b""
        self.error: str | None = None
        self.empty = False
        self.done = False
        self._input = pending
        self._fed = 0  # compressed bytes taken from pending and fh
        self._inflater = zlib.decompressobj(_GZIP)
        self._out = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        # Fill the whole buffer unless the member ends: warcio sniffs the format from its
        # first read, and a short first read (a few bytes) makes it misjudge.
        n = 0
        while n < len(buffer):
            if not self._out:
                if self.done:
                    break
                self._fill()
                continue
            take = min(len(buffer) - n, len(self._out))
            buffer[n : n + take] = self._out[:take]
            self._out = self._out[take:]
            n += take
        return n

    def drain(self) -> None:
        """Read to the member's end (its trailer is checked only there)."""
        while not self.done:
            self._out = memoryview(b"")
            self._fill()

    def record_id(self) -> str | None:
        """The WARC-Record-ID of the record in this damaged member, from what of its start
        can still be inflated (re-read only here: a whole member keeps no copy)."""
        found = _ID_RE.search(_salvage(self.fh, self.offset))
        return found.group(1).decode("ascii", "replace") if found else None

    def _fill(self) -> None:
        if not self._input:
            self._input = self.fh.read(CHUNK)
            if not self._input:
                self.done = True
                if self._fed:
                    self.error = "truncated gzip member (file ends inside it)"
                    self.end = self.offset + self._fed
                else:
                    self.empty = True
                return
            self._fed += len(self._input)
        elif not self._fed:
            self._fed = len(self._input)
        try:
            out = self._inflater.decompress(self._input, CHUNK)
        except zlib.error as err:
            self.error, self.done = f"corrupt gzip data ({err})", True
            self.end = self.offset + self._fed
            return
        self._input = self._inflater.unconsumed_tail
        self._out = memoryview(out)
        if self._inflater.eof:
            self.unused = self._inflater.unused_data
            self.end = self.offset + self._fed - len(self.unused)
            self.done = True


def _salvage(fh: BinaryIO, offset: int, limit: int = 1 << 16) -> bytes:
    """Inflate a damaged member a little at a time to recover its readable start."""
    fh.seek(offset)
    inflater, out = zlib.decompressobj(_GZIP), bytearray()
    while (piece := fh.read(64)) and len(out) < limit:
        try:
            out += inflater.decompress(piece)
        except zlib.error:
            break
    return bytes(out)
