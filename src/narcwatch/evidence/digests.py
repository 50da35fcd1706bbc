"""WARC block and payload digests, recomputed from a record read in chunks.

A record is never held whole: an imported disk image may be one multi-GB resource record.
Digests may use any algorithm :mod:`hashlib` knows and base32, hex or base64 values, so
WARCs written by other tools can be checked too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

_BLANK_LINE = b"\r\n\r\n"
MAX_HTTP_HEAD = 16 << 20  # bytes kept while looking for the end of an HTTP head


class _Discard:
    def update(self, data: bytes) -> None:
        pass


def _decode(value: str, size: int) -> bytes | None:
    value = value.strip()
    candidates = []
    if len(value) == size * 2:
        candidates.append(lambda: bytes.fromhex(value))
    candidates.append(lambda: base64.b32decode(value.upper() + "=" * (-len(value) % 8)))
    candidates.append(lambda: base64.b64decode(value + "=" * (-len(value) % 4)))
    for decode in candidates:
        try:
            raw = decode()
        except (ValueError, binascii.Error):
            continue
        if len(raw) == size:
            return raw
    return None


class Expected:
    """One digest header (``algo:value``) and the hash that recomputes it."""

    def __init__(self, label: str) -> None:
        algo, sep, self.value = label.partition(":")
        self.hasher: Any = None  # None: the algorithm or label cannot be checked
        if sep:
            try:
                self.hasher = hashlib.new(algo.strip().lower().replace("-", ""))
            except ValueError:
                self.hasher = None

    def result(self) -> bool | None:
        """True/False once every byte went through ``hasher``; None if not checkable."""
        if self.hasher is None:
            return None
        expected = _decode(self.value, self.hasher.digest_size)
        return expected == self.hasher.digest() if expected is not None else False


def digest_matches(label: str, data: bytes) -> bool | None:
    """True/False when ``label`` (``algo:value``) can be checked against ``data``, else None."""
    expected = Expected(label)
    if expected.hasher is not None:
        expected.hasher.update(data)
    return expected.result()


def is_http(content_type: str | None) -> bool:
    return bool(content_type and content_type.lower().startswith("application/http"))


def http_payload(block: bytes, content_type: str | None) -> bytes:
    """The entity body of an ``application/http`` block, or the block itself."""
    if is_http(content_type):
        _head, sep, body = block.partition(_BLANK_LINE)
        return body if sep else b""
    return block


class PayloadFeed:
    """Feeds the payload of a block given in chunks to ``sink``: for ``application/http``
    blocks, what follows the blank line after the HTTP head (nothing if there is none, or
    if none comes in the first ``MAX_HTTP_HEAD`` bytes)."""

    def __init__(self, sink: Any, content_type: str | None) -> None:
        self.sink = sink
        self._head: bytearray | None = bytearray() if is_http(content_type) else None

    def update(self, chunk: bytes) -> None:
        if self._head is not None:
            start = max(0, len(self._head) - len(_BLANK_LINE) + 1)
            self._head += chunk
            at = self._head.find(_BLANK_LINE, start)
            if at < 0:
                if len(self._head) > MAX_HTTP_HEAD:
                    # No HTTP head is this long: a block without a blank line (damaged or
                    # hostile) has no payload, as http_payload says; stop holding it.
                    self._head, self.sink = None, _Discard()
                return
            chunk = bytes(self._head[at + len(_BLANK_LINE) :])
            self._head = None
        self.sink.update(chunk)


class BlockCheck:
    """Length, block digest and payload digest of one record, fed chunk by chunk."""

    def __init__(
        self, block_label: str | None, payload_label: str | None, content_type: str | None
    ) -> None:
        self.size = 0
        self.block = Expected(block_label) if block_label else None
        self.payload = Expected(payload_label) if payload_label else None
        self._feed = (
            PayloadFeed(self.payload.hasher, content_type)
            if self.payload is not None and self.payload.hasher is not None
            else None
        )

    def update(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.block is not None and self.block.hasher is not None:
            self.block.hasher.update(chunk)
        if self._feed is not None:
            self._feed.update(chunk)

    def results(self) -> list[tuple[str, bool | None]]:
        out = []
        if self.block is not None:
            out.append(("block digest", self.block.result()))
        if self.payload is not None:
            out.append(("payload digest", self.payload.result()))
        return out
