"""Importing an analyst's existing files as evidence: archive, log, read back, point at.

Each file is archived whole as a WARC ``resource`` record (under the archive root's
``import-<job>/``, by the caller's :class:`WarcWriter`), logged in the chain of custody
and then read from the archived bytes exactly as ``narcwatch scan`` reads a file; every
stored document gets a capture pointing at that record, so ``narcwatch evidence show
DOC_ID`` works for it. The import job (:mod:`narcwatch.jobs.importer`) runs these steps
with the analysis between them::

    archived = archive_file(path, writer=w, custody=log, captures=repo, archive=root)
    with archived_items(archived, input_format) as items:
        ...  # analyse and store the documents, remembering their ids
    repo.add(document_captures(archived, docs, job))
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from narcwatch.errors import InputError
from narcwatch.evidence.archive import archive_relative
from narcwatch.evidence.custody import CustodyLog
from narcwatch.evidence.warc import Capture, WarcWriter, file_sha256
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.sources import read_stream
from narcwatch.store.captures import CaptureRepository, StoredCapture

__all__ = ["ArchivedFile", "archive_file", "archived_items", "document_captures"]

_CTYPES = {".jsonl": "application/x-ndjson", ".ndjson": "application/x-ndjson"}


@dataclass(frozen=True)
class ArchivedFile:
    """A file archived as one resource record."""

    source: Path  # the file as the analyst named it
    capture: Capture
    sha256: str
    warc_path: str  # as stored: relative to the archive root when under it
    size: int


def archive_file(
    path: Path,
    *,
    writer: WarcWriter,
    custody: CustodyLog,
    captures: CaptureRepository,
    archive: Path,
    input_format: str | None = None,
) -> ArchivedFile | None:
    """Archive ``path`` whole and log it in the chain of custody; None when a file with the
    same SHA-256 was imported before (nothing is written then). An empty file is an
    :class:`InputError`."""
    size = path.stat().st_size
    if size == 0:
        raise InputError(str(path), None, "empty file, nothing to import")
    digest = file_sha256(path)  # streamed: exports of any size, never held in memory
    sha256 = digest.hex()
    if captures.imported_file(sha256) is not None:
        return None
    absolute = path.resolve()
    now = datetime.now(UTC)
    ctype = _CTYPES.get(absolute.suffix.lower()) or mimetypes.guess_type(absolute.name)[0]
    meta = {"source-path": str(absolute), "source-sha256": sha256, "input-format": input_format}
    capture = writer.write_resource_file(
        absolute.as_uri(), absolute, ctype or "", now, metadata=meta, sha256=digest
    )
    warc = archive_relative(capture.warc_path, archive)
    details = {"sha256": sha256, "warc": warc, "offset": capture.offset, "bytes": size}
    custody.append("import", str(absolute), details={**details, "record_id": capture.record_id})
    return ArchivedFile(path, capture, sha256, warc, size)


@contextmanager
def archived_items(
    archived: ArchivedFile, input_format: str | None = None
) -> Iterator[Iterator[RawDocument | InputError]]:
    """The documents (and bad records) of an archived file, read as a stream from its
    archived record, so what is analysed is what was kept."""
    capture = archived.capture
    with open(capture.warc_path, "rb") as fh:
        fh.seek(capture.offset)
        record = next(ArchiveIterator(fh))
        stream = record.content_stream()
        yield read_stream(stream, str(archived.source), input_format, ReadOptions())


def document_captures(
    archived: ArchivedFile, docs: Mapping[str, str], job: str
) -> list[StoredCapture]:
    """The captures to store for an imported file: one for the file itself (``doc_id``
    None; how a second import of it is recognised) and one per document read from it
    (``docs``: document id -> its location in the file, kept as the URL's fragment)."""
    capture = archived.capture

    def row(doc_id: str | None, url: str) -> StoredCapture:
        return StoredCapture(
            doc_id=doc_id,
            job=job,
            kind="import",
            url=url,
            warc_path=archived.warc_path,
            offset=capture.offset,
            length=capture.length,
            record_id=capture.record_id,
            payload_sha256=archived.sha256,
            status=None,
            captured_at=capture.captured_at,
        )

    return [row(None, capture.url)] + [row(d, f"{capture.url}#{loc}") for d, loc in docs.items()]
