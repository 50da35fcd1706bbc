"""``narcwatch evidence``: verify the archives, export bundles, show what was captured."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

import typer

from narcwatch.cli.app import app, fail
from narcwatch.cli.link import DB, HOME, open_store
from narcwatch.errors import InputError, UsageError
from narcwatch.evidence.archive import (
    ArchivedRecord,
    actor_doc_ids,
    archive_dir,
    bundle_summary,
    captures_of,
    custody_log,
    read_record,
    real_path,
    record_headers,
    resolve_doc_ids,
    run_checks,
    to_capture,
    write_payload,
)
from narcwatch.evidence.bundle import export_bundle
from narcwatch.evidence.signing import generate_signing_key
from narcwatch.evidence.verify import verify_capture
from narcwatch.evidence.warc import Capture
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.decode import decode
from narcwatch.ingest.html import html_to_text
from narcwatch.ingest.sources import read_stream
from narcwatch.settings import resolve_home

evidence_app = typer.Typer(
    help=(
        "Court-grade evidence: WARC archives under HOME/archive, the chain of custody in "
        "HOME/custody.jsonl, signed export bundles."
    ),
    no_args_is_help=True,
)
app.add_typer(evidence_app, name="evidence")

FORMATS = ("table", "json")
MAX_SHOWN_TEXT = 20_000
SHOWN_BYTES = 16 << 20  # of a payload, read into memory to show its text


def _state(ok: bool) -> str:
    return "OK    " if ok else "FAILED"


def show_checks(result: dict[str, Any]) -> str:
    """The outcome of :func:`run_checks` as lines for people."""
    lines = []
    for warc in result["warcs"]:
        line = f"{_state(warc['ok'])}  {warc['path']}: {warc['records']} records"
        err = warc["first_error"]
        if err:
            line += f", {warc['failed']} failed; first: record {err['record_id'] or '?'}"
            line += f" at offset {err['offset']}: {err['reason']}"
        lines.append(line)
    if chain := result.get("custody"):
        line = f"{_state(chain['ok'])}  custody chain {chain['path']}: {chain['entries']} entries"
        if err := chain["first_error"]:
            line += f" good, then line {err['line']} (seq {err['seq']}): {err['reason']}"
        lines.append(line + f"; head {chain['head_hash'][:16]}")
    if caps := result.get("captures"):
        lines.append(f"{_state(caps['ok'])}  captures: {caps['checked']} checked")
        for bad in caps["failures"]:
            lines.append(
                f"FAILED  capture of document {bad['doc_id'] or '(file)'}: record "
                f"{bad['record_id']} at offset {bad['offset']} of {bad['warc']}: {bad['reason']}"
            )
    if bundle := result.get("bundle"):
        signed = "unsigned"
        if bundle["signed"]:
            signed = "signature " + ("valid" if bundle["signature_valid"] else "INVALID")
            signed += " (trusted key)" if bundle["trusted_key"] else " (bundled key)"
        lines.append(
            f"{_state(bundle['ok'])}  bundle {bundle['path']}: {bundle['records']} records, "
            + signed
        )
        lines += [f"        {problem}" for problem in bundle["problems"]]
    if not lines:
        lines.append("nothing to check")
    return "\n".join(lines)


@evidence_app.command("verify")
def verify_command(
    paths: list[Path] = typer.Argument(None, help="WARC files or directories to check."),
    check_all: bool = typer.Option(
        False, "--all", help="Every WARC under HOME/archive, the custody chain and every capture."
    ),
    bundle: Path | None = typer.Option(
        None, "--bundle", help="Check an export bundle (directory or .zip)."
    ),
    public_key: Path | None = typer.Option(
        None, "--public-key", help="PEM public key the bundle's signature must match."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="Output format: table, json."),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Recompute every digest and name the first bad record; exit 1 when anything failed.
    The check itself is logged in the chain of custody."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=FORMATS)
    if not paths and not check_all and bundle is None:
        raise UsageError("give WARC files or directories, --all or --bundle")
    home_dir = resolve_home(home)
    store = open_store(home_dir, db) if check_all else None
    result = run_checks(list(paths or []), home_dir, store, check_all, bundle, public_key)
    typer.echo(json.dumps(result, indent=2) if fmt == "json" else show_checks(result))
    subject = "archive" if check_all else ", ".join(str(p) for p in [*(paths or []), bundle] if p)
    details = {"ok": result["ok"], "failed": [w["path"] for w in result["warcs"] if not w["ok"]]}
    try:
        custody_log(home_dir).append("verify", subject, details=details)
    except InputError as err:
        typer.echo(f"narcwatch: cannot log the check in the chain of custody: {err}", err=True)
    if not result["ok"]:
        raise typer.Exit(1)


@evidence_app.command("export")
def export_command(
    doc_ids: list[str] = typer.Argument(None, help="Document ids (or unique prefixes)."),
    actor: str | None = typer.Option(None, "--actor", help="Export every document of ACTOR."),
    output: Path = typer.Option(..., "--output", "-o", help="Bundle to write (DIR or FILE.zip)."),
    sign_key: Path | None = typer.Option(
        None, "--sign-key", help="Ed25519 private key (PEM) to sign the manifest with."
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="dir or zip (default: zip when OUT ends in .zip)."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Hand captures over: the archived records of documents (or of an actor), a manifest
    of hashes, a summary and an optional signature, logged in the chain of custody."""
    if fmt not in (None, "dir", "zip"):
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=("dir", "zip"))
    is_zip = output.suffix.lower() == ".zip"
    if fmt == "dir" and is_zip:
        raise UsageError(f"--format dir but {output} ends in .zip", value=str(output))
    if fmt == "zip" and not is_zip:
        output = output.with_name(output.name + ".zip")
    if not doc_ids and actor is None:
        raise UsageError("give document ids or --actor ACTOR_ID")
    home_dir = resolve_home(home)
    store = open_store(home_dir, db)
    ids = resolve_doc_ids(store, doc_ids or [])
    actor_id = None
    if actor is not None:
        actor_id, actor_docs = actor_doc_ids(store, actor)
        ids = list(dict.fromkeys([*ids, *actor_docs]))
    found = captures_of(store, ids)
    for doc in ids:
        if doc not in found:
            typer.echo(f"narcwatch: document {doc} has no archived capture; left out", err=True)
    if not found:
        raise fail("none of these documents has an archived capture (import or crawl them)", 1)
    captures = []
    for rows in found.values():
        for row in rows:
            path = real_path(row.warc_path, home_dir)
            digest = record_headers(path, row.offset).get("WARC-Block-Digest", "")
            captures.append(to_capture(row, home_dir, digest))
    log = custody_log(home_dir)
    summary = bundle_summary(store, list(found), actor_id)
    chain = log.verify()
    summary.update(custody_head=chain.head_hash, custody_entries=chain.entries)
    export_bundle(captures, output, summary=summary, signing_key=sign_key, custody=log)
    typer.echo(str(output))
    typer.echo(
        f"narcwatch evidence: exported {len({c.record_id for c in captures})} records of "
        f"{len(found)} documents to {output}",
        err=True,
    )


@evidence_app.command("keygen")
def keygen_command(
    path: Path = typer.Argument(..., help="Where to write the private key (PATH.pub: public)."),
) -> None:
    """Create an Ed25519 signing key for `evidence export --sign-key`; never overwrites."""
    public = generate_signing_key(path)
    typer.echo(f"private key: {path} (keep it secret)\npublic key:  {public} (share it)")


def _find_text(stream: BinaryIO, name: str, doc_id: str) -> str | None:
    for item in read_stream(stream, name, None, ReadOptions()):
        if isinstance(item, RawDocument) and item.sha256 == doc_id:
            return item.text
    return None


def _archived_text(record: ArchivedRecord, capture: Capture, doc_id: str, url: str) -> str:
    """The document's text as read back from the archived payload. A payload too big to
    hold (a large import) is read as a stream from a copy to find the document in it."""
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


@evidence_app.command("show")
def show_command(
    doc_id: str = typer.Argument(..., help="Document id (or a unique prefix)."),
    html: Path | None = typer.Option(
        None, "--html", help="Write the archived payload bytes to FILE for offline viewing."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
) -> None:
    """Where a document was captured (URL, time, WARC file, offset, record id, payload
    SHA-256 and whether it still verifies) and the archived text."""
    home_dir = resolve_home(home)
    store = open_store(home_dir, db)
    doc = resolve_doc_ids(store, [doc_id])[0]
    rows = captures_of(store, [doc]).get(doc, [])
    if not rows:
        raise fail(f"document {doc} has no archived capture (import or crawl it)", 1)
    lines = [f"document  {doc}"]
    good: tuple[Capture, str] | None = None
    for n, row in enumerate(rows, 1):
        capture = to_capture(row, home_dir)
        check = verify_capture(capture)
        state = "verifies" if check else f"DOES NOT VERIFY: {check.reason}"
        info: dict[str, Any] = {
            "kind": f"{row.kind} (job {row.job})",
            "url": row.url,
            "captured": capture.captured_at.isoformat(),
            "status": row.status,
            "warc": str(archive_dir(home_dir) / row.warc_path),
            "offset": f"{row.offset} (length {row.length})",
            "record": row.record_id,
            "sha256": f"{row.payload_sha256} ({state})",
        }
        lines.append(f"capture {n} of {len(rows)}")
        lines += [f"  {k:<9} {v}" for k, v in info.items() if v is not None]
        if check and good is None:
            good = (capture, row.url)
    if good is None:
        typer.echo("\n".join(lines))
        raise fail(f"no capture of {doc} verifies; the archived text is not shown", 1)
    capture, url = good
    record = read_record(Path(capture.warc_path), capture.offset, limit=SHOWN_BYTES)
    text = _archived_text(record, capture, doc, url)
    if len(text) > MAX_SHOWN_TEXT:
        text = text[:MAX_SHOWN_TEXT] + f"\n[... {len(text) - MAX_SHOWN_TEXT} more characters]"
    typer.echo("\n".join([*lines, "--- archived text ---", text]))
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        write_payload(Path(capture.warc_path), capture.offset, html)
        typer.echo(f"narcwatch evidence: archived payload written to {html}", err=True)
