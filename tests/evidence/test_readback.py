"""Reading one archived record back: headers alone, payload up to a limit, payload copied."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from narcwatch.errors import InputError
from narcwatch.evidence.readback import read_record, record_headers, write_payload
from narcwatch.evidence.warc import Capture, WarcWriter

WHEN = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
BODY = b"<html><body>" + b"selling 5 g " * 500 + b"</body></html>"


@pytest.fixture
def capture(tmp_path: Path) -> Capture:
    with WarcWriter(tmp_path / "w", job="r", fsync=False) as writer:
        return writer.write_capture(
            "https://shop.example/p",
            request_headers={},
            status=200,
            response_headers={"Content-Type": "text/html"},
            body=BODY,
            captured_at=WHEN,
        )


def test_headers_alone(capture: Capture) -> None:
    headers = record_headers(Path(capture.warc_path), capture.offset)
    assert headers["WARC-Record-ID"] == capture.record_id
    assert headers["WARC-Block-Digest"] == capture.block_digest


def test_payload_whole_and_up_to_a_limit(capture: Capture) -> None:
    whole = read_record(Path(capture.warc_path), capture.offset)
    assert whole.payload == BODY and not whole.truncated and whole.content_type == "text/html"
    part = read_record(Path(capture.warc_path), capture.offset, limit=300)
    assert part.truncated and BODY.startswith(part.payload) and len(part.payload) < 300


def test_payload_copied_as_a_stream(capture: Capture, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert write_payload(Path(capture.warc_path), capture.offset, out) == len(BODY)
    assert out.read_bytes() == BODY


def test_damage_is_an_input_error(capture: Capture, tmp_path: Path) -> None:
    path = Path(capture.warc_path)
    data = bytearray(path.read_bytes())
    data[capture.offset + capture.length - 6] ^= 0x01  # the gzip trailer's CRC
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged gzip member"):
        read_record(path, capture.offset)
    with pytest.raises(InputError, match=r"no record here|unreadable"):
        read_record(path, path.stat().st_size)
    with pytest.raises(InputError, match="cannot open"):
        record_headers(tmp_path / "missing.warc.gz", 0)
