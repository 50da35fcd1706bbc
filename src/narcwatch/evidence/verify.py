"""Check WARC files: recompute every block and payload digest and name the first bad record.

Digests may use any algorithm :mod:`hashlib` knows and base32, hex or base64 values, so
WARCs written by other tools can be checked too. Damage (truncated file, corrupt gzip,
unparseable record) is reported with a reason instead of raising.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from warcio.archiveiterator import ArchiveIterator

NO_PAYLOAD_CHECK = ("revisit", "warcinfo")


@dataclass(frozen=True)
class RecordProblem:
    offset: int
    record_id: str | None
    reason: str


@dataclass
class WarcReport:
    """Outcome of :func:`verify_warc`; truthy when every record checked out."""

    path: str
    records: int = 0
    verified: int = 0  # records whose digests were present and matched
    unverified: int = 0  # records without a digest header to check
    failed: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    first_error: RecordProblem | None = None
    damaged: bool = False  # the file could not be read to its end

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.first_error is None

    def __bool__(self) -> bool:
        return self.ok

    def _fail(self, offset: int, record_id: str | None, reason: str) -> None:
        self.failed += 1
        if self.first_error is None:
            self.first_error = RecordProblem(offset, record_id, reason)


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


def digest_matches(label: str, data: bytes) -> bool | None:
    """True/False when ``label`` (``algo:value``) can be checked against ``data``, else None."""
    algo, sep, value = label.partition(":")
    if not sep:
        return None
    try:
        hasher = hashlib.new(algo.strip().lower().replace("-", ""))
    except ValueError:
        return None
    hasher.update(data)
    expected = _decode(value, hasher.digest_size)
    return expected == hasher.digest() if expected is not None else False


def http_payload(block: bytes, content_type: str | None) -> bytes:
    """The entity body of an ``application/http`` block, or the block itself."""
    if content_type and content_type.lower().startswith("application/http"):
        _head, sep, body = block.partition(b"\r\n\r\n")
        return body if sep else b""
    return block


def _check_record(report: WarcReport, record: Any, offset: int, block: bytes) -> None:
    headers = record.rec_headers
    rec_id = headers.get_header("WARC-Record-ID")
    rec_type = record.rec_type or "?"
    report.records += 1
    report.by_type[rec_type] = report.by_type.get(rec_type, 0) + 1
    if not rec_id or not str(record.format).startswith("warc"):
        report._fail(offset, rec_id, f"not a WARC record ({record.format} format)")
        return
    declared = headers.get_header("Content-Length")
    if declared is not None and declared.strip().isdigit() and len(block) < int(declared):
        report._fail(offset, rec_id, f"truncated record: {len(block)} of {declared} bytes")
        return
    checks: list[tuple[str, bool | None]] = []
    block_label = headers.get_header("WARC-Block-Digest")
    if block_label:
        checks.append(("block digest", digest_matches(block_label, block)))
    payload_label = headers.get_header("WARC-Payload-Digest")
    if payload_label and rec_type not in NO_PAYLOAD_CHECK:
        payload = http_payload(block, headers.get_header("Content-Type"))
        checks.append(("payload digest", digest_matches(payload_label, payload)))
    for name, result in checks:
        if result is False:
            report._fail(offset, rec_id, f"{name} mismatch")
            return
    if any(result is True for _, result in checks):
        report.verified += 1
    else:
        report.unverified += 1


_CHUNK = 1 << 20
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
    offset = pos = fh.tell()
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out: list[bytes] = []
    while chunk := fh.read(_CHUNK):
        data = chunk
        while data:
            try:
                out.append(inflater.decompress(data))
            except zlib.error as err:
                salvaged = _salvage(fh, offset)
                yield GzipMember(offset, pos, salvaged, f"corrupt gzip data ({err})")
                return
            if not inflater.eof:
                pos += len(data)
                break
            pos += len(data) - len(inflater.unused_data)
            yield GzipMember(offset, pos, b"".join(out))
            data, offset, out = inflater.unused_data, pos, []
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    if pos > offset:
        reason = "truncated gzip member (file ends inside it)"
        yield GzipMember(offset, pos, b"".join(out), reason)


def _salvage(fh: BinaryIO, offset: int, limit: int = 1 << 16) -> bytes:
    """Inflate a damaged member a little at a time to recover its readable start."""
    fh.seek(offset)
    inflater, out = zlib.decompressobj(zlib.MAX_WBITS | 16), bytearray()
    while (piece := fh.read(64)) and len(out) < limit:
        try:
            out += inflater.decompress(piece)
        except zlib.error:
            break
    return bytes(out)


def _read_records(report: WarcReport, source: BinaryIO, base: int) -> None:
    """Check every record of an uncompressed stream; ``base`` is added to offsets."""
    iterator = ArchiveIterator(source, no_record_parse=True)
    while True:
        offset, record = base + iterator.offset, None
        try:
            record = next(iterator)
            offset = base + iterator.offset
            block = record.raw_stream.read()
        except StopIteration:
            return
        except Exception as err:  # warcio raises several kinds on malformed input
            rec_id = record.rec_headers.get_header("WARC-Record-ID") if record else None
            report._fail(offset, rec_id, f"unreadable record ({type(err).__name__}: {err})")
            report.damaged = True
            return
        _check_record(report, record, offset, block)


def verify_warc(path: Path | str) -> WarcReport:
    """Read every record of ``path`` (gzip per record or plain) and check lengths and digests."""
    report = WarcReport(path=str(path))
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally
    except OSError as err:
        report._fail(0, None, f"cannot open: {err.strerror or err}")
        return report
    try:
        if fh.read(2) != b"\x1f\x8b":
            fh.seek(0)
            _read_records(report, fh, 0)
            return report
        fh.seek(0)
        for member in gzip_members(fh):
            if member.error:
                found = _ID_RE.search(member.data)
                rec_id = found.group(1).decode("ascii", "replace") if found else None
                report._fail(member.offset, rec_id, member.error)
                report.damaged = True
                break
            _read_records(report, io.BytesIO(member.data), member.offset)
            if report.damaged:
                break
    finally:
        fh.close()
    return report


class CaptureLike(Protocol):
    @property
    def warc_path(self) -> str: ...
    @property
    def offset(self) -> int: ...
    @property
    def payload_sha256(self) -> str: ...


@dataclass(frozen=True)
class CaptureCheck:
    """Outcome of :func:`verify_capture`; truthy when the payload hash matched."""

    ok: bool
    reason: str
    record_id: str | None = None
    actual_sha256: str | None = None

    def __bool__(self) -> bool:
        return self.ok


def verify_capture(capture: CaptureLike | Mapping[str, Any]) -> CaptureCheck:
    """Re-read the record at ``capture.offset`` and compare its payload SHA-256."""
    if isinstance(capture, Mapping):
        path, offset = str(capture["warc_path"]), int(capture["offset"])
        expected = str(capture["payload_sha256"])
    else:
        path, offset, expected = capture.warc_path, capture.offset, capture.payload_sha256
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            gzipped = fh.read(2) == b"\x1f\x8b"
            fh.seek(offset)
            source: BinaryIO = fh
            if gzipped:
                member = next(gzip_members(fh), None)
                if member is None or member.error:
                    reason = member.error if member else "empty"
                    return CaptureCheck(False, f"record at offset {offset}: {reason}")
                source = io.BytesIO(member.data)
            record = next(ArchiveIterator(source, no_record_parse=True))
            block = record.raw_stream.read()
    except OSError as err:
        return CaptureCheck(False, f"cannot open {path}: {err.strerror or err}")
    except StopIteration:
        return CaptureCheck(False, f"no record at offset {offset}")
    except Exception as err:
        return CaptureCheck(False, f"unreadable record at offset {offset}: {err}")
    rec_id = record.rec_headers.get_header("WARC-Record-ID")
    if not rec_id or not str(record.format).startswith("warc"):
        return CaptureCheck(False, f"no WARC record at offset {offset}")
    declared = record.rec_headers.get_header("Content-Length")
    if declared is not None and declared.strip().isdigit() and len(block) < int(declared):
        return CaptureCheck(False, "truncated record", rec_id)
    payload = http_payload(block, record.rec_headers.get_header("Content-Type"))
    actual = hashlib.sha256(payload).hexdigest()
    if actual != expected.lower():
        return CaptureCheck(False, "payload SHA-256 mismatch", rec_id, actual)
    return CaptureCheck(True, "ok", rec_id, actual)
