"""Inputs to partitions, and a partition back to the documents a plain scan reads from it.

A partition names a piece of one file by position, never by content, so the driver ships
a few numbers per task and each worker reads its own bytes from a path every worker sees:

* ``lines``: JSON Lines (or a Reddit dump) between two byte offsets that start lines,
  with the number of the first line (the planner counts newlines once, at disk speed,
  without parsing);
* ``rows``: CSV rows whose first line is in [start, stop); the worker reads the file from
  its head (so the header, delimiter and encoding are the same as a plain scan's) and
  analyses only its rows: parsing is cheap next to analysis, reading is repeated;
* ``warc``: WARC records between two record offsets (found once by the planner);
* ``gzip``: whole members of a multi-member gzip file of JSON Lines (``cat a.gz b.gz``,
  web dumps) between two member offsets, with the number of the first line; the planner
  inflates the file once to find the members and count lines, and a cut falls only where
  a member ends a line and the next starts a record line (bgzip blocks cut lines anywhere,
  so bgzipped JSON Lines seldom splits);
* ``file``: a whole file (other gzip, HTML, text, Telegram and Reddit exports, JSON
  documents).

Every partition yields exactly the items (documents and errors, with the same source and
location) that a plain scan yields for its part of the file: the cluster's output is the
plain scan's output.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Literal

from narcwatch.cluster.storage import FileStamp, list_inputs, open_input, stamp
from narcwatch.errors import InputError, NoInputError, UsageError
from narcwatch.ingest.base import ReadItem, ReadOptions, get_reader
from narcwatch.ingest.sources import GZIP_MAGIC, Gunzip, read_members, read_stream, reader_for

__all__ = ["FileStamp", "Partition", "plan", "read_partition"]

Kind = Literal["file", "lines", "rows", "warc", "gzip"]
# Readers of one record per line, numbered "line N" from the file's first line.
LINE_READERS = frozenset({"jsonl", "reddit"})
_CHUNK = 1 << 20
_PIECE = 1 << 14  # compressed bytes inflated at a time when looking for gzip members
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16/32: lines are not byte lines


@dataclass(frozen=True, slots=True)
class Partition:
    index: int
    path: str  # what a worker opens: an absolute path or an fsspec URL
    source: str  # the input's name as a plain scan reports it
    kind: Kind
    fmt: str | None  # the forced --input-format, or the line reader of a split file
    start: int = 0  # byte offset (lines, warc, gzip) or first line (rows)
    stop: int | None = None  # byte offset or line bound, exclusive; None: to the end
    first_line: int = 1  # lines, gzip: the number of the (decompressed) line at ``start``
    size: int = 0  # bytes of the file this partition covers (for the progress bar)


def plan(
    inputs: Sequence[str], fmt: str | None, options: ReadOptions, target_bytes: int
) -> tuple[list[Partition], list[FileStamp], list[InputError]]:
    """Partitions of about ``target_bytes`` over ``inputs`` in plain-scan order, the files
    they read, and the inputs that could not be opened (reported, as a plain scan does)."""
    if fmt is not None:
        get_reader(fmt)
    parts: list[Partition] = []
    stamps: list[FileStamp] = []
    errors: list[InputError] = []
    opened = 0
    for item in inputs:
        if item == "-":
            raise UsageError("a cluster scan reads files every worker sees, not standard input")
        folder, files = list_inputs(item)
        opened += folder
        for file in files:
            if isinstance(file, InputError):
                errors.append(file)
                continue
            path, source = file
            try:
                got = _plan_file(path, source, fmt, options, max(1, target_bytes), len(parts))
            except OSError as exc:
                errors.append(InputError(source, None, f"cannot open: {exc.strerror or exc}"))
                continue
            opened += not folder
            file_stamp, file_parts = got
            stamps.append(file_stamp)
            parts += file_parts
    if opened == 0:
        reasons = "; ".join(str(e) for e in errors) or "no input given"
        raise NoInputError(", ".join(inputs) or "-", None, f"no input could be read ({reasons})")
    return parts, stamps, errors


def _plan_file(
    path: str, source: str, fmt: str | None, options: ReadOptions, target: int, first: int
) -> tuple[FileStamp, list[Partition]]:
    file_stamp = stamp(path)
    size = file_stamp.size
    with open_input(path) as fh:
        head = fh.read(1 << 16)
        fh.seek(0)
        ranges: list[tuple[int, int | None, int]] = []  # start, stop, first line
        kind: Kind = "file"
        if size > target and not _wide(head, options.encoding):
            name = _format(source, head, fmt)
            if name in LINE_READERS and _line_records(head):
                kind, ranges = "lines", list(_line_cuts(fh, size, target, options.max_record_bytes))
                fmt = name  # the reader a plain scan picked for the whole file
            elif name == "csv":
                kind, ranges = "rows", [(a, b, 1) for a, b in _row_cuts(fh, size, target)]
            elif name == "warc":
                kind, ranges = "warc", [(a, b, 1) for a, b in _record_cuts(fh, target)]
            elif name is None and (inner := _gzip_lines(source, head, fmt, options)):
                kind, ranges, fmt = "gzip", _member_cuts(fh, target), inner
        if len(ranges) <= 1:
            return file_stamp, [Partition(first, path, source, "file", fmt, size=size)]
        parts = []
        for i, (start, stop, line) in enumerate(ranges):
            if kind == "rows":  # bytes are not known by line: each row range gets its share
                share = size * (i + 1) // len(ranges) - size * i // len(ranges)
            else:
                share = (size if stop is None else stop) - start
            parts.append(Partition(first + i, path, source, kind, fmt, start, stop, line, share))
        return file_stamp, parts


def _wide(head: bytes, encoding: str | None) -> bool:
    """UTF-16/32 input: its lines are not byte lines, so it is read whole."""
    name = (encoding or "").lower().replace("_", "-")
    return head.startswith(_WIDE_BOMS) or name.startswith(("utf-16", "utf-32", "utf16", "utf32"))


def _format(source: str, head: bytes, fmt: str | None) -> str | None:
    """The reader a plain scan would use; "warc" for a per-record gzipped WARC (its members
    start at record offsets); None for other gzip (a stream has no offsets to split at)."""
    if head.startswith(GZIP_MAGIC):
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            inner = inflate.decompress(head, 1 << 20)
        except zlib.error:
            return None
        # One member per record (the standard) ends its first member before the second
        # record's header; a whole-file member shows it.
        per_record = inflate.eof and b"\r\n\r\nWARC/1." not in inner
        return (
            "warc" if inner.startswith(b"WARC/") and fmt in (None, "warc") and per_record else None
        )
    return reader_for(source, head, fmt).name


def _gzip_lines(source: str, head: bytes, fmt: str | None, options: ReadOptions) -> str | None:
    """The line reader a plain scan picks for gzip ``head``'s content (from its first 4 KiB
    inflated, as :func:`read_stream` does), or None if it reads the file another way."""
    gz = Gunzip(io.BytesIO(head))
    inner = io.BufferedReader(gz).read(4096)
    if not inner or (inner.startswith(b"WARC/") and fmt in (None, "warc")):
        return None
    name = reader_for(source, inner, fmt).name
    if name in LINE_READERS and _line_records(inner) and not _wide(inner, options.encoding):
        return name
    return None


_SPACE = re.compile(rb"[ \t\r\x0b\x0c]*")  # what bytes.strip() strips, but newlines


class _FirstLine:
    """Whether a line read a piece at a time is a record line (see :func:`_splits_here`):
    ``feed`` returns True or False once it knows, None while it does not."""

    def __init__(self) -> None:
        self.brace = False  # "{" seen as the line's first non-blank byte

    def feed(self, data: bytes) -> bool | None:
        pos = _SPACE.match(data).end()  # type: ignore[union-attr]
        if pos == len(data):
            return None
        if self.brace:
            return data[pos] != 0x0A  # anything but blanks after "{" before the newline
        if data[pos] != 0x7B:  # "{"
            return False
        self.brace = True
        return self.feed(data[pos + 1 :]) if pos + 1 < len(data) else None


def _member_cuts(fh: BinaryIO, target: int) -> list[tuple[int, int | None, int]]:
    """(start, stop, first line) of partitions of whole gzip members, each of at most
    ``target`` compressed bytes where members allow: one streaming pass that inflates the
    file, counting lines. A cut falls where a member ends with a newline and the next line
    is a record line (as a JSON Lines cut must); damage ends the last partition at the end
    of the file, so the worker reports it as a plain scan does."""
    cuts: list[tuple[int, int]] = [(0, 1)]  # (offset, line) where partitions start
    best: tuple[int, int] | None = None  # the last good cut within ``target`` of the start
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    fed, line, at_line_start = 0, 1, True
    pending = b""
    waiting: tuple[int, int, _FirstLine] | None = None  # a member start, its line unread

    def good(offset: int, line: int) -> None:
        nonlocal best
        if best is not None and offset - cuts[-1][0] > target:
            cuts.append(best)
            best = None
        if offset - cuts[-1][0] <= target:
            best = (offset, line)
        else:  # one member (or members without a good cut) larger than ``target``
            cuts.append((offset, line))

    while True:
        data = pending
        if not data:
            # Small reads: each member's end copies what is left of one (``unused_data``),
            # so a file of many tiny members costs little more per member than inflating.
            data = fh.read(_PIECE)
            fed += len(data)
            if not data:
                break
        try:
            out = inflate.decompress(data, _CHUNK)
        except zlib.error:
            break
        pending = inflate.unconsumed_tail
        if waiting is not None and out:
            verdict = waiting[2].feed(out)
            if verdict is not None:
                if verdict:
                    good(waiting[0], waiting[1])
                waiting = None
        if out:
            line += out.count(b"\n")
            at_line_start = out.endswith(b"\n")
        if inflate.eof:
            pending = inflate.unused_data
            inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            if at_line_start and waiting is None:
                waiting = (fed - len(pending), line, _FirstLine())
    if best is not None and fed - cuts[-1][0] > target:
        cuts.append(best)
    return [
        (start, cuts[i + 1][0] if i + 1 < len(cuts) else None, first)
        for i, (start, first) in enumerate(cuts)
    ]


def _line_records(head: bytes) -> bool:
    """JSON Lines whose first record is an object on its line (not a whole JSON document)."""
    first = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").split(b"\n", 1)[0].strip()
    return first.startswith(b"{") and first != b"{"


def _splits_here(line: bytes) -> bool:
    # The JSON Lines reader reads a whole document when a file's first line opens one; a
    # partition may start only on a line it reads as one record, as it does mid-file.
    data = line.strip()
    return data.startswith(b"{") and data != b"{"


def _line_cuts(
    fh: BinaryIO, size: int, target: int, limit: int
) -> Iterator[tuple[int, int | None, int]]:
    """(start, stop, first line number) of JSON Lines partitions of about ``target`` bytes,
    each starting on a record line. Newlines are counted a chunk at a time."""
    start, start_line = 0, 1
    pos, line = 0, 1  # ``line``: the number of the line ``pos`` is in
    at_line_start = True
    while pos < size:
        cut_at = start + target
        while pos < cut_at:  # skip to the cut, counting lines
            chunk = fh.read(min(_CHUNK, cut_at - pos))
            if not chunk:
                break
            line += chunk.count(b"\n")
            pos += len(chunk)
            at_line_start = chunk.endswith(b"\n")
        found = False
        while True:  # the first record line at or after the cut
            data = fh.readline(limit + 1)
            if not data:
                break
            if at_line_start and _splits_here(data) and pos > start:
                found = True
                break
            at_line_start = data.endswith(b"\n")
            line += at_line_start
            pos += len(data)
        if not found:
            break
        yield start, pos, start_line
        start, start_line = pos, line
        line += data.endswith(b"\n")
        pos += len(data)
        at_line_start = data.endswith(b"\n")
    yield start, None, start_line


def _row_cuts(fh: BinaryIO, size: int, target: int) -> Iterator[tuple[int, int | None]]:
    """Line ranges [start, stop) of CSV partitions: the file's lines shared evenly."""
    lines = 0
    while chunk := fh.read(_CHUNK):
        lines += chunk.count(b"\n")
    parts = max(1, min(-(-size // target), lines))
    bounds = [1 + round(i * lines / parts) for i in range(parts)]
    for i, start in enumerate(bounds):
        yield start, bounds[i + 1] if i + 1 < parts else None


def _record_cuts(fh: BinaryIO, target: int) -> Iterator[tuple[int, int | None]]:
    """Byte ranges of whole WARC records; a damaged record ends the last range at the end
    of the file, so the error it gives is the plain scan's."""
    from warcio.archiveiterator import ArchiveIterator

    start = 0
    iterator = ArchiveIterator(fh)
    try:
        for _record in iterator:
            offset = iterator.offset
            if offset - start >= target:
                yield start, offset
                start = offset
            iterator.read_to_end()
    except Exception:  # the worker reads the damage and reports it, as a plain scan does
        pass
    yield start, None


def read_partition(part: Partition, options: ReadOptions) -> Iterator[ReadItem]:
    """The documents and errors a plain scan reads from ``part``'s piece of its file."""
    try:
        fh = open_input(part.path)
    except OSError as exc:
        yield InputError(part.source, None, f"cannot open: {exc.strerror or exc}")
        return
    with fh:
        if part.kind == "file":
            yield from read_stream(fh, part.source, part.fmt, options)
        elif part.kind == "rows":
            yield from _rows(read_stream(fh, part.source, part.fmt, options), part)
        elif part.kind == "gzip":
            fh.seek(part.start)
            piece = _Window(fh, None if part.stop is None else part.stop - part.start)
            stream = io.BufferedReader(piece, _CHUNK)
            fmt = part.fmt or "jsonl"
            for item in read_members(stream, part.source, fmt, options, part.start):
                if part.start and item.location is None and "empty file" in _reason(item):
                    continue
                yield _moved(item, "line ", part.first_line - 1)
        else:
            fh.seek(part.start)
            piece = _Window(fh, None if part.stop is None else part.stop - part.start)
            lines = part.kind == "lines"
            fmt = (part.fmt or "jsonl") if lines else "warc"
            prefix, base = ("line ", part.first_line - 1) if lines else ("offset ", part.start)
            stream = io.BufferedReader(piece, _CHUNK)
            for item in read_stream(stream, part.source, fmt, options):
                if part.start and item.location is None and "empty file" in _reason(item):
                    continue  # a piece of blank lines, not an empty file
                yield _moved(item, prefix, base)


def _reason(item: ReadItem) -> str:
    return item.reason if isinstance(item, InputError) else ""


def _moved(item: ReadItem, prefix: str, base: int) -> ReadItem:
    """``item`` with its 'line N' / 'offset N' counted from the file's start."""
    loc = item.location
    if not base or loc is None or not loc.startswith(prefix):
        return item
    number = loc[len(prefix) :]
    if not number.isdigit():
        return item
    moved = f"{prefix}{int(number) + base}"
    if isinstance(item, InputError):
        return InputError(item.source, moved, item.reason)
    item.location = moved
    return item


def _line_of(item: ReadItem) -> int | None:
    loc = item.location or ""
    return int(loc[5:]) if loc.startswith("line ") and loc[5:].isdigit() else None


def _rows(items: Iterator[ReadItem], part: Partition) -> Iterator[ReadItem]:
    """The items whose first line is in the partition's range; an item without a line
    belongs where the last located item was (the first partition before any)."""
    last = 0
    for item in items:
        line = _line_of(item)
        if line is not None:
            last = line
        if part.stop is not None and last >= part.stop:
            return
        if last >= part.start or part.start <= 1:
            yield item


class _Window(io.RawIOBase):
    """At most ``length`` bytes of ``stream`` from where it stands (all with None)."""

    def __init__(self, stream: BinaryIO, length: int | None) -> None:
        self._stream = stream
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = len(buffer) if self._left is None else min(len(buffer), self._left)
        if want <= 0:
            return 0
        data = self._stream.read(want)
        buffer[: len(data)] = data
        if self._left is not None:
            self._left -= len(data)
        return len(data)
