"""``narcwatch evidence``: verify the archives, export bundles, show what was captured.

Thin: the work is :mod:`narcwatch.jobs.evidence`; this parses flags, builds the Context,
calls the job and renders its result (:mod:`narcwatch.results.evidence`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from narcwatch.cli.app import app, fail
from narcwatch.cli.options import CONFIG, DB, HOME
from narcwatch.errors import UsageError

if TYPE_CHECKING:
    from narcwatch.results.evidence import EvidenceShow, VerifyReport

evidence_app = typer.Typer(
    help=(
        "Court-grade evidence: WARC archives under HOME/archive, the chain of custody in "
        "HOME/custody.jsonl, signed export bundles."
    ),
    no_args_is_help=True,
)
app.add_typer(evidence_app, name="evidence")

FORMATS = ("table", "json", "jsonl")


def _state(ok: bool) -> str:
    return "OK    " if ok else "FAILED"


def show_checks(report: VerifyReport) -> str:
    """A :class:`VerifyReport` as lines for people."""
    lines = []
    for warc in report.warcs:
        line = f"{_state(warc.ok)}  {warc.path}: {warc.records} records"
        if err := warc.first_error:
            line += f", {warc.failed} failed; first: record {err.record_id or '?'}"
            line += f" at offset {err.offset}: {err.reason}"
        lines.append(line)
    if chain := report.custody:
        line = f"{_state(chain.ok)}  custody chain {chain.path}: {chain.entries} entries"
        if brk := chain.first_error:
            line += f" good, then line {brk.line} (seq {brk.seq}): {brk.reason}"
        lines.append(line + f"; head {chain.head_hash[:16]}")
    if caps := report.captures:
        lines.append(f"{_state(caps.ok)}  captures: {caps.checked} checked")
        for bad in caps.failures:
            lines.append(
                f"FAILED  capture of document {bad.doc_id or '(file)'}: record "
                f"{bad.record_id} at offset {bad.offset} of {bad.warc}: {bad.reason}"
            )
    if bundle := report.bundle:
        signed = "unsigned"
        if bundle.signed:
            signed = "signature " + ("valid" if bundle.signature_valid else "INVALID")
            signed += " (trusted key)" if bundle.trusted_key else " (bundled key)"
        head = f"{_state(bundle.ok)}  bundle {bundle.path}: {bundle.records} records"
        lines.append(f"{head}, {signed}")
        lines += [f"        {problem}" for problem in bundle.problems]
    if not lines:
        lines.append("nothing to check")
    return "\n".join(lines)


def show_capture(shown: EvidenceShow) -> str:
    """``evidence show``'s result as lines for people."""
    lines = [f"document  {shown.doc_id}"]
    total = len(shown.captures)
    for n, cap in enumerate(shown.captures, 1):
        state = "verifies" if cap.verifies else f"DOES NOT VERIFY: {cap.problem}"
        info = {
            "kind": f"{cap.kind} (job {cap.job})",
            "url": cap.url,
            "captured": cap.captured_at.isoformat(),
            "status": cap.status,
            "warc": cap.warc,
            "offset": f"{cap.offset} (length {cap.length})",
            "record": cap.record_id,
            "sha256": f"{cap.payload_sha256} ({state})",
        }
        lines.append(f"capture {n} of {total}")
        lines += [f"  {k:<9} {v}" for k, v in info.items() if v is not None]
    if shown.text is not None:
        text = shown.text
        if shown.text_omitted:
            text += f"\n[... {shown.text_omitted} more characters]"
        lines += ["--- archived text ---", text]
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
    fmt: str = typer.Option("table", "--format", "-f", help="Output format: table, json, jsonl."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Recompute every digest and name the first bad record; exit 1 when anything failed.
    The check itself is logged in the chain of custody."""
    from narcwatch.jobs.evidence import verify_job
    from narcwatch.render.records import check_format, write_records

    check_format(fmt, FORMATS)
    if not paths and not check_all and bundle is None:
        raise UsageError("give WARC files or directories, --all or --bundle")
    from narcwatch.jobs.context import Context

    ctx = Context.build(home=home, db=db, config_file=config)
    report = verify_job(
        ctx,
        list(paths or []),
        check_all=check_all,
        bundle=bundle,
        public_key=public_key,
        on_warning=lambda message: typer.echo(f"narcwatch: {message}", err=True),
    )
    if fmt == "table":
        typer.echo(show_checks(report))
    else:
        write_records([report], fmt, sys.stdout, one=True)
    if not report.ok:
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
    config: Path | None = CONFIG,
) -> None:
    """Hand captures over: the archived records of documents (or of an actor), a manifest
    of hashes, a summary and an optional signature, logged in the chain of custody."""
    from narcwatch.jobs.evidence import export_job

    if fmt not in (None, "dir", "zip"):
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=("dir", "zip"))
    is_zip = output.suffix.lower() == ".zip"
    if fmt == "dir" and is_zip:
        raise UsageError(f"--format dir but {output} ends in .zip", value=str(output))
    if fmt == "zip" and not is_zip:
        output = output.with_name(output.name + ".zip")
    if not doc_ids and actor is None:
        raise UsageError("give document ids or --actor ACTOR_ID")
    from narcwatch.jobs.context import Context

    ctx = Context.build(home=home, db=db, config_file=config)
    summary = export_job(ctx, doc_ids or [], output=output, actor=actor, sign_key=sign_key)
    for doc in summary.missing:
        typer.echo(f"narcwatch: document {doc} has no archived capture; left out", err=True)
    typer.echo(summary.output)
    typer.echo(
        f"narcwatch evidence: exported {summary.records} records of "
        f"{len(summary.documents)} documents to {summary.output}",
        err=True,
    )


@evidence_app.command("keygen")
def keygen_command(
    path: Path = typer.Argument(..., help="Where to write the private key (PATH.pub: public)."),
) -> None:
    """Create an Ed25519 signing key for `evidence export --sign-key`; never overwrites."""
    from narcwatch.evidence.signing import generate_signing_key

    public = generate_signing_key(path)
    typer.echo(f"private key: {path} (keep it secret)\npublic key:  {public} (share it)")


@evidence_app.command("show")
def show_command(
    doc_id: str = typer.Argument(..., help="Document id (or a unique prefix)."),
    html: Path | None = typer.Option(
        None, "--html", help="Write the archived payload bytes to FILE for offline viewing."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="Output format: table, json."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Where a document was captured (URL, time, WARC file, offset, record id, payload
    SHA-256 and whether it still verifies) and the archived text."""
    from narcwatch.jobs.evidence import show_job
    from narcwatch.render.records import check_format, write_records

    check_format(fmt, ("table", "json"))
    from narcwatch.jobs.context import Context

    ctx = Context.build(home=home, db=db, create=False, config_file=config)
    shown = show_job(ctx, doc_id, html=html)
    if fmt == "json":
        write_records([shown], "json", sys.stdout, one=True)
    else:
        typer.echo(show_capture(shown))
    if shown.text is None:
        raise fail(f"no capture of {shown.doc_id} verifies; the archived text is not shown", 1)
    if shown.payload_file is not None:
        typer.echo(f"narcwatch evidence: archived payload written to {html}", err=True)
