"""Evidence bundles: chosen captures, a manifest of hashes, a summary and a signature.

A bundle is a directory, or a single ``.zip`` file when ``out`` ends in ``.zip``, holding:

``evidence.warc.gz``
    A warcinfo record, then for each capture its response/resource record and the
    request/metadata records linked to it, copied byte for byte from the source WARC (so
    record IDs and digests are unchanged and any WARC tool can read the copy).
``manifest.json``
    Each record (url, capture time, record id, payload SHA-256, offset in the bundle WARC,
    source file and offset), the SHA-256 of every other file, narcwatch version, time.
``SUMMARY.md``
    The same for people, with how to check it.
``manifest.sig`` and ``manifest.pub``
    With a signing key: the Ed25519 signature (64 raw bytes) of the exact bytes of
    ``manifest.json`` and the PEM public key, also checkable with ``openssl pkeyutl -verify
    -pubin -inkey manifest.pub -rawin -in manifest.json -sigfile manifest.sig``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from narcwatch import __version__
from narcwatch.errors import InputError, UsageError
from narcwatch.evidence.bundle_verify import (
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    WARC_NAME,
    BundleReport,
    verify_bundle,
)
from narcwatch.evidence.custody import CustodyLog
from narcwatch.evidence.members import CHUNK, MemberStream
from narcwatch.evidence.signing import load_private, public_pem
from narcwatch.evidence.verify import verify_capture
from narcwatch.evidence.warc import Capture, warcinfo_bytes

__all__ = ["BundleReport", "export_bundle", "verify_bundle"]

FORMAT = "narcwatch-evidence-bundle/1"
SUMMARY = "SUMMARY.md"
_LINKS = ("WARC-Concurrent-To", "WARC-Refers-To")


# -- export ---------------------------------------------------------------------------------
def _spans(fh: BinaryIO, capture: Capture) -> list[tuple[int, int]]:
    """Where a capture's main record and the records linked to it lie in its WARC (one gzip
    member each), found from their headers without reading the records whole."""
    spans: list[tuple[int, int]] = []
    pos, pending = capture.offset, b""
    fh.seek(pos)
    while True:
        member = MemberStream(fh, pos, pending)
        try:
            headers = next(ArchiveIterator(member, no_record_parse=True)).rec_headers
        except Exception:  # the end of the file, or what follows is not a record
            break
        member.drain()
        if member.empty or member.error:
            break
        if not spans and headers.get_header("WARC-Record-ID") != capture.record_id:
            raise InputError(capture.warc_path, f"offset {capture.offset}", "record id differs")
        if spans and capture.record_id not in {headers.get_header(n) for n in _LINKS}:
            break
        spans.append((member.offset, member.end))
        pos, pending = member.end, member.unused
    return spans


def _copy(src: BinaryIO, start: int, end: int, out: BinaryIO, digest: Any) -> None:
    src.seek(start)
    left = end - start
    while left > 0:
        chunk = src.read(min(CHUNK, left))
        if not chunk:
            raise InputError(getattr(src, "name", "?"), f"offset {start}", "file ends early")
        out.write(chunk)
        digest.update(chunk)
        left -= len(chunk)


def _write_warc(path: Path, captures: Sequence[Capture]) -> tuple[list[dict[str, Any]], str]:
    """Copy each capture's records into the bundle WARC; its records and its SHA-256."""
    records = []
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        head = warcinfo_bytes(WARC_NAME, {"software": f"narcwatch/{__version__}"})
        out.write(head)
        digest.update(head)
        for cap in captures:
            check = verify_capture(cap)
            if not check:
                raise InputError(cap.warc_path, f"offset {cap.offset}", check.reason)
            with open(cap.warc_path, "rb") as src:
                spans = _spans(src, cap)
                if not spans:
                    raise InputError(cap.warc_path, f"offset {cap.offset}", "no record here")
                record = cap.to_dict()
                record.update(
                    offset=out.tell(),
                    length=spans[0][1] - spans[0][0],
                    source_warc=Path(cap.warc_path).name,
                    source_offset=cap.offset,
                )
                del record["warc_path"]
                records.append(record)
                for start, end in spans:
                    _copy(src, start, end, out, digest)
    return records, digest.hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _summary_md(manifest: Mapping[str, Any]) -> bytes:
    lines = [
        "# Evidence bundle",
        "",
        f"Created {manifest['created']} by narcwatch {manifest['narcwatch_version']}.",
        f"{len(manifest['records'])} captured record(s) in `{WARC_NAME}` (WARC 1.1).",
        "",
    ]
    for key, value in (manifest.get("summary") or {}).items():
        lines.append(f"- **{_md_cell(key)}**: {_md_cell(value)}")
    lines += [
        "",
        "| # | URL | captured (UTC) | status | payload SHA-256 |",
        "|---|---|---|---|---|",
    ]
    for n, rec in enumerate(manifest["records"], 1):
        cells = (n, rec["url"], rec["captured_at"], rec["status"] or "", rec["payload_sha256"])
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    lines += [
        "",
        "## How to check",
        "",
        f"`{MANIFEST}` lists the SHA-256 of every file (`sha256sum` reproduces them) and of",
        "every record payload. When `manifest.sig` is present it is an Ed25519 signature of",
        "the exact bytes of the manifest; check it with the signer's own public key:",
        "",
        "    openssl pkeyutl -verify -pubin -inkey KEY.pub -rawin -in manifest.json \\",
        "        -sigfile manifest.sig",
        "",
        "or with `narcwatch.evidence.verify_bundle(path, public_key=KEY.pub)`.",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def export_bundle(
    captures: Sequence[Capture],
    out: Path,
    *,
    summary: Mapping[str, Any] | None = None,
    signing_key: Path | None = None,
    custody: CustodyLog | None = None,
) -> Path:
    """Write the bundle to ``out`` (a new directory, or a zip when it ends in ``.zip``)."""
    out = Path(out)
    if out.exists():
        raise UsageError(f"bundle already exists, refusing to overwrite: {out}", value=str(out))
    if not captures:
        raise UsageError("an evidence bundle needs at least one capture")
    key = load_private(signing_key) if signing_key else None
    unique: dict[str, Capture] = {}
    for cap in captures:
        unique.setdefault(cap.record_id, cap)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        warc = tmp / WARC_NAME
        records, warc_sha256 = _write_warc(warc, list(unique.values()))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "narcwatch_version": __version__,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "warc": WARC_NAME,
            "records": records,
            "summary": dict(summary or {}),
        }
        files: dict[str, bytes] = {SUMMARY: _summary_md(manifest)}
        if key is not None:
            files[PUBLIC_KEY] = public_pem(key.public_key())
        hashes = {name: _sha256(data) for name, data in files.items()}
        manifest["files"] = dict(sorted({WARC_NAME: warc_sha256, **hashes}.items()))
        files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
        if key is not None:
            files[SIGNATURE] = key.sign(files[MANIFEST])
        _write(out, tmp, warc, files)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if custody is not None:
        details = {"manifest_sha256": _sha256(files[MANIFEST]), "records": len(records)}
        custody.append("export", str(out), details=details)
    return out


def _write(out: Path, tmp: Path, warc: Path, files: Mapping[str, bytes]) -> None:
    """Build in ``tmp`` next to ``out`` and rename into place, so a half-written bundle
    never appears. The WARC is already in ``tmp``; the zip takes it as a stream."""
    if out.suffix.lower() == ".zip":
        target = tmp / out.name
        with zipfile.ZipFile(target, "w") as zf:
            zf.write(warc, WARC_NAME, compress_type=zipfile.ZIP_STORED)  # gzip already
            for name, data in files.items():
                zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
        os.replace(target, out)
    else:
        target = tmp / "bundle"
        target.mkdir()
        os.replace(warc, target / WARC_NAME)
        for name, data in files.items():
            (target / name).write_bytes(data)
        os.rename(target, out)
