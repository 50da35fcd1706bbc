"""Stream helpers: look at the first bytes of a non-seekable stream and still read them."""

from __future__ import annotations

import io
from typing import Any, BinaryIO

from narcwatch.errors import InputError


class Prepended(io.RawIOBase):
    """``head`` followed by the rest of ``stream`` (for stdin, gzip and pipes)."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = memoryview(head)
        self._pos = 0
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = len(buffer)
        if self._pos < len(self._head):
            chunk = self._head[self._pos : self._pos + n]
            buffer[: len(chunk)] = chunk
            self._pos += len(chunk)
            return len(chunk)
        data = self._stream.read(n)
        buffer[: len(data)] = data
        return len(data)


def with_head(stream: BinaryIO, size: int = 65536) -> tuple[bytes, BinaryIO]:
    """Read up to ``size`` bytes and return them with a stream that still yields them."""
    head = stream.read(size)
    return head, io.BufferedReader(Prepended(head, stream), buffer_size=1 << 16)


def read_bounded(stream: BinaryIO, source: str, limit: int) -> bytes | InputError:
    """A whole-file document (HTML page, text file): its bytes, or why it is not one."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        return InputError(source, None, f"file larger than {limit:,} bytes")
    if not data.strip():
        return InputError(source, None, "empty file")
    return data
