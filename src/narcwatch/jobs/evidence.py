"""The evidence jobs: show a document's captures, export a bundle, verify the archive.

Each takes the :class:`~narcwatch.jobs.context.Context` (the archive root, the chain of
custody and the store come from it) and returns a typed result
(:mod:`narcwatch.results.evidence`)::

    shown = show_job(ctx, "3f9a1c2b")              # EvidenceShow: captures and text
    summary = export_job(ctx, [doc_id], output=Path("case.zip"), sign_key=key)
    report = verify_job(ctx, [], check_all=True)   # VerifyReport; logged in the custody

Reads take ``visibility`` (:class:`~narcwatch.store.visibility.Visibility`), handed to the
repositories, which are where the sharing server will filter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from narcwatch.errors import InputError, NarcwatchError, UsageError
from narcwatch.evidence.archive import (
    actor_doc_ids,
    archive_relative,
    archived_text,
    bundle_summary,
    read_record,
    real_path,
    record_headers,
    resolve_doc_ids,
    to_capture,
    warc_files,
    write_payload,
)
from narcwatch.evidence.bundle import export_bundle
from narcwatch.evidence.bundle_verify import verify_bundle
from narcwatch.evidence.custody import CustodyLog
from narcwatch.evidence.verify import verify_capture, verify_warc
from narcwatch.evidence.warc import Capture
from narcwatch.jobs.context import Context
from narcwatch.results.evidence import (
    BadRecord,
    BundleCheck,
    CaptureFailure,
    CaptureRecord,
    CapturesCheck,
    ChainBreak,
    CustodyCheck,
    EvidenceShow,
    ExportSummary,
    VerifyReport,
    WarcCheck,
)
from narcwatch.store.actors import ActorRepository
from narcwatch.store.captures import CaptureRepository
from narcwatch.store.visibility import Visibility, require_findings

__all__ = ["NoCaptureError", "export_job", "show_job", "verify_job"]

MAX_SHOWN_TEXT = 20_000  # characters of archived text in `evidence show`
SHOWN_BYTES = 16 << 20  # of a payload, read into memory to show its text


class NoCaptureError(NarcwatchError):
    """The documents asked for have no archived capture (scanned, never imported or
    crawled)."""


# -- show -----------------------------------------------------------------------------------
def show_job(
    ctx: Context,
    doc_id: str,
    *,
    html: Path | None = None,
    max_text: int = MAX_SHOWN_TEXT,
    visibility: Visibility | None = None,
) -> EvidenceShow:
    """Where a document was captured, whether each capture still verifies, and its text
    read back from the first that does (``text`` None when none does). ``html`` also
    gets the archived payload's bytes. Not found for a caller outside the home
    organisation."""
    require_findings(visibility, f"document {doc_id!r}")
    with ctx.open_store() as store:
        captures = CaptureRepository(store)
        doc = resolve_doc_ids(captures, [doc_id], visibility=visibility)[0]
        rows = captures.of_documents([doc], visibility=visibility).get(doc, [])
    if not rows:
        raise NoCaptureError(f"document {doc} has no archived capture (import or crawl it)")
    records: list[CaptureRecord] = []
    good: tuple[Capture, str] | None = None
    for row in rows:
        capture = to_capture(row, ctx.archive_root)
        check = verify_capture(capture)
        records.append(
            CaptureRecord(
                doc_id=row.doc_id,
                kind="import" if row.kind == "import" else "crawl",
                job=row.job,
                url=row.url,
                captured_at=capture.captured_at,
                status=row.status,
                warc=capture.warc_path,
                offset=row.offset,
                length=row.length,
                record_id=row.record_id,
                payload_sha256=row.payload_sha256,
                verifies=bool(check),
                problem=None if check else check.reason,
            )
        )
        if check and good is None:
            good = (capture, row.url)
    shown = EvidenceShow(doc_id=doc, captures=records)
    if good is None:
        return shown
    capture, url = good
    record = read_record(Path(capture.warc_path), capture.offset, limit=SHOWN_BYTES)
    text = archived_text(record, capture, doc, url)
    if len(text) > max_text:
        shown.text_omitted = len(text) - max_text
        text = text[:max_text]
    shown.text = text
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        write_payload(Path(capture.warc_path), capture.offset, html)
        shown.payload_file = str(html)
    return shown


# -- export ---------------------------------------------------------------------------------
def export_job(
    ctx: Context,
    doc_ids: Sequence[str],
    *,
    output: Path,
    actor: str | None = None,
    sign_key: Path | None = None,
    visibility: Visibility | None = None,
) -> ExportSummary:
    """Write a bundle (a directory, or a zip when ``output`` ends in .zip) of the archived
    records of ``doc_ids`` (ids or unique prefixes) and of every document of ``actor``,
    logged in the chain of custody. Documents without a capture are left out and named
    in ``missing``; none with one is a :class:`NoCaptureError`."""
    if not doc_ids and actor is None:
        raise UsageError("give document ids or --actor ACTOR_ID")
    require_findings(visibility, f"actor {actor!r}" if actor else f"document {doc_ids[0]!r}")
    with ctx.open_store() as store:
        captures = CaptureRepository(store)
        ids = resolve_doc_ids(captures, doc_ids, visibility=visibility)
        actor_id = None
        if actor is not None:
            actors = ActorRepository(store)
            actor_id, actor_docs = actor_doc_ids(actors, actor, visibility=visibility)
            ids = list(dict.fromkeys([*ids, *actor_docs]))
        found = captures.of_documents(ids, visibility=visibility)
        if not found:
            raise NoCaptureError(
                "no archived capture of any of these documents (import or crawl them)"
            )
        summary = bundle_summary(captures, list(found), actor_id, visibility=visibility)
    chosen: list[Capture] = []
    for rows in found.values():
        for row in rows:
            path = real_path(row.warc_path, ctx.archive_root)
            digest = record_headers(path, row.offset).get("WARC-Block-Digest", "")
            chosen.append(to_capture(row, ctx.archive_root, digest))
    log = ctx.custody()
    chain = log.verify()
    summary.update(custody_head=chain.head_hash, custody_entries=chain.entries)
    export_bundle(chosen, output, summary=summary, signing_key=sign_key, custody=log)
    return ExportSummary(
        output=str(output),
        documents=list(found),
        missing=[d for d in ids if d not in found],
        actor=actor_id,
        records=len({c.record_id for c in chosen}),
        signed=sign_key is not None,
        custody_head=chain.head_hash,
        custody_entries=chain.entries,
    )


# -- verify ---------------------------------------------------------------------------------
def _warc_check(path: Path, archive: Path) -> WarcCheck:
    report = verify_warc(path)
    first = report.first_error
    return WarcCheck(
        path=archive_relative(path, archive),
        ok=report.ok,
        records=report.records,
        verified=report.verified,
        unverified=report.unverified,
        failed=report.failed,
        first_error=None if first is None else BadRecord(**asdict(first)),
    )


def _custody_check(log: CustodyLog) -> CustodyCheck:
    chain = log.verify()
    problem = chain.first_error
    return CustodyCheck(
        ok=chain.ok,
        path=chain.path,
        entries=chain.entries,
        head_hash=chain.head_hash,
        first_error=None if problem is None else ChainBreak(**asdict(problem)),
    )


def _captures_check(
    captures: CaptureRepository, archive: Path, vis: Visibility | None
) -> CapturesCheck:
    """Every distinct stored capture's payload hash, re-read from its WARC."""
    seen: set[tuple[str, int, str]] = set()
    failures: list[CaptureFailure] = []
    for row in captures.all(visibility=vis):
        key = (row.warc_path, row.offset, row.payload_sha256)
        if key in seen:
            continue
        seen.add(key)
        check = verify_capture(to_capture(row, archive))
        if not check:
            failures.append(
                CaptureFailure(
                    doc_id=row.doc_id,
                    url=row.url,
                    warc=row.warc_path,
                    offset=row.offset,
                    record_id=check.record_id or row.record_id,
                    reason=check.reason,
                )
            )
    return CapturesCheck(ok=not failures, checked=len(seen), failures=failures)


def _bundle_check(bundle: Path, public_key: Path | None) -> BundleCheck:
    report = verify_bundle(bundle, public_key=public_key)
    return BundleCheck(
        path=str(bundle),
        ok=report.ok,
        records=report.records,
        signed=report.signed,
        signature_valid=report.signature_valid,
        trusted_key=report.trusted_key,
        problems=list(report.problems),
    )


def verify_job(
    ctx: Context,
    paths: Sequence[Path] = (),
    *,
    check_all: bool = False,
    bundle: Path | None = None,
    public_key: Path | None = None,
    log: bool = True,
    on_warning: Callable[[str], None] | None = None,
    visibility: Visibility | None = None,
) -> VerifyReport:
    """Check WARC files (and directories of them); with ``check_all`` also every WARC under
    the archive root, the chain of custody and every stored capture; with ``bundle`` an
    export bundle. The check itself is logged in the chain of custody (unless ``log`` is
    false; a log that cannot be written is reported to ``on_warning``)."""
    if not paths and not check_all and bundle is None:
        raise UsageError("give WARC files or directories, --all or --bundle")
    archive = ctx.archive_root
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}", value=str(path))
        files += warc_files(path)
    if check_all and archive.is_dir():
        files += warc_files(archive)
    report = VerifyReport(
        ok=True, warcs=[_warc_check(p, archive) for p in dict.fromkeys(p.resolve() for p in files)]
    )
    if check_all:
        report.custody = _custody_check(ctx.custody())
        with ctx.open_store() as store:
            report.captures = _captures_check(CaptureRepository(store), archive, visibility)
    if bundle is not None:
        report.bundle = _bundle_check(bundle, public_key)
    parts = [*report.warcs, report.custody, report.captures, report.bundle]
    report.ok = all(part.ok for part in parts if part is not None)
    if log:
        subject = "archive" if check_all else ", ".join(str(p) for p in [*paths, bundle] if p)
        details = {"ok": report.ok, "failed": [w.path for w in report.warcs if not w.ok]}
        try:
            ctx.custody().append("verify", subject, details=details)
        except InputError as err:
            if on_warning is not None:
                on_warning(f"cannot log the check in the chain of custody: {err}")
    return report
