"""Inputs to documents: files, directories (recursive) and ``-`` for stdin.

The format of each input is forced (``--input-format``), else taken from its extension
(``.gz`` looked through), else sniffed from its first bytes. gzip is detected by its magic
bytes and decompressed on the fly, except for WARC, whose records are gzipped one by one
and read by warcio directly. An input that cannot be opened is one error; the others are
still read. If nothing at all could be opened, :class:`NoInputError` is raised.

Directories are walked in sorted order (so output order is stable), skipping hidden
files and folders, media and archive files, and anything that is not a regular file (a
FIFO in a capture folder would block the walk forever).
"""

from __future__ import annotations

import codecs
import io
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from narcwatch.errors import InputError, NoInputError, UsageError
from narcwatch.ingest.base import ReaderSpec, ReadItem, ReadOptions, get_reader, readers
from narcwatch.ingest.meter import ByteMeter
from narcwatch.ingest.streams import with_head

GZIP_MAGIC = b"\x1f\x8b"
STDIN = "<stdin>"
GENERIC = frozenset({"jsonl"})  # readers that take any file of their extensions
# Files a directory walk skips silently: media and archives are never documents.
SKIP_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".ico", ".svg", ".mp4", ".mp3", ".wav"}
    | {".zip", ".7z", ".rar", ".tar", ".tgz", ".bz2", ".xz", ".zst", ".pdf", ".exe", ".dll"}
    | {".so", ".py", ".pyc", ".db", ".sqlite", ".woff", ".woff2", ".ttf", ".avi", ".mov"}
)


def _skipped(name: str) -> bool:
    low = name.lower().removesuffix(".gz")
    return name.startswith(".") or os.path.splitext(low)[1] in SKIP_EXTENSIONS


def walk_files(path: Path) -> Iterator[Path | InputError]:
    """Regular files under ``path`` in sorted path order; an unreadable folder is an error.

    Entries are sorted by name with sub-folders where their names fall, so output order
    is stable across machines. Linked folders are not followed (a link back up would
    loop forever); linked files are read.
    """
    try:
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield InputError(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                if not entry.is_symlink():
                    yield from walk_files(Path(entry.path))
            elif entry.is_file() and not _skipped(entry.name):
                yield Path(entry.path)
        except OSError as exc:
            yield InputError(entry.path, None, f"cannot read: {exc.strerror or exc}")


def _by_extension(name: str, head: bytes = b"") -> ReaderSpec | None:
    """The reader an extension names; where several claim it, the content decides.

    ``.json`` is generic JSON, a Telegram export or a Reddit dump: among the readers that
    claim the extension, the one whose sniff of ``head`` scores highest wins, and a tie
    (or no head) goes to the generic reader, so only a file a special reader is surer of
    than the generic one goes to it (whatever order the readers were registered in).
    """
    low = name.lower().removesuffix(".gz")
    claims = [s for s in readers().values() if any(low.endswith(e) for e in s.extensions)]
    if len(claims) > 1:
        return max(claims, key=lambda s: (s.sniff(head) if head else 0.0, s.name in GENERIC))
    return claims[0] if claims else None


def _by_content(head: bytes) -> ReaderSpec:
    scored = [(spec.sniff(head), spec.name) for spec in readers().values()]
    score, name = max(scored)
    return get_reader(name if score > 0 else "text")


def reader_for(source: str, head: bytes, fmt: str | None = None) -> ReaderSpec:
    """The reader :func:`read_stream` picks for an uncompressed input: ``fmt`` when forced,
    else the extension's, else the content's (a cluster plans its partitions with it)."""
    spec = get_reader(fmt) if fmt is not None else None
    return spec or _by_extension(source, head) or _by_content(head)


def read_stream(
    stream: BinaryIO, source: str, fmt: str | None, options: ReadOptions
) -> Iterator[ReadItem]:
    """Read one opened binary stream (gzip or not) with the right reader."""
    head, stream = with_head(stream, 4096)
    gz = None
    if head.startswith(GZIP_MAGIC):
        try:
            inner_head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
        except zlib.error as exc:
            yield InputError(source, None, f"bad gzip data: {exc}")
            return
        if inner_head.startswith(b"WARC/") and fmt in (None, "warc"):
            head, stream = with_head(stream, 1 << 16)
            if _per_record_gzip(head):
                # warcio reads per-record gzip itself, so offsets are those in the file.
                yield from _guarded(get_reader("warc"), stream, source, options)
                return
            fmt = "warc"  # a whole gzipped WARC (`gzip x.warc`): gunzip it like any file
        gz = Gunzip(stream)
        head, stream = with_head(io.BufferedReader(gz), 4096)
    spec = get_reader(fmt) if fmt is not None else None
    spec = spec or _by_extension(source, head) or _by_content(head)
    yield from _guarded(spec, stream, source, options)
    if gz is not None and gz.error:
        yield gz.cut_error(source)


def read_members(
    stream: BinaryIO, source: str, fmt: str, options: ReadOptions, offset: int
) -> Iterator[ReadItem]:
    """Read whole gzip members (a piece of a file, from byte ``offset`` on) with reader
    ``fmt``, as :func:`read_stream` reads them from the start of the file."""
    gz = Gunzip(stream, offset)
    yield from _guarded(get_reader(fmt), io.BufferedReader(gz), source, options)
    if gz.error:
        yield gz.cut_error(source)


class Gunzip(io.RawIOBase):
    """Streaming gunzip (all members) that keeps every byte before a cut or corruption.

    ``gzip.GzipFile`` drops the whole buffer it was filling when the data ends early, so
    the last records before the cut would be lost; this hands them out and then stops,
    leaving the reason in ``error`` for the caller to report once the reader is done.
    """

    _OUT = 1 << 16

    def __init__(self, stream: BinaryIO, offset: int = 0) -> None:
        """``offset``: where ``stream`` starts in its file. Reads fall on the same multiples
        of 64 KiB of the file whatever the offset, so a piece of a file read from a member's
        start loses exactly the bytes a whole read loses to a corruption in it."""
        self._in = stream
        self._fed = offset  # the file offset of the next byte read from ``stream``
        self._member = offset  # the file offset of the current member
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._started = False  # inside a gzip member
        self._pending = b""  # compressed input not yet fed
        self._out = b""
        self._done = False
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._out and not self._done:
            self._fill()
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def cut_error(self, source: str) -> InputError:
        return InputError(source, None, f"{self.error}; records before the cut were read")

    def _fill(self) -> None:
        data = self._pending
        if not data:
            data = self._in.read(self._OUT - self._fed % self._OUT)
            self._fed += len(data)
        if not data:
            if self._started:
                self.error = f"gzip data cut short in the member at byte {self._member}"
            self._done = True
            return
        try:
            # Bounded output: a small bomb-like member cannot fill memory in one call.
            self._out = self._inflate.decompress(data, self._OUT)
        except zlib.error as exc:
            self.error = f"corrupt gzip data in the member at byte {self._member}: {exc}"
            self._done = True
            return
        self._started = True
        self._pending = self._inflate.unconsumed_tail
        if self._inflate.eof:  # a member ended; another may follow (concatenated .gz)
            self._pending = self._inflate.unused_data
            self._member = self._fed - len(self._pending)
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._started = False


def _per_record_gzip(head: bytes) -> bool:
    """Whether a gzipped WARC has one gzip member per record (the standard) or is one.

    A whole-file member shows a second record header before it ends; warcio refuses such
    files, so they are decompressed here instead.
    """
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(head, 1 << 20)
    except zlib.error:
        return True  # let warcio report it
    return b"\r\n\r\nWARC/1." not in out  # records end with CRLF CRLF


def _guarded(
    spec: ReaderSpec, stream: BinaryIO, source: str, options: ReadOptions
) -> Iterator[ReadItem]:
    """Run a reader; a failure it did not foresee ends this input, not the whole scan."""
    try:
        yield from spec.read(stream, source, options)
    except (OSError, EOFError) as exc:
        yield InputError(source, None, f"read failed: {exc}")
    except Exception as exc:  # one hostile file must not stop a long scan
        yield InputError(source, None, f"{spec.name} reader failed: {type(exc).__name__}: {exc}")


def read_inputs(
    inputs: Sequence[str],
    fmt: str | None,
    options: ReadOptions,
    *,
    meter: ByteMeter | None = None,
) -> Iterator[ReadItem]:
    """Documents and errors from every input, in order. ``meter`` counts the bytes read."""
    if fmt is not None:
        get_reader(fmt)  # unknown format: a usage error before anything is read
    if options.encoding:
        try:
            codecs.lookup(options.encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {options.encoding!r}") from None
    opened = 0
    failures: list[InputError] = []
    for item in inputs:
        if item == "-":
            opened += 1
            yield from read_stream(sys.stdin.buffer, STDIN, fmt, options)
            continue
        path = Path(item)
        if path.is_dir():
            opened += 1
            for file in walk_files(path):
                if isinstance(file, InputError):
                    yield file
                else:
                    yield from _read_file(file, fmt, options, meter)
            continue
        try:
            fh = path.open("rb")
        except OSError as exc:
            err = InputError(item, None, f"cannot open: {exc.strerror or exc}")
            failures.append(err)
            yield err
            continue
        opened += 1
        yield from _metered(fh, item, fmt, options, meter)
    if opened == 0:
        reasons = "; ".join(str(f) for f in failures) or "no input given"
        raise NoInputError(", ".join(inputs) or "-", None, f"no input could be read ({reasons})")


def _read_file(
    path: Path, fmt: str | None, options: ReadOptions, meter: ByteMeter | None
) -> Iterator[ReadItem]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield InputError(str(path), None, f"cannot open: {exc.strerror or exc}")
        return
    yield from _metered(fh, str(path), fmt, options, meter)


def _metered(
    fh: BinaryIO, source: str, fmt: str | None, options: ReadOptions, meter: ByteMeter | None
) -> Iterator[ReadItem]:
    with fh:
        if meter is not None:
            meter.start(fh)
        try:
            yield from read_stream(fh, source, fmt, options)
        finally:
            if meter is not None:
                meter.finish(fh)
