import gzip
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from narcwatch.errors import UsageError
from narcwatch.evidence.verify import verify_capture, verify_warc
from narcwatch.evidence.warc import Capture, WarcWriter, sha256_label

WHEN = datetime(2024, 6, 1, 12, 30, 45, 123456, tzinfo=UTC)


def capture(writer: WarcWriter, n: int = 0, body: bytes | None = None) -> Capture:
    return writer.write_capture(
        f"https://market.example/listing/{n}?ref=a",
        request_headers={"User-Agent": "narcwatch-test", "Accept": "*/*"},
        status=200,
        response_headers=[("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "a=1")],
        body=body if body is not None else f"<h1>listing {n}</h1>".encode() * 20,
        captured_at=WHEN,
        metadata={"proxy": "socks5h://127.0.0.1:9050", "attempt": n},
    )


def records(path: str) -> list:
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(fh)]


def test_capture_writes_linked_records(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, job="job1", fsync=False) as writer:
        cap = capture(writer)
    recs = records(cap.warc_path)
    assert [r[0] for r in recs] == ["warcinfo", "response", "request", "metadata"]
    assert all(h.protocol == "WARC/1.1" for _, h, _ in recs)
    _, resp, body = recs[1]
    assert resp.get_header("WARC-Record-ID") == cap.record_id
    assert resp.get_header("WARC-Date") == "2024-06-01T12:30:45.123456Z"
    assert recs[2][1].get_header("WARC-Concurrent-To") == cap.record_id
    assert recs[3][1].get_header("WARC-Refers-To") == cap.record_id
    assert b"proxy: socks5h://127.0.0.1:9050" in recs[3][2]
    assert b"job: job1" in recs[3][2]
    assert hashlib.sha256(body).hexdigest() == cap.payload_sha256
    assert resp.get_header("WARC-Payload-Digest") == sha256_label(body)
    assert resp.get_header("WARC-Block-Digest") == cap.block_digest
    assert all(h.get_header("WARC-Block-Digest").startswith("sha256:") for _, h, _ in recs)
    assert (cap.status, cap.record_type, cap.url) == (
        200,
        "response",
        "https://market.example/listing/0?ref=a",
    )


def test_capture_offset_points_at_response(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, job="j", fsync=False) as writer:
        caps = [capture(writer, n) for n in range(3)]
    data = Path(caps[0].warc_path).read_bytes()
    for cap in caps:
        member = gzip.decompress(data[cap.offset : cap.offset + cap.length])
        assert member.startswith(b"WARC/1.1\r\nWARC-Type: response")
        assert cap.record_id.encode() in member
        assert verify_capture(cap)


def test_resource_record(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, job="imports", fsync=False) as writer:
        cap = writer.write_resource(
            "file:///evidence/shot.png", b"\x89PNG fake", "image/png", WHEN, {"sha1": "x"}
        )
    recs = records(cap.warc_path)
    assert [r[0] for r in recs] == ["warcinfo", "resource", "metadata"]
    assert recs[1][1].get_header("Content-Type") == "image/png"
    assert recs[1][2] == b"\x89PNG fake"
    assert (cap.status, cap.record_type) == (None, "resource")
    assert verify_capture(cap)


def test_rotation(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, job="rot", max_bytes=1500, fsync=False) as writer:
        caps = [capture(writer, n) for n in range(5)]
        files = list(writer.files)
    assert len(files) >= 3
    assert sorted(tmp_path.glob("rot-*.warc.gz")) == sorted(files)
    for path in files:
        assert path.name.endswith(".warc.gz")
        assert records(str(path))[0][0] == "warcinfo"
        assert verify_warc(path)
    assert {c.warc_path for c in caps} == {str(p) for p in files}
    assert all(verify_capture(c) for c in caps)


def test_capture_dict_round_trip(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, job="j", fsync=False) as writer:
        cap = capture(writer)
    assert Capture.from_dict(cap.to_dict()) == cap
    assert cap.to_dict()["captured_at"] == "2024-06-01T12:30:45.123456Z"


def test_non_utc_time_is_converted(tmp_path: Path) -> None:
    local = WHEN.astimezone(timezone(timedelta(hours=2)))
    with WarcWriter(tmp_path, job="j", fsync=False) as writer:
        cap = writer.write_resource("urn:x", b"x", "text/plain", local, {})
    assert cap.captured_at == WHEN
    assert records(cap.warc_path)[1][1].get_header("WARC-Date") == "2024-06-01T12:30:45.123456Z"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"job": "bad job"}, "job name"),
        ({"job": "../x"}, "job name"),
        ({"job": ""}, "job name"),
        ({"job": "ok", "max_bytes": 0}, "max_bytes"),
    ],
)
def test_bad_writer_arguments(tmp_path: Path, kwargs: dict, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        WarcWriter(tmp_path, **kwargs)


def test_naive_time_refused(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, job="j") as writer, pytest.raises(UsageError, match="timezone"):
        writer.write_resource("urn:x", b"x", "text/plain", datetime(2024, 1, 1), {})


def test_killed_writer_leaves_earlier_records_readable(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, job="j") as writer:
        caps = [capture(writer, n) for n in range(3)]
    path = Path(caps[0].warc_path)
    data = path.read_bytes()
    path.write_bytes(data[: caps[2].offset + caps[2].length // 2])
    report = verify_warc(path)
    assert not report
    assert report.first_error is not None
    assert report.first_error.offset == caps[2].offset
    assert "truncated" in report.first_error.reason
    assert report.by_type["response"] == 2
    assert verify_capture(caps[0]) and verify_capture(caps[1])
    assert not verify_capture(caps[2])


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (200, {"Transfer-Encoding": "chunked"}, b"X-Archive-Orig-Transfer-Encoding: chunked"),
        (404, {"X-Evil": "a\r\nInjected: yes"}, b"X-Evil: a  Injected: yes"),
        (404, {}, b"HTTP/1.1 404 Not Found\r\n"),
        (599, {}, b"HTTP/1.1 599\r\n"),
    ],
)
def test_response_headers(tmp_path: Path, status: int, headers: dict, expected: bytes) -> None:
    with WarcWriter(tmp_path, job="h", fsync=False) as writer:
        cap = writer.write_capture(
            "https://x.example",
            request_headers=None,
            status=status,
            response_headers=headers,
            body=b"b",
            captured_at=WHEN,
        )
    member = gzip.decompress(Path(cap.warc_path).read_bytes()[cap.offset : cap.offset + cap.length])
    assert expected in member
    assert b"GET / HTTP/1.1" in gzip.decompress(Path(cap.warc_path).read_bytes())
    assert verify_warc(cap.warc_path) and verify_capture(cap)


def test_a_file_is_archived_streamed_like_bytes(tmp_path: Path) -> None:
    body = b'{"messages": []}\n' * 50_000 + bytes(range(256))
    source = tmp_path / "result.json"
    source.write_bytes(body)
    with WarcWriter(tmp_path / "a", job="mem") as writer:
        kept = writer.write_resource(source.as_uri(), body, "application/json", WHEN)
    with WarcWriter(tmp_path / "b", job="file") as writer:
        streamed = writer.write_resource_file(source.as_uri(), source, "application/json", WHEN)
    assert streamed.payload_sha256 == hashlib.sha256(body).hexdigest() == kept.payload_sha256
    assert streamed.block_digest == kept.block_digest == sha256_label(body)
    assert streamed.record_type == "resource" and verify_capture(streamed)
    assert verify_warc(streamed.warc_path).ok
    with open(streamed.warc_path, "rb") as fh:
        fh.seek(streamed.offset)
        record = next(ArchiveIterator(fh))
        assert record.rec_type == "resource" and record.content_stream().read() == body
