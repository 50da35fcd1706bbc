"""Inputs to documents: files, directories (recursive) and ``-`` for stdin.

The format of each input is forced (``--input-format``), else taken from its extension
(``.gz`` looked through), else sniffed from its first bytes. gzip is detected by its magic
bytes and decompressed on the fly, except for WARC, whose records are gzipped one by one
and read by warcio directly. An input that cannot be opened is one error; the others are
still read. If nothing at all could be opened, :class:`NoInputError` is raised.
"""

from __future__ import annotations

import io
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from narcwatch.errors import InputError, NoInputError
from narcwatch.ingest.base import ReaderSpec, ReadItem, ReadOptions, get_reader, readers
from narcwatch.ingest.streams import TolerantGzip, with_head

GZIP_MAGIC = b"\x1f\x8b"
# Files a directory walk skips silently: media and archives are never documents.
SKIP_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".ico", ".svg", ".mp4", ".mp3", ".wav"}
    | {".zip", ".7z", ".rar", ".tar", ".pdf", ".exe", ".dll", ".so", ".py", ".pyc", ".db"}
    | {".sqlite", ".woff", ".woff2", ".ttf"}
)


def _walk(path: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            p = Path(root) / name
            if p.suffix.lower() not in SKIP_EXTENSIONS:
                yield p


def _by_extension(name: str) -> ReaderSpec | None:
    low = name.lower().removesuffix(".gz")
    for spec in readers().values():
        if any(low.endswith(ext) for ext in spec.extensions):
            return spec
    return None


def _by_content(head: bytes) -> ReaderSpec:
    specs = readers().values()
    best = max(specs, key=lambda s: s.sniff(head))
    return best if best.sniff(head) > 0 else get_reader("text")


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
            # warcio reads per-record gzip itself; give it the compressed bytes.
            yield from get_reader("warc").read(stream, source, options)
            return
        gz = TolerantGzip(stream)
        head, stream = with_head(io.BufferedReader(gz), 4096)
    spec = get_reader(fmt) if fmt is not None else _by_extension(source) or _by_content(head)
    try:
        yield from spec.read(stream, source, options)
    except (OSError, EOFError) as exc:
        yield InputError(source, None, f"read failed: {exc}")
    if gz is not None and gz.error:
        yield InputError(source, None, f"gzip data cut short or corrupt: {gz.error}")


def read_inputs(inputs: Sequence[str], fmt: str | None, options: ReadOptions) -> Iterator[ReadItem]:
    """Documents and errors from every input, in order."""
    if fmt is not None:
        get_reader(fmt)  # unknown format: a usage error before anything is read
    opened = 0
    failures: list[InputError] = []
    for item in inputs:
        if item == "-":
            opened += 1
            yield from read_stream(sys.stdin.buffer, "<stdin>", fmt, options)
            continue
        path = Path(item)
        if path.is_dir():
            opened += 1
            for file in _walk(path):
                yield from _read_file(file, fmt, options)
            continue
        try:
            fh = path.open("rb")
        except OSError as exc:
            err = InputError(item, None, f"cannot open: {exc.strerror or exc}")
            failures.append(err)
            yield err
            continue
        opened += 1
        with fh:
            yield from read_stream(fh, item, fmt, options)
    if opened == 0:
        reasons = "; ".join(str(f) for f in failures) or "no input given"
        raise NoInputError(", ".join(inputs) or "-", None, f"no input could be read ({reasons})")


def _read_file(path: Path, fmt: str | None, options: ReadOptions) -> Iterator[ReadItem]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield InputError(str(path), None, f"cannot open: {exc.strerror or exc}")
        return
    with fh:
        yield from read_stream(fh, str(path), fmt, options)
