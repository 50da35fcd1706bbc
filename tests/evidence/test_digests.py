"""Digests recomputed chunk by chunk give what the whole block gives, wherever the chunks
are cut (the blank line after an HTTP head may be split between two chunks)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcwatch.evidence.digests import BlockCheck, PayloadFeed, http_payload
from narcwatch.evidence.members import MemberStream, gzip_members

HTTP = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nselling 5 g\r\n\r\nmore"


def label(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


@given(cuts=st.lists(st.integers(0, len(HTTP)), max_size=6))
def test_payload_is_the_same_however_the_block_is_cut(cuts: list[int]) -> None:
    bounds = [0, *sorted(cuts), len(HTTP)]
    hasher = hashlib.sha256()
    feed = PayloadFeed(hasher, "application/http; msgtype=response")
    for a, b in itertools.pairwise(bounds):
        feed.update(HTTP[a:b])
    assert hasher.digest() == hashlib.sha256(http_payload(HTTP, "application/http")).digest()


@pytest.mark.parametrize(
    ("ctype", "payload"),
    [("application/http", b"selling 5 g\r\n\r\nmore"), ("text/plain", HTTP)],
)
def test_block_check_in_chunks(ctype: str, payload: bytes) -> None:
    check = BlockCheck(label(HTTP), label(payload), ctype)
    for i in range(0, len(HTTP), 7):
        check.update(HTTP[i : i + 7])
    assert check.size == len(HTTP)
    assert check.results() == [("block digest", True), ("payload digest", True)]
    wrong = BlockCheck(label(b"x"), "md7:abc", ctype)  # an unknown algorithm is unchecked
    wrong.update(HTTP)
    assert wrong.results() == [("block digest", False), ("payload digest", None)]


def test_member_stream_reads_members_one_after_another() -> None:
    parts = [b"first record " * 1000, b"second", b"third " * 70_000]
    data = b"".join(gzip.compress(p) for p in parts)
    members = list(gzip_members(io.BytesIO(data)))
    assert [m.data for m in members] == parts
    assert members[0].offset == 0 and members[-1].end == len(data)
    assert all(a.end == b.offset for a, b in itertools.pairwise(members))


def test_member_stream_names_a_truncated_member() -> None:
    data = gzip.compress(b"WARC-Record-ID: <urn:uuid:1>\r\n" + b"x" * 5000)
    stream = MemberStream(io.BytesIO(data[:-3]), 0)
    stream.drain()
    assert stream.error and "truncated" in stream.error
    assert stream.record_id() == "<urn:uuid:1>"


@pytest.mark.parametrize("chunk", [1, 5, 13])
def test_any_chunk_size_reads_the_same(tmp_path, monkeypatch, chunk: int) -> None:
    # Members and records cut at every possible place: nothing read twice or lost.
    from datetime import UTC, datetime

    import narcwatch.evidence.verify as verify
    from narcwatch.evidence.warc import WarcWriter

    with WarcWriter(tmp_path, job="t", fsync=False) as writer:
        caps = [
            writer.write_capture(
                f"https://shop.example/{i}",
                request_headers={},
                status=200,
                response_headers={"Content-Type": "text/plain"},
                body=b"abc" * i * 100,
                captured_at=datetime(2024, 1, 1, tzinfo=UTC),
            )
            for i in range(4)
        ]
    monkeypatch.setattr("narcwatch.evidence.members.CHUNK", chunk)
    monkeypatch.setattr(verify, "CHUNK", chunk)
    report = verify.verify_warc(caps[0].warc_path)
    assert report.ok and report.records == 13, report
    assert all(verify.verify_capture(cap) for cap in caps)


def test_a_block_without_an_http_head_end_is_not_held(monkeypatch) -> None:
    monkeypatch.setattr("narcwatch.evidence.digests.MAX_HTTP_HEAD", 100)
    got: list[bytes] = []

    class Sink:
        def update(self, data: bytes) -> None:
            got.append(data)

    feed = PayloadFeed(Sink(), "application/http")
    for _ in range(50):
        feed.update(b"x" * 10)  # never a blank line
    feed.update(b"\r\n\r\nlate body")
    assert got == [] and feed._head is None  # past the limit the head is given up: no payload
