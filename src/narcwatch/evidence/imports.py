"""Importing an analyst's existing files as evidence, then scanning them.

Each file is archived whole as a WARC ``resource`` record under ``HOME/archive/import-<job>/``,
logged in the chain of custody (``HOME/custody.jsonl``) and then read from the archived
bytes exactly as ``narcwatch scan`` reads a file; every stored document gets a ``captures``
row pointing at that record, so ``narcwatch evidence show DOC_ID`` works for it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from narcwatch.analyze.parallel import analyze_stream
from narcwatch.errors import InputError
from narcwatch.evidence.archive import stored_path
from narcwatch.evidence.custody import CustodyLog
from narcwatch.evidence.warc import WarcWriter, file_sha256
from narcwatch.ingest.base import ReadOptions
from narcwatch.ingest.sources import read_stream
from narcwatch.model import Finding
from narcwatch.scan import ScanStats, run_scan
from narcwatch.store import Store
from narcwatch.store.tables import CaptureRow

_CTYPES = {".jsonl": "application/x-ndjson", ".ndjson": "application/x-ndjson"}


def _already(store: Store, sha256: str) -> CaptureRow | None:
    with store.session() as s:
        query = select(CaptureRow).where(
            CaptureRow.kind == "import",
            CaptureRow.doc_id.is_(None),
            CaptureRow.payload_sha256 == sha256,
        )
        return s.scalars(query.limit(1)).first()


def import_file(
    path: Path,
    *,
    store: Store,
    home: Path,
    writer: WarcWriter,
    custody: CustodyLog,
    job: str,
    input_format: str | None,
    on_error: Callable[[InputError], None] | None = None,
) -> tuple[str, ScanStats | None]:
    """Archive, log, scan and link one file; returns ("imported"|"already", stats)."""
    size = path.stat().st_size
    if size == 0:
        raise InputError(str(path), None, "empty file, nothing to import")
    digest = file_sha256(path)  # streamed: exports of any size, never held in memory
    sha256 = digest.hex()
    if _already(store, sha256) is not None:
        return "already", None
    absolute = path.resolve()
    now = datetime.now(UTC)
    ctype = _CTYPES.get(absolute.suffix.lower()) or mimetypes.guess_type(absolute.name)[0]
    meta = {"source-path": str(absolute), "source-sha256": sha256, "input-format": input_format}
    capture = writer.write_resource_file(
        absolute.as_uri(), absolute, ctype or "", now, metadata=meta, sha256=digest
    )
    warc = stored_path(capture.warc_path, home)
    details = {"sha256": sha256, "warc": warc, "offset": capture.offset, "bytes": size}
    custody.append("import", str(absolute), details={**details, "record_id": capture.record_id})

    docs: dict[str, str] = {}

    def remember(finding: Finding) -> None:
        docs.setdefault(finding.doc.id, finding.doc.location)

    # Scanned from the archived record, streamed, so what is analysed is what was kept.
    with open(capture.warc_path, "rb") as archived:
        archived.seek(capture.offset)
        record = next(ArchiveIterator(archived))
        items = read_stream(record.content_stream(), str(path), input_format, ReadOptions())
        stats = run_scan(
            analyze_stream(items),
            store=store,
            on_finding=[remember],
            on_error=[on_error] if on_error else [],
        )

    def row(doc_id: str | None, url: str) -> CaptureRow:
        return CaptureRow(
            doc_id=doc_id,
            job=job,
            kind="import",
            url=url,
            warc_path=warc,
            offset=capture.offset,
            length=capture.length,
            record_id=capture.record_id,
            payload_sha256=sha256,
            status=None,
            captured_at=now,
        )

    with store.session() as s, s.begin():
        s.add(row(None, capture.url))
        s.add_all(row(doc, f"{capture.url}#{loc}") for doc, loc in docs.items())
    return "imported", stats
