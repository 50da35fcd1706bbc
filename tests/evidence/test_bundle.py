import hashlib
import json
import stat
import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from narcwatch.errors import InputError, UsageError
from narcwatch.evidence.bundle import (
    MANIFEST,
    SIGNATURE,
    WARC_NAME,
    export_bundle,
    verify_bundle,
)
from narcwatch.evidence.custody import CustodyLog
from narcwatch.evidence.signing import generate_signing_key
from narcwatch.evidence.warc import Capture, WarcWriter

WHEN = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def captures(tmp_path: Path) -> list[Capture]:
    with WarcWriter(tmp_path / "warcs", job="case42", fsync=False) as writer:
        caps = [
            writer.write_capture(
                f"https://forum.example/t/{n}|x",
                request_headers={"User-Agent": "t"},
                status=200,
                response_headers={"Content-Type": "text/html"},
                body=f"<p>selling item {n}</p>".encode(),
                captured_at=WHEN,
                metadata={"proxy": "tor"},
            )
            for n in range(4)
        ]
        caps.append(writer.write_resource("file:///shot.png", b"\x89PNG", "image/png", WHEN, {}))
    return caps


@pytest.fixture
def key(tmp_path: Path) -> Path:
    generate_signing_key(tmp_path / "keys" / "signer")
    return tmp_path / "keys" / "signer"


def read_files(bundle: Path) -> dict[str, bytes]:
    if bundle.is_dir():
        return {p.name: p.read_bytes() for p in bundle.iterdir()}
    with zipfile.ZipFile(bundle) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rewrite(bundle: Path, name: str, data: bytes | None) -> None:
    """Replace (or with None delete) one file of a directory or zip bundle."""
    if bundle.is_dir():
        if data is None:
            (bundle / name).unlink()
        else:
            (bundle / name).write_bytes(data)
        return
    files = read_files(bundle)
    if data is None:
        del files[name]
    else:
        files[name] = data
    bundle.unlink()
    with zipfile.ZipFile(bundle, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)


@pytest.mark.parametrize("name", ["bundle", "bundle.zip"])
def test_export_and_verify(tmp_path: Path, captures: list[Capture], key: Path, name: str) -> None:
    chosen = [captures[1], captures[3], captures[4], captures[1]]
    out = export_bundle(chosen, tmp_path / name, summary={"case": "42"}, signing_key=key)
    files = read_files(out)
    assert set(files) == {WARC_NAME, MANIFEST, "SUMMARY.md", SIGNATURE, "manifest.pub"}
    manifest = json.loads(files[MANIFEST])
    assert [r["record_id"] for r in manifest["records"]] == [
        captures[1].record_id,
        captures[3].record_id,
        captures[4].record_id,
    ]
    assert manifest["summary"] == {"case": "42"}
    report = verify_bundle(out, public_key=Path(f"{key}.pub"))
    assert report.ok, report.problems
    assert (report.records, report.signed, report.signature_valid, report.trusted_key) == (
        3,
        True,
        True,
        True,
    )
    summary = files["SUMMARY.md"].decode()
    assert captures[3].payload_sha256 in summary and "forum.example/t/3\\|x" in summary


def test_bundle_warc_is_readable_by_warcio(tmp_path: Path, captures: list[Capture]) -> None:
    out = export_bundle(captures[:2], tmp_path / "b")
    with open(out / WARC_NAME, "rb") as fh:
        recs = [
            (r.rec_type, r.rec_headers.get_header("WARC-Record-ID")) for r in ArchiveIterator(fh)
        ]
    assert [t for t, _ in recs] == ["warcinfo"] + ["response", "request", "metadata"] * 2
    assert recs[1][1] == captures[0].record_id and recs[4][1] == captures[1].record_id
    manifest = json.loads((out / MANIFEST).read_text())
    data = (out / WARC_NAME).read_bytes()
    original = Path(captures[0].warc_path).read_bytes()
    for rec, cap in zip(manifest["records"], captures, strict=False):
        copied = data[rec["offset"] : rec["offset"] + rec["length"]]
        assert copied == original[cap.offset : cap.offset + cap.length]  # byte for byte


def test_unsigned_bundle(tmp_path: Path, captures: list[Capture], key: Path) -> None:
    out = export_bundle(captures, tmp_path / "b.zip")
    report = verify_bundle(out)
    assert report.ok and not report.signed and report.signature_valid is None
    report = verify_bundle(out, public_key=Path(f"{key}.pub"))
    assert not report and "not signed" in report.problems[0]


def _flip_warc_byte(files: dict[str, bytes]) -> bytes:
    data = bytearray(files[WARC_NAME])
    data[len(data) // 2] ^= 0xFF
    return bytes(data)


def _drop_record_offset(files: dict[str, bytes]) -> bytes:
    manifest = json.loads(files[MANIFEST])
    del manifest["records"][0]["offset"]
    return json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"


def _edit_manifest(files: dict[str, bytes]) -> bytes:
    manifest = json.loads(files[MANIFEST])
    manifest["records"][0]["url"] = "https://elsewhere.example/"
    return json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"


@pytest.mark.parametrize("container", ["dir", "b.zip"])
@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        (WARC_NAME, _flip_warc_byte, "evidence.warc.gz: SHA-256 does not match"),
        ("SUMMARY.md", lambda f: f["SUMMARY.md"] + b"edited", "SUMMARY.md: SHA-256"),
        (MANIFEST, _edit_manifest, "signature does not match"),
        (MANIFEST, lambda f: b"{broken", "not a valid manifest"),
        (SIGNATURE, lambda f: bytes(64), "signature does not match"),
        (SIGNATURE, lambda f: None, "not signed but a public key was given"),
        ("SUMMARY.md", lambda f: None, "SUMMARY.md: listed in the manifest but missing"),
        ("extra.txt", lambda f: b"planted", "extra.txt: not listed"),
        (MANIFEST, _drop_record_offset, "a record without offset or payload_sha256"),
    ],
)
def test_tampered_bundle_fails_with_reason(
    tmp_path: Path, captures: list[Capture], key: Path, container: str, name: str, change, expected
) -> None:
    out = export_bundle(captures, tmp_path / container, signing_key=key)
    rewrite(out, name, change(read_files(out)))
    report = verify_bundle(out, public_key=Path(f"{key}.pub"))
    assert not report
    assert any(expected in problem for problem in report.problems), report.problems


def test_wrong_public_key(tmp_path: Path, captures: list[Capture], key: Path) -> None:
    out = export_bundle(captures, tmp_path / "b", signing_key=key)
    other = generate_signing_key(tmp_path / "other")
    report = verify_bundle(out, public_key=other)
    assert not report and report.signature_valid is False
    assert verify_bundle(out)  # the bundled key still proves integrity ...
    assert not verify_bundle(out).trusted_key  # ... but not who signed


def test_resigned_with_attacker_key_fails_against_real_key(
    tmp_path: Path, captures: list[Capture], key: Path
) -> None:
    out = export_bundle(captures, tmp_path / "b", signing_key=key)
    forged = export_bundle(captures[:1], tmp_path / "forged", signing_key=_other_key(tmp_path))
    for name in (MANIFEST, SIGNATURE, "manifest.pub", WARC_NAME, "SUMMARY.md"):
        (out / name).write_bytes((forged / name).read_bytes())
    assert verify_bundle(out)  # self-consistent ...
    assert not verify_bundle(out, public_key=Path(f"{key}.pub"))  # ... but not ours


def _other_key(tmp_path: Path) -> Path:
    generate_signing_key(tmp_path / "attacker")
    return tmp_path / "attacker"


def test_generated_key_files(tmp_path: Path) -> None:
    pub = generate_signing_key(tmp_path / "k")
    assert pub == tmp_path / "k.pub"
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in (tmp_path / "k").read_bytes() and b"PUBLIC KEY" in pub.read_bytes()
    with pytest.raises(UsageError, match="overwrite"):
        generate_signing_key(tmp_path / "k")


def test_export_refusals(tmp_path: Path, captures: list[Capture]) -> None:
    (tmp_path / "exists").mkdir()
    with pytest.raises(UsageError, match="already exists"):
        export_bundle(captures, tmp_path / "exists")
    with pytest.raises(UsageError, match="at least one"):
        export_bundle([], tmp_path / "empty")
    (tmp_path / "bad.pem").write_text("nope")
    with pytest.raises(InputError, match="signing key"):
        export_bundle(captures, tmp_path / "x", signing_key=tmp_path / "bad.pem")


def test_export_refuses_a_damaged_capture(tmp_path: Path, captures: list[Capture]) -> None:
    path = Path(captures[0].warc_path)
    data = bytearray(path.read_bytes())
    data[captures[2].offset + captures[2].length - 6] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="offset"):
        export_bundle(captures, tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_export_is_logged_in_custody(tmp_path: Path, captures: list[Capture]) -> None:
    log = CustodyLog(tmp_path / "custody.jsonl")
    out = export_bundle(captures, tmp_path / "b", custody=log)
    (entry,) = log.entries()
    assert (entry.action, entry.subject, entry.details["records"]) == ("export", str(out), 5)
    assert log.verify()


def test_unreadable_bundle(tmp_path: Path) -> None:
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    assert "cannot read bundle" in verify_bundle(tmp_path / "junk.zip").problems[0]
    (tmp_path / "emptydir").mkdir()
    assert "missing" in verify_bundle(tmp_path / "emptydir").problems[0]


@pytest.mark.parametrize("name", ["big", "big.zip"])
def test_a_big_import_is_bundled_and_checked_in_bounded_memory(tmp_path: Path, name: str) -> None:
    # 40 MiB imported as one resource record: copied and hashed a chunk at a time.
    source = tmp_path / "dump.bin"
    block = hashlib.sha256(b"seed").digest() * 2048
    with open(source, "wb") as fh:
        for i in range(640):
            fh.write(bytes([i % 256]) + block[1:])
    with WarcWriter(tmp_path / "w", job="big", fsync=False) as writer:
        cap = writer.write_resource_file(source.as_uri(), source, "application/octet-stream", WHEN)
    tracemalloc.start()
    try:
        bundle = export_bundle([cap], tmp_path / name)
        report = verify_bundle(bundle)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.ok and report.records == 1, report.problems
    assert peak < 12 * 2**20, f"peak {peak / 2**20:.1f} MiB for a 40 MiB record"


def test_a_damaged_zip_entry_is_a_problem_not_a_crash(
    tmp_path: Path, captures: list[Capture]
) -> None:
    bundle = export_bundle(captures[:1], tmp_path / "b.zip")
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo("SUMMARY.md")  # deflated: damage it inside the compressed data
        start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 2
    data = bytearray(bundle.read_bytes())
    for i in range(start, start + 8):
        data[i] ^= 0xFF
    bundle.write_bytes(bytes(data))
    report = verify_bundle(bundle)
    assert not report and report.problems
