"""Reading a response body within a byte budget, decompressing as it arrives.

The budget counts DECOMPRESSED bytes and zlib is asked for at most what is left of it, so
a gzip bomb costs no more memory than ``max_bytes``. The archived body is the decoded one;
``Content-Encoding``/``Content-Length`` are kept under ``X-Archive-Orig-*`` names.
"""

from __future__ import annotations

import zlib

from narcwatch.errors import NarcwatchError

_ZLIB_AUTO = 32 + zlib.MAX_WBITS  # gzip or zlib header, detected


class BodyError(NarcwatchError):
    """The body could not be read within the rules (too large, bad encoding)."""


class BodyTooLarge(BodyError):
    pass


class BodyReader:
    def __init__(self, url: str, encoding: str, max_bytes: int) -> None:
        self.url = url
        self.max_bytes = max_bytes
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise BodyError(f"{url}: unsupported content-encoding {encoding!r}")
        self.decoder: zlib._Decompress | None = None
        if codings:
            if codings[0] not in ("gzip", "x-gzip", "deflate"):
                raise BodyError(f"{url}: unsupported content-encoding {encoding!r}")
            self.decoder = zlib.decompressobj(_ZLIB_AUTO)
        self.parts: list[bytes] = []
        self.size = 0

    @property
    def decoded(self) -> bool:
        return self.decoder is not None

    def _too_large(self) -> BodyTooLarge:
        what = "decompressed body" if self.decoder else "body"
        return BodyTooLarge(f"{self.url}: {what} larger than max_bytes ({self.max_bytes:,} bytes)")

    def check_length(self, content_length: str | None) -> None:
        length = (content_length or "").strip()
        if self.decoder is None and length.isdigit() and int(length) > self.max_bytes:
            raise self._too_large()

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise self._too_large()
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.decoder is None:
            self._add(chunk)
            return
        try:
            data = chunk
            while data:
                out = self.decoder.decompress(data, self.max_bytes - self.size + 1)
                self._add(out)
                data = self.decoder.unconsumed_tail
        except zlib.error as exc:
            raise BodyError(f"{self.url}: corrupt compressed body ({exc})") from None

    def finish(self) -> bytes:
        if self.decoder is not None:
            try:
                self._add(self.decoder.flush(self.max_bytes - self.size + 1))
            except zlib.error as exc:
                raise BodyError(f"{self.url}: corrupt compressed body ({exc})") from None
        return b"".join(self.parts)


def archived_headers(headers: list[tuple[str, str]], decoded: bool) -> list[tuple[str, str]]:
    """Response headers as archived with a decoded body: encoding and length renamed."""
    if not decoded:
        return headers
    renamed = {"content-encoding", "content-length"}
    return [(f"X-Archive-Orig-{k}" if k.lower() in renamed else k, v) for k, v in headers]
