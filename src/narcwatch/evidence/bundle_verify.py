"""Check an evidence bundle (:mod:`narcwatch.evidence.bundle`): every file's hash against the
manifest, the manifest's signature, and every record of the bundled WARC.

Files are hashed as streams and the WARC is checked where it lies (a directory bundle) or
from one streamed copy (a zip), so a bundle holding a multi-GB record is checked in
bounded memory.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature

from narcwatch.evidence.members import CHUNK
from narcwatch.evidence.signing import load_public
from narcwatch.evidence.verify import verify_capture, verify_warc

WARC_NAME, MANIFEST = "evidence.warc.gz", "manifest.json"
SIGNATURE, PUBLIC_KEY = "manifest.sig", "manifest.pub"
SMALL = 1 << 20  # the manifest, signature and key are read whole; nothing bigger is


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


class _Files:
    """The files of a bundle directory or zip, opened one at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = None if path.is_dir() else zipfile.ZipFile(path)
        if self.zip is None:
            self.names = {p.name for p in path.iterdir() if p.is_file()}
        else:
            self.names = {n for n in self.zip.namelist() if not n.endswith("/")}

    def open(self, name: str) -> IO[bytes]:
        return self.zip.open(name) if self.zip else open(self.path / name, "rb")

    def read_small(self, name: str) -> bytes:
        with self.open(name) as fh:
            data = fh.read(SMALL + 1)
        if len(data) > SMALL:
            raise ValueError(f"{name} is larger than {SMALL:,} bytes")
        return data

    def sha256(self, name: str) -> str:
        digest = hashlib.sha256()
        with self.open(name) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    @contextmanager
    def on_disk(self, name: str) -> Iterator[Path]:
        """A path to the file: itself in a directory, a streamed copy out of a zip."""
        if self.zip is None:
            yield self.path / name
            return
        with tempfile.TemporaryDirectory() as tmp, self.open(name) as src:
            copy = Path(tmp) / name
            with open(copy, "wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
            yield copy

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def verify_bundle(path: Path, *, public_key: Path | None = None) -> BundleReport:
    """Recompute every hash of the bundle at ``path`` and check its signature.

    Without ``public_key`` the bundled ``manifest.pub`` is used, which proves the bundle is
    intact but not who signed it (``trusted_key`` stays False)."""
    path = Path(path)
    report = BundleReport(path=str(path))
    try:
        files = _Files(path)
    except (OSError, zipfile.BadZipFile) as err:
        report.problems.append(f"cannot read bundle: {err}")
        return report
    try:
        _check(report, files, public_key)
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError) as err:  # a damaged zip entry
        report.problems.append(f"cannot read bundle: {err}")
    finally:
        files.close()
    return report


def _check(report: BundleReport, files: _Files, public_key: Path | None) -> None:
    if MANIFEST not in files.names:
        report.problems.append(f"missing {MANIFEST!r} in bundle or manifest")
        return
    try:
        manifest_bytes = files.read_small(MANIFEST)
        manifest = json.loads(manifest_bytes)
        listed: dict[str, str] = dict(manifest["files"])
        records: list[dict[str, Any]] = list(manifest["records"])
    except KeyError as err:
        report.problems.append(f"missing {err.args[0]} in bundle or manifest")
        return
    except (ValueError, TypeError) as err:
        report.problems.append(f"{MANIFEST} is not a valid manifest: {err}")
        return
    _check_signature(report, files, manifest_bytes, public_key)
    for name, digest in sorted(listed.items()):
        if name not in files.names:
            report.problems.append(f"{name}: listed in the manifest but missing")
        elif files.sha256(name) != digest:
            report.problems.append(f"{name}: SHA-256 does not match the manifest")
    for name in sorted(files.names - set(listed) - {MANIFEST, SIGNATURE}):
        report.problems.append(f"{name}: not listed in the manifest")
    if WARC_NAME in files.names:
        with files.on_disk(WARC_NAME) as warc:
            _check_warc(report, warc, records)


def _check_signature(
    report: BundleReport, files: _Files, manifest: bytes, key_path: Path | None
) -> None:
    report.signed = SIGNATURE in files.names
    if not report.signed:
        if key_path is not None:
            report.problems.append("bundle is not signed but a public key was given")
        return
    try:
        if key_path:
            pem = Path(key_path).read_bytes()
        else:
            pem = files.read_small(PUBLIC_KEY) if PUBLIC_KEY in files.names else b""
    except (OSError, ValueError) as err:
        report.problems.append(f"cannot read public key: {err}")
        return
    key = load_public(pem)
    if key is None:
        report.problems.append("no usable Ed25519 public key to check the signature")
        return
    report.trusted_key = key_path is not None
    try:
        key.verify(files.read_small(SIGNATURE), manifest)
        report.signature_valid = True
    except (InvalidSignature, ValueError):
        report.signature_valid = False
        report.problems.append("signature does not match the manifest (altered or wrong key)")


def _check_warc(report: BundleReport, warc: Path, records: list[dict[str, Any]]) -> None:
    result = verify_warc(warc)
    if result.first_error is not None:
        err = result.first_error
        report.problems.append(
            f"{WARC_NAME}: record {err.record_id or '?'} at offset {err.offset}: {err.reason}"
        )
    for rec in records:
        if not isinstance(rec, dict) or not {"offset", "payload_sha256"} <= rec.keys():
            report.problems.append(f"{MANIFEST}: a record without offset or payload_sha256")
            continue
        check = verify_capture({**rec, "warc_path": str(warc)})
        if not check or check.record_id != rec.get("record_id"):
            reason = check.reason if not check else "record id differs"
            report.problems.append(f"record {rec.get('record_id')}: {reason}")
        else:
            report.records += 1
