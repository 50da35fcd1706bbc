"""Walk one big JSON document as a stream: containers by hand, their elements whole.

For exports that are one JSON object holding huge arrays (a Telegram Desktop account
export runs to gigabytes): the caller walks the outer objects and arrays with
:func:`keys` and :func:`items` and takes each element with :meth:`JsonCursor.value`,
which parses it with ``json.JSONDecoder.raw_decode`` (C speed) once enough text is
buffered. Only the element being parsed is held, bounded by ``max_record_bytes``.

Damage ends the walk: :class:`JsonStop` carries the byte offset of the value it broke in
(the elements before it were already handed out) and the reason. Offsets count the bytes
of the text as UTF-8, which is the file's own bytes for a UTF-8 file; after bytes that
are not UTF-8 (read as cp1252 rather than lost) they are approximate.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO, NoReturn

from narcwatch.ingest.decode import FALLBACK, bom_encoding

_CHUNK = 1 << 20
_WS = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()
_STRUCTURE = re.compile(r'[][{}:,"]')


class JsonStop(Exception):
    """The document cannot be walked further: cut short, broken or too big."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"offset {offset}: {reason}")
        self.offset = offset
        self.reason = reason


class JsonCursor:
    """A decoded window over a binary stream, with a position and byte offsets."""

    def __init__(self, stream: BinaryIO, limit: int, encoding: str | None = None) -> None:
        head = stream.read(4)
        bom = bom_encoding(head)
        name = encoding or ("utf-8-sig" if bom in (None, "utf-8-sig") else bom)
        utf8 = codecs.lookup(name).name in ("utf-8", "utf-8-sig")
        self._decoder = codecs.getincrementaldecoder(name)(errors=FALLBACK if utf8 else "replace")
        self._stream = stream
        self._limit = limit
        self.buf = self._decoder.decode(head)
        self.pos = 0
        self.eof = False
        self.size = 0  # bytes of the last value parsed
        self._mark = 0  # a position in buf ...
        self._mark_bytes = 3 if bom == "utf-8-sig" and utf8 else 0  # ... and its byte offset

    def offset(self, pos: int | None = None) -> int:
        """The byte offset of ``pos`` (default: the current position); call in order."""
        pos = self.pos if pos is None else pos
        if pos > self._mark:
            piece = self.buf[self._mark : pos]
            self._mark_bytes += len(piece.encode("utf-8", "surrogatepass"))
            self._mark = pos
        return self._mark_bytes

    def _fill(self, want: int = _CHUNK) -> None:
        if self.pos > _CHUNK:  # drop what was consumed
            self.offset()
            self.buf, self._mark, self.pos = self.buf[self.pos :], 0, 0
        data = self._stream.read(max(want, _CHUNK))
        self.buf += self._decoder.decode(data, final=not data)
        self.eof = not data

    def peek(self) -> str:
        """The next character after whitespace, or "" at the end of the stream."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.eof:
                return ""
            self._fill()

    def advance(self) -> None:
        self.pos += 1

    def expect(self, chars: str) -> str:
        """Consume one of ``chars`` (after whitespace) and return it."""
        c = self.peek()
        if not c or c not in chars:
            found = repr(c) if c else "the end of the file"
            wanted = " or ".join(chars)
            raise JsonStop(self.offset(), f"invalid JSON: expected {wanted}, got {found}")
        self.pos += 1
        return c

    def value(self) -> Any:
        """Parse the next JSON value whole (reading more of the stream as needed).

        A value that does not fit in ``max_record_bytes`` of buffered text stops the walk
        (its end cannot be found without parsing it); one that happens to fit though it is
        bigger is returned, with its size in ``size`` for the caller to judge.
        """
        if not self.peek():
            raise JsonStop(self.offset(), "JSON cut short: the file ends here")
        while True:
            start = self.pos  # moves only when _fill drops consumed text
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except ValueError as exc:  # JSONDecodeError, or a number too long to convert
                at = getattr(exc, "pos", self.pos)
                if self.eof or not self._at_end(at, exc):
                    self._stop(start, at, exc)
            except RecursionError:
                raise JsonStop(self.offset(start), "invalid JSON: nested too deeply") from None
            else:
                # A value that reaches the buffered end ("12" of "123") may go on.
                if end < len(self.buf) or self.eof:
                    self.size = end - start
                    if self.size > self._limit // 4:  # characters: up to 4 bytes each
                        self.size = len(self.buf[start:end].encode("utf-8", "surrogatepass"))
                    self.pos = end
                    return value
            if len(self.buf) - self.pos > self._limit:
                raise JsonStop(self.offset(start), f"record larger than {self._limit:,} bytes")
            self._fill(len(self.buf) - self.pos)  # at least double what is buffered

    def _at_end(self, at: int, exc: ValueError) -> bool:
        """Whether a parse error is the buffered text running out, not bad JSON.

        A string not closed, or nothing but part of a token ("tru", "1e", "\\u12") after
        the error: more text may complete it. Anything structural after it is damage.
        """
        return "Unterminated" in str(exc) or _STRUCTURE.search(self.buf, at) is None

    def _stop(self, start: int, at: int, exc: ValueError) -> NoReturn:
        where = self.offset(start)
        if self._at_end(at, exc):
            end = self.offset(len(self.buf))
            raise JsonStop(where, f"JSON cut short: the file ends at byte {end:,}") from None
        message = getattr(exc, "msg", str(exc).splitlines()[0][:120])
        bad = where + len(self.buf[start:at].encode("utf-8", "surrogatepass"))
        raise JsonStop(where, f"invalid JSON at byte {bad:,}: {message}") from None

    def end(self) -> None:
        """Check nothing but whitespace follows the document."""
        if self.peek():
            raise JsonStop(self.offset(), "extra data after the end of the JSON document")


def keys(cur: JsonCursor) -> Iterator[str]:
    """Keys of an object whose ``{`` was consumed; the caller consumes each value."""
    if cur.peek() == "}":
        cur.advance()
        return
    while True:
        if cur.peek() != '"':
            cur.expect('"')
        key = cur.value()
        cur.expect(":")
        yield key
        if cur.expect(",}") == "}":
            return


def items(cur: JsonCursor) -> Iterator[None]:
    """One step per element of an array whose ``[`` was consumed; the caller consumes it."""
    if cur.peek() == "]":
        cur.advance()
        return
    while True:
        yield None
        if cur.expect(",]") == "]":
            return
