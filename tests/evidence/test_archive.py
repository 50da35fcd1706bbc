"""The archive the store points at: stored paths, records read back, archive checks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from narcwatch.errors import InputError, UsageError
from narcwatch.evidence.archive import (
    archive_relative,
    read_record,
    real_path,
    to_capture,
    warc_files,
)
from narcwatch.evidence.warc import WarcWriter
from narcwatch.jobs.context import Context
from narcwatch.jobs.evidence import verify_job
from narcwatch.store.captures import StoredCapture

WHEN = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
PAGE = b"<html><head><title>Shop</title></head><body><p>MDMA 10g 200 EUR</p></body></html>"


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return Context.build(home=tmp_path, environ={})


@pytest.fixture
def writer(ctx: Context) -> WarcWriter:
    return WarcWriter(ctx.archive_root / "job", job="job", fsync=False)


@pytest.mark.parametrize("inside", [True, False], ids=["under-archive", "elsewhere"])
def test_stored_path_round_trips(tmp_path, inside):
    archive = tmp_path / "archive"
    target = (archive / "a" / "x.warc.gz") if inside else tmp_path / "x.warc.gz"
    stored = archive_relative(target, archive)
    assert Path(stored).is_absolute() is not inside
    assert real_path(stored, archive).resolve() == target.resolve()


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


def test_to_capture_of_an_imported_document(tmp_path):
    row = StoredCapture(
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
        captured_at=WHEN,
    )
    capture = to_capture(row, tmp_path / "archive")
    assert capture.captured_at == WHEN and capture.url == "file:///x.json"
    assert capture.warc_path == str(tmp_path / "archive" / "j" / "x.warc.gz")
    assert capture.record_type == "resource"


def test_verify_finds_the_bad_file(writer, ctx, tmp_path):
    with writer:
        for n in range(3):
            writer.write_resource(f"file:///f{n}", f"payload {n} ".encode() * 50, "", WHEN)
    (path,) = warc_files(ctx.archive_root)
    good = verify_job(ctx, [path], log=False)
    assert good.ok and good.warcs[0].records == 7 and good.custody is None
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    bad = verify_job(ctx, [], check_all=True)
    assert not bad.ok and bad.warcs[0].first_error and bad.warcs[0].first_error.reason
    assert bad.warcs[0].path == path.relative_to(ctx.archive_root).as_posix()
    assert bad.custody and bad.custody.ok and bad.captures and bad.captures.checked == 0
    (entry,) = ctx.custody().entries()  # the check is logged
    assert entry.action == "verify" and entry.details["failed"] == [bad.warcs[0].path]
    with pytest.raises(UsageError):
        verify_job(ctx, [tmp_path / "nope"])
    with pytest.raises(UsageError):
        verify_job(ctx, [])
