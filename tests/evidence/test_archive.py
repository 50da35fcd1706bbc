"""The home's evidence layout: stored paths, records read back, archive checks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from narcwatch.errors import InputError, UsageError
from narcwatch.evidence.archive import (
    archive_dir,
    read_record,
    real_path,
    run_checks,
    stored_path,
    to_capture,
    warc_files,
)
from narcwatch.evidence.warc import WarcWriter
from narcwatch.store.tables import CaptureRow

WHEN = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
PAGE = b"<html><head><title>Shop</title></head><body><p>MDMA 10g 200 EUR</p></body></html>"


@pytest.fixture
def writer(tmp_path: Path) -> WarcWriter:
    return WarcWriter(archive_dir(tmp_path) / "job", job="job", fsync=False)


@pytest.mark.parametrize("inside", [True, False], ids=["under-archive", "elsewhere"])
def test_stored_path_round_trips(tmp_path, inside):
    target = (archive_dir(tmp_path) / "a" / "x.warc.gz") if inside else tmp_path / "x.warc.gz"
    stored = stored_path(target, tmp_path)
    assert Path(stored).is_absolute() is not inside
    assert real_path(stored, tmp_path).resolve() == target.resolve()


def test_read_record_response_and_resource(writer, tmp_path):
    with writer:
        response = writer.write_capture(
            "https://shop.example/1",
            request_headers={"User-Agent": "t"},
            status=200,
            response_headers={"Content-Type": "text/html; charset=utf-8"},
            body=PAGE,
            captured_at=WHEN,
        )
        resource = writer.write_resource("file:///x.json", b'{"a": 1}', "application/json", WHEN)
    page = read_record(Path(response.warc_path), response.offset)
    assert page.payload == PAGE and page.content_type.startswith("text/html")
    assert page.record_id == response.record_id and page.record_type == "response"
    res = read_record(Path(resource.warc_path), resource.offset)
    assert res.payload == b'{"a": 1}' and res.content_type == "application/json"
    with pytest.raises(InputError):
        read_record(tmp_path / "missing.warc.gz", 0)


def test_to_capture_reads_naive_times_as_utc(tmp_path):
    row = CaptureRow(
        doc_id="a" * 64,
        job="j",
        kind="import",
        url="file:///x.json#line 3",
        warc_path="j/x.warc.gz",
        offset=10,
        length=20,
        record_id="<urn:uuid:1>",
        payload_sha256="b" * 64,
        status=None,
        captured_at=datetime(2024, 6, 1, 12, 0),
    )
    capture = to_capture(row, tmp_path)
    assert capture.captured_at == WHEN and capture.url == "file:///x.json"
    assert capture.warc_path == str(archive_dir(tmp_path) / "j" / "x.warc.gz")
    assert capture.record_type == "resource"


def test_run_checks_finds_the_bad_file(writer, tmp_path):
    with writer:
        for n in range(3):
            writer.write_resource(f"file:///f{n}", f"payload {n} ".encode() * 50, "", WHEN)
    (path,) = warc_files(archive_dir(tmp_path))
    good = run_checks([path], tmp_path, None, False, None, None)
    assert good["ok"] and good["warcs"][0]["records"] == 7
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    bad = run_checks([], tmp_path, None, True, None, None)
    assert not bad["ok"] and bad["warcs"][0]["first_error"]["reason"]
    assert bad["custody"]["ok"] and "captures" not in bad
    with pytest.raises(UsageError):
        run_checks([tmp_path / "nope"], tmp_path, None, False, None, None)
