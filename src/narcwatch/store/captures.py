"""Captures: where each stored document's archived record lies, and what evidence reads.

A capture is one archived crawl response or imported file (``captures`` table), with the
document read from it (``doc_id``; None for the row of a whole imported file).
``warc_path`` is relative to the archive root when the file lies under it, else absolute;
turning it into a file is the caller's business (:mod:`narcwatch.evidence.archive`)::

    captures = CaptureRepository(store)
    captures.add([StoredCapture(doc_id, "import-case", "import", url, warc, ...)])
    rows = captures.of_documents([doc_id])[doc_id]

Every read takes ``visibility`` (:class:`~narcwatch.store.visibility.Visibility`), the
one place the sharing server will filter by organisation and TLP; None sees everything.
The evidence commands' lookups of documents (ids by prefix, the findings a bundle
summarises) live here too; actors are :class:`~narcwatch.store.actors.ActorRepository`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from narcwatch.store.tables import CaptureRow, DocumentRow
from narcwatch.store.visibility import Visibility, sees_findings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

__all__ = ["CaptureRepository", "StoredCapture"]

_CHUNK = 500  # ids per IN (...)


@dataclass(frozen=True, slots=True)
class StoredCapture:
    """One ``captures`` row. ``captured_at`` is timezone-aware (UTC); ``pk`` is None until
    stored."""

    doc_id: str | None
    job: str
    kind: str  # crawl | import
    url: str
    warc_path: str  # relative to the archive root when under it, else absolute
    offset: int
    length: int
    record_id: str
    payload_sha256: str
    status: int | None
    captured_at: datetime
    pk: int | None = None


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes: they were stored in UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _from_row(row: CaptureRow) -> StoredCapture:
    return StoredCapture(
        doc_id=row.doc_id,
        job=row.job,
        kind=row.kind,
        url=row.url,
        warc_path=row.warc_path,
        offset=row.offset,
        length=row.length,
        record_id=row.record_id,
        payload_sha256=row.payload_sha256,
        status=row.status,
        captured_at=_utc(row.captured_at),
        pk=row.pk,
    )


def _values(capture: StoredCapture) -> dict[str, Any]:
    return {
        "doc_id": capture.doc_id,
        "job": capture.job,
        "kind": capture.kind,
        "url": capture.url,
        "warc_path": capture.warc_path,
        "offset": capture.offset,
        "length": capture.length,
        "record_id": capture.record_id,
        "payload_sha256": capture.payload_sha256,
        "status": capture.status,
        "captured_at": capture.captured_at,
    }


def insert_captures(session: Session, captures: Sequence[StoredCapture]) -> int:
    """Insert ``captures`` inside the caller's transaction (the crawl frontier commits a
    page's capture with its URL state); returns how many."""
    if captures:
        session.execute(insert(CaptureRow), [_values(c) for c in captures])
    return len(captures)


class CaptureRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- captures ---------------------------------------------------------------------------
    def add(self, captures: Iterable[StoredCapture]) -> int:
        """Store ``captures`` in one transaction; returns how many."""
        items = list(captures)
        with self.store.session() as s, s.begin():
            return insert_captures(s, items)

    def imported_file(
        self, payload_sha256: str, *, visibility: Visibility | None = None
    ) -> StoredCapture | None:
        """The capture of a whole imported file with this SHA-256, if it was imported."""
        if not sees_findings(visibility):
            return None
        with self.store.session() as s:
            query = select(CaptureRow).where(
                CaptureRow.kind == "import",
                CaptureRow.doc_id.is_(None),
                CaptureRow.payload_sha256 == payload_sha256,
            )
            row = s.scalars(query.limit(1)).first()
            return None if row is None else _from_row(row)

    def of_documents(
        self, doc_ids: Iterable[str], *, visibility: Visibility | None = None
    ) -> dict[str, list[StoredCapture]]:
        """Each document's captures, oldest first; documents without any are left out."""
        if not sees_findings(visibility):
            return {}
        ids = list(doc_ids)
        out: dict[str, list[StoredCapture]] = {}
        with self.store.session() as s:
            for start in range(0, len(ids), _CHUNK):
                query = select(CaptureRow).where(CaptureRow.doc_id.in_(ids[start : start + _CHUNK]))
                for row in s.scalars(query.order_by(CaptureRow.pk)):
                    out.setdefault(str(row.doc_id), []).append(_from_row(row))
        return out

    def all(
        self, *, job: str | None = None, visibility: Visibility | None = None
    ) -> list[StoredCapture]:
        """Every capture (of one ``job`` when given), oldest first."""
        if not sees_findings(visibility):
            return []
        query = select(CaptureRow).order_by(CaptureRow.pk)
        if job is not None:
            query = query.where(CaptureRow.job == job)
        with self.store.session() as s:
            return [_from_row(r) for r in s.scalars(query)]

    # -- documents, as the evidence commands look them up -----------------------
    def doc_ids_starting(
        self, prefix: str, *, limit: int, visibility: Visibility | None = None
    ) -> list[str]:
        """Stored document ids that start with ``prefix`` (at most ``limit``)."""
        if not sees_findings(visibility):
            return []
        with self.store.session() as s:
            query = select(DocumentRow.doc_id).where(DocumentRow.doc_id.startswith(prefix))
            return list(s.scalars(query.limit(limit)))

    def recent_doc_ids(self, *, limit: int, visibility: Visibility | None = None) -> list[str]:
        """The ids of the documents stored last, newest first."""
        if not sees_findings(visibility):
            return []
        with self.store.session() as s:
            query = select(DocumentRow.doc_id).order_by(DocumentRow.pk.desc()).limit(limit)
            return list(s.scalars(query))

    def document_findings(
        self, doc_ids: Sequence[str], *, visibility: Visibility | None = None
    ) -> list[tuple[str | None, dict[str, Any]]]:
        """(URL, finding as JSON data) of each stored document in ``doc_ids``."""
        if not sees_findings(visibility):
            return []
        ids = list(doc_ids)
        out: list[tuple[str | None, dict[str, Any]]] = []
        with self.store.session() as s:
            for start in range(0, len(ids), _CHUNK):
                query = select(DocumentRow.url, DocumentRow.finding).where(
                    DocumentRow.doc_id.in_(ids[start : start + _CHUNK])
                )
                out += [(url, json.loads(text)) for url, text in s.execute(query)]
        return out
