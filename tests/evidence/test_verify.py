import gzip
import hashlib
import shutil
import tracemalloc
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from narcwatch.evidence.verify import (
    digest_matches,
    http_payload,
    verify_capture,
    verify_warc,
)
from narcwatch.evidence.warc import Capture, WarcWriter

WHEN = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def archive(tmp_path: Path) -> list[Capture]:
    with WarcWriter(tmp_path / "warcs", job="v", fsync=False) as writer:
        return [
            writer.write_capture(
                f"https://shop.example/{n}",
                request_headers={"User-Agent": "t"},
                status=200,
                response_headers={"Content-Type": "text/plain"},
                body=f"offer number {n} ".encode() * 30,
                captured_at=WHEN,
                metadata={"n": n},
            )
            for n in range(3)
        ]


def rewrite_member(path: Path, cap: Capture, old: bytes, new: bytes) -> None:
    """Tamper with a record but keep valid gzip, so only the digests can tell."""
    data = path.read_bytes()
    member = zlib.decompress(data[cap.offset : cap.offset + cap.length], zlib.MAX_WBITS | 16)
    assert old in member
    patched = gzip.compress(member.replace(old, new, 1))
    path.write_bytes(data[: cap.offset] + patched + data[cap.offset + cap.length :])


def test_clean_archive(archive: list[Capture]) -> None:
    report = verify_warc(archive[0].warc_path)
    assert report.ok and bool(report)
    assert (report.records, report.verified, report.failed) == (10, 10, 0)
    assert report.by_type == {"warcinfo": 1, "response": 3, "request": 3, "metadata": 3}


@pytest.mark.parametrize(
    ("old", "new"), [(b"offer number 1", b"offer number 7"), (b"200 OK", b"404 OK")]
)
def test_tampered_record_is_named(archive: list[Capture], old: bytes, new: bytes) -> None:
    path = Path(archive[0].warc_path)
    rewrite_member(path, archive[1], old, new)
    report = verify_warc(path)
    assert not report
    assert report.first_error is not None
    assert report.first_error.record_id == archive[1].record_id
    assert report.first_error.offset == archive[1].offset
    assert "digest mismatch" in report.first_error.reason
    assert report.failed == 1 and report.records == 10  # the rest is still checked
    assert verify_capture(archive[0])
    assert bool(verify_capture(archive[1])) is (old != b"offer number 1")


def test_flipped_byte_in_compressed_payload(archive: list[Capture]) -> None:
    path = Path(archive[0].warc_path)
    data = bytearray(path.read_bytes())
    cap = archive[1]
    data[cap.offset + cap.length - 6] ^= 0x01  # inside the gzip trailer (CRC32)
    path.write_bytes(bytes(data))
    report = verify_warc(path)
    assert report.first_error is not None
    assert report.first_error.offset == cap.offset
    assert report.first_error.record_id == cap.record_id
    assert "corrupt gzip" in report.first_error.reason
    assert not verify_capture(cap)


@pytest.mark.parametrize("keep", [1, 10, 100, -1])
def test_truncated_file(archive: list[Capture], keep: int) -> None:
    path = Path(archive[0].warc_path)
    data = path.read_bytes()
    cut = len(data) + keep if keep < 0 else archive[2].offset + keep
    path.write_bytes(data[:cut])
    report = verify_warc(path)
    assert not report and report.damaged
    assert report.first_error is not None
    assert "truncated" in report.first_error.reason
    assert report.first_error.offset >= archive[2].offset


def test_trailing_garbage(archive: list[Capture]) -> None:
    path = Path(archive[0].warc_path)
    size = path.stat().st_size
    path.write_bytes(path.read_bytes() + b"not a warc record")
    report = verify_warc(path)
    assert report.first_error is not None and report.first_error.offset == size
    assert report.records == 10


def test_missing_file(tmp_path: Path) -> None:
    report = verify_warc(tmp_path / "nope.warc.gz")
    assert not report and "cannot open" in report.first_error.reason  # type: ignore[union-attr]


def test_uncompressed_warc(archive: list[Capture], tmp_path: Path) -> None:
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(Path(archive[0].warc_path).read_bytes()))
    assert verify_warc(plain).verified == 10
    tampered = tmp_path / "tampered.warc"
    tampered.write_bytes(plain.read_bytes().replace(b"offer number 2", b"offer number 9", 1))
    report = verify_warc(tampered)
    assert report.first_error is not None
    assert report.first_error.record_id == archive[2].record_id


def test_verify_capture_from_mapping(archive: list[Capture]) -> None:
    assert verify_capture(archive[0].to_dict())
    wrong = {**archive[0].to_dict(), "payload_sha256": "0" * 64}
    check = verify_capture(wrong)
    assert not check and "mismatch" in check.reason
    assert check.actual_sha256 == archive[0].payload_sha256


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [("offset", 3, "offset 3"), ("warc_path", "/nonexistent.warc.gz", "cannot open")],
)
def test_verify_capture_bad_location(
    archive: list[Capture], field: str, value: object, reason: str
) -> None:
    check = verify_capture({**archive[0].to_dict(), field: value})
    assert not check and reason in check.reason


@pytest.mark.parametrize(
    ("label", "data", "expected"),
    [
        ("sha1:VL2MMHO4YXUKFWV63YHTWSBM3GXKSQ2N", b"hello", True),
        ("SHA1:vl2mmho4yxukfwv63yhtwsbm3gxksq2n", b"hello", True),
        ("sha1:qvTGHdzF6KLavt4PO0gs2a6pQ00=", b"hello", True),
        ("sha1:VL2MMHO4YXUKFWV63YHTWSBM3GXKSQ2N", b"hellO", False),
        ("sha1:aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", b"hello", True),
        ("sha256:LPJNUL+RFSSWCKA2Y5NFCEBBSZEONKBWIC0BX7QD0NY=", b"x", False),
        ("sha256:LPJNUL", b"hello", False),
        ("md99:abcd", b"hello", None),
        ("nocolon", b"hello", None),
    ],
)
def test_digest_matches(label: str, data: bytes, expected: bool | None) -> None:
    assert digest_matches(label, data) is expected


@pytest.mark.parametrize(
    ("block", "ctype", "payload"),
    [
        (b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody", "application/http; msgtype=response", b"body"),
        (b"HTTP/1.1 200 OK\r\n", "application/http", b""),
        (b"raw\r\n\r\nbytes", "image/png", b"raw\r\n\r\nbytes"),
        (b"x", None, b"x"),
    ],
)
def test_http_payload(block: bytes, ctype: str | None, payload: bytes) -> None:
    assert http_payload(block, ctype) == payload


@pytest.mark.parametrize("compressed", [True, False], ids=["gzip", "plain"])
def test_a_big_record_is_verified_in_bounded_memory(tmp_path: Path, compressed: bool) -> None:
    # 48 MiB in one resource record (an imported dump): checked a chunk at a time.
    source = tmp_path / "dump.bin"
    block = hashlib.sha256(b"seed").digest() * 2048  # 64 KiB that do not repeat inside
    with open(source, "wb") as fh:
        for i in range(768):
            fh.write(bytes([i % 256]) + block[1:])
    with WarcWriter(tmp_path / "w", job="big", fsync=False) as writer:
        cap = writer.write_resource_file(source.as_uri(), source, "application/octet-stream", WHEN)
    path = Path(cap.warc_path)
    if not compressed:
        plain = tmp_path / "big.warc"
        with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)
        path = plain
    tracemalloc.start()
    try:
        report = verify_warc(path)
        check = verify_capture({"warc_path": str(path), "offset": 0, "payload_sha256": "0"})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.ok and report.verified == report.records == 3  # warcinfo, resource, metadata
    assert not check  # offset 0 is the warcinfo record, whose payload is not "0"
    assert peak < 12 * 2**20, f"peak {peak / 2**20:.1f} MiB for a 48 MiB record"
    # and a flipped byte deep inside the big record is still found
    data = bytearray(path.read_bytes()) if not compressed else None
    if data is not None:
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
        assert "digest mismatch" in verify_warc(path).first_error.reason  # type: ignore[union-attr]


def test_capture_cut_anywhere_names_the_damage(archive: list[Capture]) -> None:
    # Cut inside the gzip header, inside the WARC header (a partial header without its
    # record id) or in the block: the reason is always the truncated member.
    path = Path(archive[1].warc_path)
    data = path.read_bytes()
    for cut in range(2, archive[1].length, 7):
        path.write_bytes(data[: archive[1].offset + cut])
        check = verify_capture(archive[1])
        assert not check and "truncated gzip member" in check.reason, (cut, check.reason)
