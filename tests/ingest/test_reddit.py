"""Reddit NDJSON dumps: submissions, comments, deleted posts, broken lines, detection."""

import gzip
import io
import json
import logging

import pytest

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.sources import _by_content, read_inputs, read_stream
from tests.conftest import ROOT

DUMP = ROOT / "tests" / "data" / "reddit" / "berlin_dump.jsonl"


def split(items) -> tuple[list[RawDocument], list[InputError]]:
    items = list(items)
    return (
        [i for i in items if isinstance(i, RawDocument)],
        [i for i in items if isinstance(i, InputError)],
    )


def read_path(path, fmt=None, **opts):
    return split(read_inputs([str(path)], fmt, ReadOptions(**opts)))


def read_records(*records, fmt: str | None = "reddit"):
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    return split(read_stream(io.BytesIO(data), "dump", fmt, ReadOptions()))


def test_dump_documents_and_errors():
    found, errs = read_path(DUMP)
    assert [(d.location, d.source_id) for d in found] == [
        ("line 1", "t3_1d5x9qa"),
        ("line 2", "t1_l8k2mzp"),
        ("line 6", "t3_1d6aaaa"),
        ("line 8", "t1_l9zzzzz"),  # API-style {"kind": "t1", "data": {...}}
        ("line 9", "t1_l9xxxxx"),  # cp1252 bytes
        ("line 11", "t3_1d8dddd"),
    ]
    assert [(e.location, e.source) for e in errs] == [("line 5", str(DUMP)), ("line 10", str(DUMP))]
    assert "invalid JSON" in errs[0].reason and "body is list" in errs[1].reason


def test_deleted_and_removed_are_skipped_and_counted(caplog):
    with caplog.at_level(logging.INFO, logger="narcwatch.ingest.reddit"):
        read_path(DUMP)
    assert "3 deleted or removed posts skipped" in caplog.text


def test_submission():
    (sub, *_), _ = read_path(DUMP)
    assert sub.text.startswith("Anyone know a reliable vendor in Berlin?\n\nLooking for 2g")
    assert (sub.platform, sub.author, sub.title) == (
        "reddit",
        "throwaway_9911",
        "Anyone know a reliable vendor in Berlin?",
    )
    assert sub.url == (
        "https://www.reddit.com/r/berlinsocialclub/comments/1d5x9qa/anyone_know_a_reliable_vendor/"
    )
    assert sub.published == "2024-06-01T12:00:00Z"
    assert sub.fields == {
        "kind": "submission",
        "subreddit": "berlinsocialclub",
        "score": "3",
        "domain": "self.berlinsocialclub",
    }
    assert sub.raw == DUMP.read_bytes().splitlines()[0]


def test_comment_with_deleted_author_and_string_date():
    (_, com, *_), _ = read_path(DUMP)
    assert com.author is None and com.title is None
    assert com.published == "2024-06-01T13:00:00Z"  # created_utc "1717246800"
    assert com.fields == {
        "kind": "comment",
        "subreddit": "berlinsocialclub",
        "link_id": "t3_1d5x9qa",
        "parent_id": "t3_1d5x9qa",
        "score": "12",
    }


def test_link_post_keeps_its_link_in_the_text():
    found, _ = read_path(DUMP)
    link = found[2]
    assert link.text == "Best mirror for the shop\n\nhttps://t.me/snow_shop_official"
    assert link.fields["link_url"] == "https://t.me/snow_shop_official"
    assert link.published == "2024-06-02T10:00:00Z"  # created_utc as an ISO string


def test_non_utf8_line_and_url_without_permalink():
    found, _ = read_path(DUMP)
    paris = found[4]
    assert paris.text == "Qualité supérieure, 50 € le gramme"
    assert paris.url == "https://www.reddit.com/r/france/comments/1d7eeee/_/l9xxxxx/"


@pytest.mark.parametrize(
    ("record", "expect"),
    [
        (
            {"id": "a", "body": "x", "created_utc": 1717243200.9},
            {"published": "2024-06-01T12:00:00Z"},
        ),
        (
            {"id": "a", "body": "x", "created_utc": "1717243200"},
            {"published": "2024-06-01T12:00:00Z"},
        ),
        ({"id": "a", "body": "x", "created_utc": "yesterday"}, {"published": None}),
        ({"id": "a", "body": "x", "created_utc": [1]}, {"published": None}),
        ({"id": "a", "body": "x", "created_utc": True}, {"published": None}),
        ({"id": "t1_a", "body": "x"}, {"source_id": "t1_a"}),
        (
            {"name": "t3_b", "id": "b", "title": "T", "selftext": ""},
            {"source_id": "t3_b", "text": "T"},
        ),
        ({"id": "c", "title": "T", "selftext": "[removed]"}, {"text": "T"}),
        ({"id": 7, "body": "numeric id"}, {"source_id": "t1_7"}),
        (
            {"body": "x", "author": ["a"], "subreddit": {"s": 1}},
            {"author": None, "source_id": None},
        ),
        (
            {"body": "x", "permalink": "https://old.reddit.com/r/a/1"},
            {"url": "https://old.reddit.com/r/a/1"},
        ),
        ({"body": "bad \ud800 surrogate"}, {"text": "bad \ufffd surrogate"}),
        (
            {"id": "d", "title": "Pics", "url": "https://i.redd.it/x.jpg", "domain": "i.redd.it"},
            {"text": "Pics\n\nhttps://i.redd.it/x.jpg"},
        ),
        (
            {"id": "e", "title": "Self", "url": "https://www.reddit.com/r/a/comments/e/self/"},
            {"text": "Self"},
        ),
    ],
)
def test_hostile_and_odd_records(record, expect):
    (doc,), errs = read_records(record)
    assert errs == []
    for key, value in expect.items():
        assert getattr(doc, key) == value, key


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (b"[1, 2]", "expected a JSON object, got list"),
        (b'{"id": "x", "subreddit": "a"}', "no text in title or selftext"),
        (b'{"id": "x", "body": {"html": "<p>"}}', "body is dict"),
        (b'{"id": "x", "score": ' + b"9" * 5000 + b"}", "invalid JSON"),
        (b"{" * 100_000, "invalid JSON"),
    ],
)
def test_bad_lines_are_errors_and_the_rest_is_read(line, words):
    data = line + b'\n{"id": "ok", "body": "still read"}\n'
    found, (err,) = split(read_stream(io.BytesIO(data), "d", "reddit", ReadOptions()))
    assert [d.text for d in found] == ["still read"]
    assert err.location == "line 1" and words in err.reason


def test_empty_file_and_over_long_line():
    _, (err,) = split(read_stream(io.BytesIO(b"\n\n"), "d", "reddit", ReadOptions()))
    assert err.location is None and "empty" in err.reason
    data = b'{"body": "' + b"x" * 2000 + b'"}\n{"body": "short"}\n'
    found, (err,) = split(
        read_stream(io.BytesIO(data), "d", "reddit", ReadOptions(max_record_bytes=500))
    )
    assert [d.text for d in found] == ["short"] and err.location == "line 1"


def test_ids_are_stable():
    once, _ = read_path(DUMP)
    twice, _ = read_path(DUMP)
    assert [d.sha256 for d in once] == [d.sha256 for d in twice]


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (DUMP.read_bytes()[:4096], "reddit"),
        (b'{"body": "x", "subreddit": "a", "created_utc": 1}\n', "reddit"),
        (b'{"subreddit": "a", "link_id": "t3_x", "title": "t"}\n', "reddit"),
        (b'{"subreddit": "a", "text": "not reddit keys"}\n', "jsonl"),
        (b'{"subreddit": "a", "created_utc": 1, "message": "no reddit text key"}\n', "jsonl"),
        (b'[{"body": "x", "subreddit": "a", "created_utc": 1}]', "jsonl"),
    ],
)
def test_sniffing(head, fmt):
    assert _by_content(head).name == fmt


@pytest.mark.parametrize(
    "name", ["RC_2024-06.jsonl", "RC_2024-06.ndjson.gz", "RC_2024-06", "x.json"]
)
def test_detected_with_any_name(tmp_path, name):
    path = tmp_path / name
    data = DUMP.read_bytes()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    found, errs = read_path(path)
    assert len(found) == 6 and len(errs) == 2 and {d.platform for d in found} == {"reddit"}


def test_scan_end_to_end(cli, validate_findings):
    result = cli("scan", str(DUMP), "--no-store", "-f", "jsonl")
    assert result.code == 0, result.stderr
    findings = validate_findings(result.findings())
    by_id = {f["doc"]["source_id"]: f for f in findings}
    assert "cocaine" in {s["id"] for s in by_id["t3_1d5x9qa"]["substances"]}
    assert ("telegram", "snow_shop_official") in {
        (s["type"], s["value"]) for s in by_id["t3_1d6aaaa"]["selectors"]
    }
    assert by_id["t1_l9zzzzz"]["doc"]["platform"] == "reddit"
