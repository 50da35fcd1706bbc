"""Check WARC files: recompute every block and payload digest and name the first bad record.

Records are read in chunks (:mod:`narcwatch.evidence.digests`), gzip members as streams
(:mod:`narcwatch.evidence.members`): a multi-GB record is checked in bounded memory.
Damage (truncated file, corrupt gzip, unparseable record) is reported with a reason
instead of raising.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from warcio.archiveiterator import ArchiveIterator

from narcwatch.errors import InputError
from narcwatch.evidence.digests import BlockCheck, PayloadFeed, digest_matches, http_payload
from narcwatch.evidence.members import CHUNK, GzipMember, MemberStream, gzip_members
from narcwatch.evidence.readback import open_record

__all__ = [
    "CaptureCheck",
    "GzipMember",
    "RecordProblem",
    "WarcReport",
    "digest_matches",
    "gzip_members",
    "http_payload",
    "verify_capture",
    "verify_warc",
]

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

    def merge(self, other: WarcReport) -> None:
        """Add the counts and problems of ``other`` (a part of the same file)."""
        self.records += other.records
        self.verified += other.verified
        self.unverified += other.unverified
        self.failed += other.failed
        for rec_type, n in other.by_type.items():
            self.by_type[rec_type] = self.by_type.get(rec_type, 0) + n
        self.first_error = self.first_error or other.first_error
        self.damaged = self.damaged or other.damaged

    def _fail(self, offset: int, record_id: str | None, reason: str) -> None:
        self.failed += 1
        if self.first_error is None:
            self.first_error = RecordProblem(offset, record_id, reason)


def _check_record(report: WarcReport, record: Any, offset: int) -> None:
    """Read the record's block in chunks and check its length and digests."""
    headers = record.rec_headers
    rec_id = headers.get_header("WARC-Record-ID")
    rec_type = record.rec_type or "?"
    report.records += 1
    report.by_type[rec_type] = report.by_type.get(rec_type, 0) + 1
    if not rec_id or not str(record.format).startswith("warc"):
        report._fail(offset, rec_id, f"not a WARC record ({record.format} format)")
        return
    check = BlockCheck(
        headers.get_header("WARC-Block-Digest"),
        None if rec_type in NO_PAYLOAD_CHECK else headers.get_header("WARC-Payload-Digest"),
        headers.get_header("Content-Type"),
    )
    while chunk := record.raw_stream.read(CHUNK):
        check.update(chunk)
    declared = headers.get_header("Content-Length")
    if declared is not None and declared.strip().isdigit() and check.size < int(declared):
        report._fail(offset, rec_id, f"truncated record: {check.size} of {declared} bytes")
        return
    checks = check.results()
    for name, result in checks:
        if result is False:
            report._fail(offset, rec_id, f"{name} mismatch")
            return
    if any(result is True for _, result in checks):
        report.verified += 1
    else:
        report.unverified += 1


def _read_records(report: WarcReport, source: BinaryIO, base: int) -> None:
    """Check every record of an uncompressed stream; ``base`` is added to offsets."""
    iterator = ArchiveIterator(source, no_record_parse=True)
    while True:
        offset, record = base + iterator.offset, None
        try:
            record = next(iterator)
            offset = base + iterator.offset
            _check_record(report, record, offset)
        except StopIteration:
            return
        except Exception as err:  # warcio raises several kinds on malformed input
            rec_id = record.rec_headers.get_header("WARC-Record-ID") if record else None
            report._fail(offset, rec_id, f"unreadable record ({type(err).__name__}: {err})")
            report.damaged = True
            return


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
        _read_members(report, fh)
    finally:
        fh.close()
    return report


def _read_members(report: WarcReport, fh: BinaryIO) -> None:
    """Check the records of each gzip member as a stream. A member's records count only
    once its trailer (CRC and length) checked out; a damaged member ends the check."""
    pos, pending = 0, b""
    while True:
        member = MemberStream(fh, pos, pending)
        scratch = WarcReport(path=report.path)
        _read_records(scratch, member, pos)  # type: ignore[arg-type]
        member.drain()
        if member.empty:
            return
        if member.error:
            report._fail(member.offset, member.record_id(), member.error)
            report.damaged = True
            return
        report.merge(scratch)
        if report.damaged:
            return
        pos, pending = member.end, member.unused


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
        with open_record(Path(path), offset) as (record, member):
            rec_id = record.rec_headers.get_header("WARC-Record-ID")
            is_warc = bool(rec_id) and str(record.format).startswith("warc")
            hasher = hashlib.sha256()
            feed = PayloadFeed(hasher, record.rec_headers.get_header("Content-Type"))
            size = 0
            while is_warc and (chunk := record.raw_stream.read(CHUNK)):
                size += len(chunk)
                feed.update(chunk)
            # The gzip damage first: a member cut inside the header reads as a partial one.
            if member is not None:
                member.drain()
                if member.error:
                    return CaptureCheck(False, f"record at offset {offset}: {member.error}")
            if not is_warc:
                return CaptureCheck(False, f"no WARC record at offset {offset}")
    except InputError as err:
        return CaptureCheck(False, str(err))
    except Exception as err:  # warcio raises several kinds on malformed input
        return CaptureCheck(False, f"unreadable record at offset {offset}: {err}")
    declared = record.rec_headers.get_header("Content-Length")
    if declared is not None and declared.strip().isdigit() and size < int(declared):
        return CaptureCheck(False, "truncated record", rec_id)
    actual = hasher.hexdigest()
    if actual != expected.lower():
        return CaptureCheck(False, "payload SHA-256 mismatch", rec_id, actual)
    return CaptureCheck(True, "ok", rec_id, actual)
