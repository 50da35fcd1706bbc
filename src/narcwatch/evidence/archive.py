"""The archive the store points at: stored captures back to WARC records, and lookups.

WARC files lie under an archive root (``<archive>/<job>/*.warc.gz``; the home's layout,
``HOME/archive`` and ``HOME/custody.jsonl``, is written down once, in
:class:`narcwatch.jobs.context.Context`). ``captures`` rows keep ``warc_path`` relative to
the archive root when the file lies under it, so a home directory can be moved or copied
whole. This module turns stored captures back into :class:`Capture` objects, resolves the
documents and actors an analyst names, reads an archived document's text back and builds
the summary of an export bundle. The rows come from
:class:`~narcwatch.store.captures.CaptureRepository`.
"""

from __future__ import annotations

import difflib
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from narcwatch.errors import UsageError
from narcwatch.evidence.readback import ArchivedRecord, read_record, record_headers, write_payload
from narcwatch.evidence.warc import Capture
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.decode import decode
from narcwatch.ingest.html import html_to_text
from narcwatch.ingest.sources import read_stream
from narcwatch.store.actors import ActorRepository
from narcwatch.store.captures import CaptureRepository, StoredCapture
from narcwatch.store.visibility import Visibility

__all__ = [
    "ArchivedRecord",
    "actor_doc_ids",
    "archive_relative",
    "archived_text",
    "bundle_summary",
    "read_record",
    "real_path",
    "record_headers",
    "resolve_doc_ids",
    "to_capture",
    "warc_files",
    "write_payload",
]

WARC_SUFFIXES = (".warc", ".warc.gz")


def archive_relative(path: Path | str, archive: Path) -> str:
    """``path`` as a stored ``warc_path``: relative to the archive root when under it, else
    absolute. A path
    written under ``archive`` is taken as it is (no file-system call: a crawl asks this
    for every page); only others are resolved."""
    try:
        return str(Path(path).relative_to(archive))
    except ValueError:
        pass
    absolute = Path(path).resolve()
    try:
        return str(absolute.relative_to(Path(archive).resolve()))
    except ValueError:
        return str(absolute)


def real_path(stored: str, archive: Path) -> Path:
    """The file a stored ``warc_path`` names."""
    path = Path(stored)
    return path if path.is_absolute() else Path(archive) / path


def warc_files(root: Path) -> list[Path]:
    """Every WARC file under ``root`` (or ``root`` itself), in sorted order."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))


def to_capture(row: StoredCapture, archive: Path, block_digest: str = "") -> Capture:
    """Where a stored capture's record lies, as the archive code reads it."""
    return Capture(
        warc_path=str(real_path(row.warc_path, archive)),
        offset=row.offset,
        length=row.length,
        record_id=row.record_id,
        payload_sha256=row.payload_sha256,
        block_digest=block_digest,
        url=row.url.split("#", 1)[0] if row.kind == "import" else row.url,  # the file's URI
        captured_at=row.captured_at,
        status=row.status,
        record_type="resource" if row.kind == "import" else "response",
    )


# -- lookups --------------------------------------------------------------------------------
def resolve_doc_ids(
    captures: CaptureRepository, wanted: Sequence[str], *, visibility: Visibility | None = None
) -> list[str]:
    """Full document ids for ``wanted`` (ids or unique prefixes of at least 6 characters);
    an unknown one is a :class:`UsageError` naming similar stored ids."""
    out: list[str] = []
    for ident in wanted:
        key = ident.strip().lower()
        found = (
            captures.doc_ids_starting(key, limit=2, visibility=visibility) if len(key) >= 6 else []
        )
        if len(found) == 1 or key in found:
            out.append(key if key in found else found[0])
            continue
        pool = captures.doc_ids_starting(
            key[:2], limit=5000, visibility=visibility
        ) or captures.recent_doc_ids(limit=50, visibility=visibility)
        similar = difflib.get_close_matches(key, pool, n=5, cutoff=0.3) or pool[:5]
        what = "ambiguous document id" if len(found) > 1 else "unknown document id"
        raise UsageError(f"{what} {ident!r}", value=ident, options=similar)
    return list(dict.fromkeys(out))


def actor_doc_ids(
    actors: ActorRepository, actor_id: str, *, visibility: Visibility | None = None
) -> tuple[str, list[str]]:
    """The (latest) documents of an actor, following merges, in storage order; returns
    (actor id, doc ids)."""
    active = actors.resolve(actor_id, visibility=visibility)
    if active is None:
        options = actors.largest(10, visibility=visibility)
        raise UsageError(f"no actor {actor_id!r}", value=actor_id, options=options)
    members = sorted(actors.documents([active], visibility=visibility), key=lambda m: m.pk)
    return active, [m.doc_id for m in members]


def bundle_summary(
    captures: CaptureRepository,
    doc_ids: Sequence[str],
    actor: str | None,
    *,
    visibility: Visibility | None = None,
) -> dict[str, Any]:
    """What a bundle is about, for its manifest and SUMMARY.md."""
    substances: set[str] = set()
    selectors: set[str] = set()
    urls: list[str] = []
    for url, finding in captures.document_findings(doc_ids, visibility=visibility):
        if url:
            urls.append(url)
        substances.update(h.get("name", h.get("id", "")) for h in finding.get("substances", []))
        selectors.update(f"{h['type']}:{h['value']}" for h in finding.get("selectors", []))
    summary: dict[str, Any] = {"documents": ", ".join(doc_ids)}
    if actor:
        summary["actor"] = actor
    summary["urls"] = ", ".join(sorted(set(urls)))
    summary["substances"] = ", ".join(sorted(substances))
    summary["selectors"] = ", ".join(sorted(selectors))
    return summary


# -- reading a document back -------------------------------------------------------------------
def _find_text(stream: BinaryIO, name: str, doc_id: str) -> str | None:
    for item in read_stream(stream, name, None, ReadOptions()):
        if isinstance(item, RawDocument) and item.sha256 == doc_id:
            return item.text
    return None


def archived_text(record: ArchivedRecord, capture: Capture, doc_id: str, url: str) -> str:
    """The document's text as read back from the archived payload: the document whose id
    is ``doc_id`` among those the payload holds (an import holds many), else the whole
    payload as text. A payload too big to hold (``record.truncated``: a large import) is
    read as a stream from a copy to find the document in it."""
    name = unquote(urlsplit(url).path) or "capture"
    if not record.truncated:
        found = _find_text(io.BytesIO(record.payload), name, doc_id)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "payload"
            write_payload(Path(capture.warc_path), capture.offset, copy)
            with open(copy, "rb") as fh:
                found = _find_text(fh, name, doc_id)
    if found is not None:
        return found
    if "html" in record.content_type.lower():
        return html_to_text(record.payload)[0]
    return decode(record.payload)
