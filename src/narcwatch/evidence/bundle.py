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
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from warcio.archiveiterator import ArchiveIterator

from narcwatch import __version__
from narcwatch.errors import InputError, UsageError
from narcwatch.evidence.custody import CustodyLog
from narcwatch.evidence.members import gzip_members
from narcwatch.evidence.signing import load_private, load_public, public_pem
from narcwatch.evidence.verify import verify_capture, verify_warc
from narcwatch.evidence.warc import Capture, warcinfo_bytes

FORMAT = "narcwatch-evidence-bundle/1"
WARC_NAME, MANIFEST, SUMMARY = "evidence.warc.gz", "manifest.json", "SUMMARY.md"
SIGNATURE, PUBLIC_KEY = "manifest.sig", "manifest.pub"
_LINKS = ("WARC-Concurrent-To", "WARC-Refers-To")


# -- export ---------------------------------------------------------------------------------
def _members(capture: Capture) -> list[bytes]:
    """The raw gzip members of a capture's main record and the records linked to it."""
    check = verify_capture(capture)
    if not check:
        raise InputError(capture.warc_path, f"offset {capture.offset}", check.reason)
    out: list[bytes] = []
    with open(capture.warc_path, "rb") as fh:
        fh.seek(capture.offset)
        spans: list[tuple[int, int]] = []
        for member in gzip_members(fh):
            if member.error:
                break
            headers = next(
                ArchiveIterator(io.BytesIO(member.data), no_record_parse=True)
            ).rec_headers
            if not spans and headers.get_header("WARC-Record-ID") != capture.record_id:
                raise InputError(capture.warc_path, f"offset {capture.offset}", "record id differs")
            links = {headers.get_header(name) for name in _LINKS}
            if spans and capture.record_id not in links:
                break
            spans.append((member.offset, member.end))
        for start, end in spans:
            fh.seek(start)
            out.append(fh.read(end - start))
    return out


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
    warc = bytearray(warcinfo_bytes(WARC_NAME, {"software": f"narcwatch/{__version__}"}))
    records = []
    unique: dict[str, Capture] = {}
    for cap in captures:
        unique.setdefault(cap.record_id, cap)
    for cap in unique.values():
        members = _members(cap)
        record = cap.to_dict()
        record.update(
            offset=len(warc),
            length=len(members[0]),
            source_warc=Path(cap.warc_path).name,
            source_offset=cap.offset,
        )
        del record["warc_path"]
        records.append(record)
        for member in members:
            warc += member
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "narcwatch_version": __version__,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "warc": WARC_NAME,
        "records": records,
        "summary": dict(summary or {}),
    }
    files: dict[str, bytes] = {WARC_NAME: bytes(warc), SUMMARY: _summary_md(manifest)}
    if key is not None:
        files[PUBLIC_KEY] = public_pem(key.public_key())
    manifest["files"] = {name: _sha256(data) for name, data in sorted(files.items())}
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
    if key is not None:
        files[SIGNATURE] = key.sign(files[MANIFEST])
    _write(out, files)
    if custody is not None:
        details = {"manifest_sha256": _sha256(files[MANIFEST]), "records": len(records)}
        custody.append("export", str(out), details=details)
    return out


def _write(out: Path, files: Mapping[str, bytes]) -> None:
    """Build next to ``out`` and rename into place, so a half-written bundle never appears."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        if out.suffix.lower() == ".zip":
            target = tmp / out.name
            with zipfile.ZipFile(target, "w") as zf:
                for name, data in files.items():
                    kind = zipfile.ZIP_STORED if name.endswith(".gz") else zipfile.ZIP_DEFLATED
                    zf.writestr(name, data, compress_type=kind)
            os.replace(target, out)
        else:
            target = tmp / "bundle"
            target.mkdir()
            for name, data in files.items():
                (target / name).write_bytes(data)
            os.rename(target, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# -- verify ---------------------------------------------------------------------------------
@dataclass
class BundleReport:
    """Outcome of :func:`verify_bundle`; truthy when every check passed."""

    path: str
    records: int = 0
    signed: bool = False
    signature_valid: bool | None = None
    trusted_key: bool = False  # the signature was checked with a key the caller supplied
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __bool__(self) -> bool:
        return self.ok


def _read_files(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}


def verify_bundle(path: Path, *, public_key: Path | None = None) -> BundleReport:
    """Recompute every hash of the bundle at ``path`` and check its signature.

    Without ``public_key`` the bundled ``manifest.pub`` is used, which proves the bundle is
    intact but not who signed it (``trusted_key`` stays False)."""
    path = Path(path)
    report = BundleReport(path=str(path))
    try:
        files = _read_files(path)
    except (OSError, zipfile.BadZipFile) as err:
        report.problems.append(f"cannot read bundle: {err}")
        return report
    try:
        manifest = json.loads(files[MANIFEST])
        listed: dict[str, str] = dict(manifest["files"])
        records: list[dict[str, Any]] = list(manifest["records"])
    except KeyError as err:
        report.problems.append(f"missing {err.args[0]} in bundle or manifest")
        return report
    except (ValueError, TypeError) as err:
        report.problems.append(f"{MANIFEST} is not a valid manifest: {err}")
        return report
    _check_signature(report, files, public_key)
    for name, digest in sorted(listed.items()):
        if name not in files:
            report.problems.append(f"{name}: listed in the manifest but missing")
        elif _sha256(files[name]) != digest:
            report.problems.append(f"{name}: SHA-256 does not match the manifest")
    for name in sorted(set(files) - set(listed) - {MANIFEST, SIGNATURE}):
        report.problems.append(f"{name}: not listed in the manifest")
    if WARC_NAME in files:
        _check_warc(report, files[WARC_NAME], records)
    return report


def _check_signature(
    report: BundleReport, files: Mapping[str, bytes], key_path: Path | None
) -> None:
    report.signed = SIGNATURE in files
    if not report.signed:
        if key_path is not None:
            report.problems.append("bundle is not signed but a public key was given")
        return
    try:
        pem = Path(key_path).read_bytes() if key_path else files.get(PUBLIC_KEY, b"")
    except OSError as err:
        report.problems.append(f"cannot read public key: {err}")
        return
    key = load_public(pem)
    if key is None:
        report.problems.append("no usable Ed25519 public key to check the signature")
        return
    report.trusted_key = key_path is not None
    try:
        key.verify(files[SIGNATURE], files[MANIFEST])
        report.signature_valid = True
    except InvalidSignature:
        report.signature_valid = False
        report.problems.append("signature does not match the manifest (altered or wrong key)")


def _check_warc(report: BundleReport, warc: bytes, records: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / WARC_NAME
        copy.write_bytes(warc)
        result = verify_warc(copy)
        if result.first_error is not None:
            err = result.first_error
            report.problems.append(
                f"{WARC_NAME}: record {err.record_id or '?'} at offset {err.offset}: {err.reason}"
            )
        for rec in records:
            check = verify_capture({**rec, "warc_path": str(copy)})
            if not check or check.record_id != rec.get("record_id"):
                reason = check.reason if not check else "record id differs"
                report.problems.append(f"record {rec.get('record_id')}: {reason}")
            else:
                report.records += 1
