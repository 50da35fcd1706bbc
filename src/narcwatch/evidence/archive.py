"""The evidence layout of a narcwatch home, and the captures the store points at.

    HOME/archive/<job>/*.warc.gz     WARC files (crawls, and ``import-<job>`` for imports)
    HOME/custody.jsonl               the chain of custody (:class:`CustodyLog`)

``captures`` rows keep ``warc_path`` relative to ``HOME/archive`` when the file lies under
it, so a home directory can be moved or copied whole. This module turns rows back into
:class:`Capture` objects, finds the captures of documents and actors, reads an archived
payload back and builds the summary of an export bundle.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import select

from narcwatch.errors import UsageError
from narcwatch.evidence.bundle_verify import verify_bundle
from narcwatch.evidence.custody import CustodyLog
from narcwatch.evidence.readback import ArchivedRecord, read_record, record_headers, write_payload
from narcwatch.evidence.verify import verify_capture, verify_warc
from narcwatch.evidence.warc import Capture
from narcwatch.store import Store
from narcwatch.store.tables import ActorDocRow, ActorRow, CaptureRow, DocumentRow

__all__ = [
    "ArchivedRecord",
    "read_record",
    "record_headers",
    "write_payload",
]

WARC_SUFFIXES = (".warc", ".warc.gz")


def archive_dir(home: Path) -> Path:
    return Path(home) / "archive"


def custody_log(home: Path) -> CustodyLog:
    return CustodyLog(Path(home) / "custody.jsonl")


def stored_path(path: Path | str, home: Path) -> str:
    """``path`` as a ``captures.warc_path``: relative to HOME/archive when under it."""
    return archive_relative(path, archive_dir(home))


def archive_relative(path: Path | str, archive: Path) -> str:
    """``path`` relative to the archive directory when under it, else absolute. A path
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


def real_path(stored: str, home: Path) -> Path:
    """The file a ``captures.warc_path`` names."""
    path = Path(stored)
    return path if path.is_absolute() else archive_dir(home) / path


def warc_files(root: Path) -> list[Path]:
    """Every WARC file under ``root`` (or ``root`` itself), in sorted order."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))


def to_capture(row: CaptureRow, home: Path, block_digest: str = "") -> Capture:
    captured = row.captured_at
    if captured.tzinfo is None:  # SQLite hands back naive datetimes: they were stored in UTC
        captured = captured.replace(tzinfo=UTC)
    return Capture(
        warc_path=str(real_path(row.warc_path, home)),
        offset=row.offset,
        length=row.length,
        record_id=row.record_id,
        payload_sha256=row.payload_sha256,
        block_digest=block_digest,
        url=row.url.split("#", 1)[0] if row.kind == "import" else row.url,  # the file's URI
        captured_at=captured,
        status=row.status,
        record_type="resource" if row.kind == "import" else "response",
    )


# -- lookups --------------------------------------------------------------------------------
def resolve_doc_ids(store: Store, wanted: Sequence[str]) -> list[str]:
    """Full document ids for ``wanted`` (ids or unique prefixes of at least 6 characters);
    an unknown one is a :class:`UsageError` naming similar stored ids."""
    out: list[str] = []
    with store.session() as s:
        for ident in wanted:
            key = ident.strip().lower()
            query = select(DocumentRow.doc_id).where(DocumentRow.doc_id.startswith(key))
            found = list(s.scalars(query.limit(2))) if len(key) >= 6 else []
            if len(found) == 1 or key in found:
                out.append(key if key in found else found[0])
                continue
            near = select(DocumentRow.doc_id).where(DocumentRow.doc_id.startswith(key[:2]))
            pool = list(s.scalars(near.limit(5000))) or list(
                s.scalars(select(DocumentRow.doc_id).order_by(DocumentRow.pk.desc()).limit(50))
            )
            similar = difflib.get_close_matches(key, pool, n=5, cutoff=0.3) or pool[:5]
            what = "ambiguous document id" if len(found) > 1 else "unknown document id"
            raise UsageError(f"{what} {ident!r}", value=ident, options=similar)
    return list(dict.fromkeys(out))


def actor_doc_ids(store: Store, actor_id: str) -> tuple[str, list[str]]:
    """The (latest) documents of an actor, following merges; returns (actor id, doc ids)."""
    with store.session() as s:
        row, seen = s.get(ActorRow, actor_id), set()
        while row is not None and row.status == "merged" and row.merged_into not in seen:
            seen.add(row.id)
            row = s.get(ActorRow, row.merged_into)
        if row is None or row.status != "active":
            top = select(ActorRow.id).where(ActorRow.status == "active")
            options = list(s.scalars(top.order_by(ActorRow.n_docs.desc()).limit(10)))
            raise UsageError(f"no actor {actor_id!r}", value=actor_id, options=options)
        query = (
            select(DocumentRow.doc_id)
            .join(ActorDocRow, ActorDocRow.document_pk == DocumentRow.pk)
            .where(ActorDocRow.actor_id == row.id)
            .order_by(DocumentRow.pk)
        )
        return row.id, list(s.scalars(query))


def captures_of(store: Store, doc_ids: Iterable[str]) -> dict[str, list[CaptureRow]]:
    """Each document's capture rows (oldest first); documents without any are left out."""
    ids = list(doc_ids)
    out: dict[str, list[CaptureRow]] = {}
    with store.session() as s:
        for start in range(0, len(ids), 500):
            query = select(CaptureRow).where(CaptureRow.doc_id.in_(ids[start : start + 500]))
            for row in s.scalars(query.order_by(CaptureRow.pk)):
                out.setdefault(str(row.doc_id), []).append(row)
    return out


def bundle_summary(store: Store, doc_ids: Sequence[str], actor: str | None) -> dict[str, Any]:
    """What a bundle is about, for its manifest and SUMMARY.md."""
    substances: set[str] = set()
    selectors: set[str] = set()
    urls: list[str] = []
    with store.session() as s:
        rows = s.scalars(select(DocumentRow).where(DocumentRow.doc_id.in_(list(doc_ids))))
        for row in rows:
            if row.url:
                urls.append(row.url)
            finding = json.loads(row.finding)
            substances.update(h.get("name", h.get("id", "")) for h in finding.get("substances", []))
            selectors.update(f"{h['type']}:{h['value']}" for h in finding.get("selectors", []))
    summary: dict[str, Any] = {"documents": ", ".join(doc_ids)}
    if actor:
        summary["actor"] = actor
    summary["urls"] = ", ".join(sorted(set(urls)))
    summary["substances"] = ", ".join(sorted(substances))
    summary["selectors"] = ", ".join(sorted(selectors))
    return summary


# -- checks ---------------------------------------------------------------------------------
def _warc_check(path: Path, home: Path) -> dict[str, Any]:
    report = verify_warc(path)
    first = report.first_error
    return {
        "path": stored_path(path, home),
        "ok": report.ok,
        "records": report.records,
        "verified": report.verified,
        "unverified": report.unverified,
        "failed": report.failed,
        "first_error": None if first is None else asdict(first),
    }


def _capture_checks(store: Store, home: Path) -> dict[str, Any]:
    """Every distinct capture row's payload hash, re-read from its WARC."""
    seen: set[tuple[str, int, str]] = set()
    checked, failures = 0, []
    with store.session() as s:
        rows = list(s.scalars(select(CaptureRow).order_by(CaptureRow.pk)))
    for row in rows:
        key = (row.warc_path, row.offset, row.payload_sha256)
        if key in seen:
            continue
        seen.add(key)
        checked += 1
        path = real_path(row.warc_path, home)
        check = verify_capture(
            {"warc_path": str(path), "offset": row.offset, "payload_sha256": row.payload_sha256}
        )
        if not check:
            failures.append(
                {
                    "doc_id": row.doc_id,
                    "url": row.url,
                    "warc": row.warc_path,
                    "offset": row.offset,
                    "record_id": check.record_id or row.record_id,
                    "reason": check.reason,
                }
            )
    return {"ok": not failures, "checked": checked, "failures": failures}


def run_checks(
    paths: Sequence[Path],
    home: Path,
    store: Store | None,
    check_all: bool,
    bundle: Path | None,
    public_key: Path | None,
) -> dict[str, Any]:
    """Check WARC files (and directories of them); with ``check_all`` also every WARC under
    HOME/archive, the custody chain and every capture row; with ``bundle`` a bundle."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}", value=str(path))
        files += warc_files(path)
    if check_all and archive_dir(home).is_dir():
        files += warc_files(archive_dir(home))
    result: dict[str, Any] = {
        "warcs": [_warc_check(p, home) for p in dict.fromkeys(p.resolve() for p in files)]
    }
    if check_all:
        chain = custody_log(home).verify()
        problem = chain.first_error
        result["custody"] = {
            "ok": chain.ok,
            "path": chain.path,
            "entries": chain.entries,
            "head_hash": chain.head_hash,
            "first_error": None if problem is None else asdict(problem),
        }
        if store is not None:
            result["captures"] = _capture_checks(store, home)
    if bundle is not None:
        report = verify_bundle(bundle, public_key=public_key)
        result["bundle"] = {
            "path": str(bundle),
            "ok": report.ok,
            "records": report.records,
            "signed": report.signed,
            "signature_valid": report.signature_valid,
            "trusted_key": report.trusted_key,
            "problems": report.problems,
        }
    parts = [
        *result["warcs"],
        *(result[k] for k in ("custody", "captures", "bundle") if k in result),
    ]
    result["ok"] = all(part["ok"] for part in parts)
    return result
