"""Write captures to WARC/1.1 files (gzip per record) with SHA-256 digests.

Each file starts with a ``warcinfo`` record. A capture is a ``response`` record, the
``request`` that produced it (``WARC-Concurrent-To`` the response) and a ``metadata``
record (``WARC-Refers-To`` the response) holding crawler version, job and whatever the
caller passes (proxy, user agent...). Imported files become ``resource`` + ``metadata``.

The records of one capture are built in memory (``records.py``) and appended with a single
``write`` then flushed, and fsynced unless the caller commits in batches (``fsync=False``
and :meth:`WarcWriter.sync`), so a killed process leaves at most one partial capture at the
end of the file, which :func:`narcwatch.evidence.verify.verify_warc` reports as truncated.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from narcwatch import __version__
from narcwatch.errors import UsageError
from narcwatch.evidence.capture import Capture, file_sha256
from narcwatch.evidence.records import (
    Headers,
    build_record,
    build_stream_record,
    header_pairs,
    parse_warc_date,
    reason_phrase,
    serialize,
    sha256_label,
    warc_date,
    warc_fields,
    warcinfo_bytes,
)

__all__ = [
    "Capture",
    "WarcWriter",
    "file_sha256",
    "parse_warc_date",
    "sha256_label",
    "warc_date",
    "warcinfo_bytes",
]

GIB = 1024**3
DEFAULT_SOFTWARE = f"narcwatch/{__version__}"
_JOB_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class WarcWriter:
    """Append captures to ``<directory>/<job>-<UTC timestamp>-<seq>.warc.gz`` files."""

    def __init__(
        self,
        directory: Path,
        *,
        job: str,
        max_bytes: int = GIB,
        software: str = DEFAULT_SOFTWARE,
        fsync: bool = True,
    ) -> None:
        if not _JOB_RE.match(job):
            raise UsageError("job name must be letters, digits, '.', '_' or '-'", value=job)
        if max_bytes <= 0:
            raise UsageError("max_bytes must be positive", value=max_bytes)
        self.directory = Path(directory)
        self.job = job
        self.max_bytes = max_bytes
        self.software = software
        self.fsync = fsync
        self.files: list[Path] = []
        self._seq = 0
        self._fh: BinaryIO | None = None
        self._path: Path | None = None

    def _open(self) -> Path:
        """The current file, starting a new one (with its warcinfo) when none is open."""
        if self._fh is not None and self._path is not None:
            return self._path
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            self._seq += 1
            path = self.directory / f"{self.job}-{stamp}-{self._seq:05d}.warc.gz"
            try:
                fh = open(path, "xb")  # noqa: SIM115 - kept open across captures
                break
            except FileExistsError:
                continue
        self._fh, self._path = fh, path
        self.files.append(path)
        self._write(warcinfo_bytes(path.name, {"software": self.software, "job": self.job}))
        return path

    def _write(self, data: bytes) -> int:
        """Append ``data`` in one write, flushed (and fsynced); return where it starts."""
        assert self._fh is not None
        base = self._fh.seek(0, os.SEEK_END)
        try:
            self._fh.write(data)
            self._fh.flush()
            if self.fsync:
                os.fsync(self._fh.fileno())
        except OSError:
            self._fh.truncate(base)  # e.g. disk full: leave no partial record behind
            raise
        return base

    def sync(self) -> None:
        """Make every capture written so far durable (for writers made with ``fsync=False``,
        which commit in batches)."""
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            if not self.fsync:
                self.sync()
            self._fh.close()
        self._fh = self._path = None

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write_capture(
        self,
        url: str,
        *,
        request_headers: Headers | None,
        status: int,
        response_headers: Headers | None,
        body: bytes,
        captured_at: datetime,
        metadata: Mapping[str, Any] | None = None,
        method: str = "GET",
        request_body: bytes = b"",
        reason: str | None = None,
        http_version: str = "HTTP/1.1",
    ) -> Capture:
        """Archive one HTTP exchange; return where its response record lies.

        ``body`` is stored as given (de-chunked; a ``Transfer-Encoding`` header is kept as
        ``X-Archive-Orig-Transfer-Encoding``). Pass the bytes as received: if you pass a
        decompressed body, drop ``Content-Encoding`` from ``response_headers``."""
        date = warc_date(captured_at)
        if reason is None:
            reason = reason_phrase(status)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        resp_http = StatusAndHeaders(
            f"{status} {reason}".strip(), header_pairs(response_headers), protocol=http_version
        )
        req_http = StatusAndHeaders(
            f"{method} {target} {http_version}", header_pairs(request_headers), is_http_request=True
        )
        response = build_record(url, "response", body, date, http=resp_http)
        link = {"WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")}
        request = build_record(url, "request", request_body, date, http=req_http, extra=link)
        return self._commit([response, request], url, date, captured_at, status, metadata)

    def write_resource(
        self,
        uri: str,
        body: bytes,
        content_type: str,
        captured_at: datetime,
        metadata: Mapping[str, Any] | None = None,
    ) -> Capture:
        """Archive an imported file (screenshot, export, PDF...) as a resource record."""
        date = warc_date(captured_at)
        ctype = content_type or "application/octet-stream"
        resource = build_record(uri, "resource", body, date, content_type=ctype)
        return self._commit([resource], uri, date, captured_at, None, metadata)

    def write_resource_file(
        self,
        uri: str,
        path: Path,
        content_type: str,
        captured_at: datetime,
        metadata: Mapping[str, Any] | None = None,
        *,
        sha256: bytes | None = None,
    ) -> Capture:
        """Archive a file of any size as a resource record, streamed from disk (never held
        in memory); ``sha256`` is the file's digest when the caller has it already."""
        path = Path(path)
        size = path.stat().st_size
        digest = sha256 if sha256 is not None else file_sha256(path)
        date = warc_date(captured_at)
        ctype = content_type or "application/octet-stream"
        with open(path, "rb") as source:
            resource = build_stream_record(
                uri, "resource", source, size, date, sha256_digest=digest, content_type=ctype
            )
            main_id = resource.rec_headers.get_header("WARC-Record-ID")
            meta = self._metadata_record(uri, main_id, date, metadata)
            warc = self._open()
            assert self._fh is not None
            base = self._fh.seek(0, os.SEEK_END)
            try:
                writer = WARCWriter(self._fh, gzip=True, warc_version="WARC/1.1")
                writer.write_record(resource)
                end = self._fh.tell()
                writer.write_record(meta)
                self._fh.flush()
                os.fsync(self._fh.fileno())
            except OSError:
                self._fh.truncate(base)
                raise
        if self._fh.tell() >= self.max_bytes:
            self.close()
        return Capture(
            warc_path=str(warc),
            offset=base,
            length=end - base,
            record_id=main_id,
            payload_sha256=digest.hex(),
            block_digest=resource.rec_headers.get_header("WARC-Block-Digest"),
            url=uri,
            captured_at=captured_at.astimezone(UTC),
            status=None,
            record_type="resource",
        )

    def _metadata_record(
        self, url: str, main_id: str, date: str, metadata: Mapping[str, Any] | None
    ) -> Any:
        """The metadata record that goes with a main record: software, job, caller's fields."""
        fields = warc_fields({"software": self.software, "job": self.job, **(metadata or {})})
        links = {"WARC-Refers-To": main_id, "WARC-Concurrent-To": main_id}
        ctype = "application/warc-fields"
        return build_record(url, "metadata", fields, date, content_type=ctype, extra=links)

    def _commit(
        self,
        records: list[Any],
        url: str,
        date: str,
        captured_at: datetime,
        status: int | None,
        metadata: Mapping[str, Any] | None,
    ) -> Capture:
        """Add the metadata record, write everything at once, describe the main record."""
        main = records[0]
        main_id = main.rec_headers.get_header("WARC-Record-ID")
        records.append(self._metadata_record(url, main_id, date, metadata))
        path = self._open()
        data, spans = serialize(records)
        base = self._write(data)
        if base + len(data) >= self.max_bytes:
            self.close()  # rotate: the next capture starts a new file
        return Capture(
            warc_path=str(path),
            offset=base + spans[0][0],
            length=spans[0][1],
            record_id=main_id,
            payload_sha256=hashlib.sha256(main.raw_stream.getvalue()).hexdigest(),
            block_digest=main.rec_headers.get_header("WARC-Block-Digest"),
            url=url,
            captured_at=captured_at.astimezone(UTC),
            status=status,
            record_type=main.rec_type,
        )
