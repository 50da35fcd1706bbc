"""Each reader on well-formed input: text, fields, locations and stable ids."""

import gzip
import io
import json

import pytest

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.fields import parse_date
from narcwatch.ingest.sources import read_inputs, read_stream
from tests.conftest import EXAMPLES


def read(data: bytes, name: str = "x", fmt: str | None = None, **opts) -> list:
    return list(read_stream(io.BytesIO(data), name, fmt, ReadOptions(**opts)))


def docs(items) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def errors(items) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


def test_jsonl_field_mapping():
    line = {
        "id": "m1",
        "message": "hello",
        "vendor": "v",
        "subreddit": "drugs",
        "created_utc": 1717243200,
        "permalink": "/r/x",
        "score": 3,
    }
    (doc,) = read(json.dumps(line).encode() + b"\n", "a.jsonl")
    assert (doc.text, doc.source_id, doc.author, doc.platform) == ("hello", "m1", "v", "reddit")
    assert doc.published == "2024-06-01T12:00:00Z" and doc.url == "/r/x"
    assert doc.fields == {"score": "3"} and doc.location == "line 1"


def test_jsonl_telegram_text_entities_are_flattened():
    rec = {"id": 7, "text": ["Buy ", {"type": "mention", "text": "@shop"}, " now"]}
    (doc,) = read(json.dumps(rec).encode(), "result.jsonl")
    assert doc.text == "Buy @shop now"


def test_jsonl_array_file():
    data = json.dumps([{"text": "a"}, {"text": "b"}, 3]).encode()
    items = read(data, "a.json")
    assert [d.text for d in docs(items)] == ["a", "b"]
    assert [e.location for e in errors(items)] == ["record 3"]


def test_ids_are_stable_and_content_addressed():
    a = read(b'{"text": "x"}\n{"text": "y"}\n', "a.jsonl")
    b = read(b'{"text": "x"}\n', "other.jsonl")
    assert a[0].sha256 == b[0].sha256 != a[1].sha256


def test_csv_with_text_fields_and_extra_columns():
    data = b"Vendor,Item,Item Description,Price,Origin\nNordic,Coke,Pure 1g,80,NL\n"
    (doc,) = read(data, "m.csv", text_fields=["Item", "Item Description"])
    assert doc.text == "Coke\nPure 1g" and doc.author == "Nordic"
    assert doc.fields == {"Price": "80", "Origin": "NL"}


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_csv_delimiters(sep):
    data = f"title{sep}description\nA{sep}hello there\n".encode()
    (doc,) = read(data, "m.csv")
    assert doc.text == "hello there" and doc.title == "A"


def test_html_visible_text_title_and_canonical():
    page = (
        b"<html><head><title> Shop </title><link rel='canonical' href='http://x.onion/p'>"
        b"<style>.a{}</style><script>var s='cocaine';</script></head>"
        b"<body><h1>Pure</h1><p>heroin&nbsp;1g</p><noscript>js</noscript></body></html>"
    )
    (doc,) = read(page, "p.html")
    assert doc.title == "Shop" and doc.url == "http://x.onion/p"
    assert doc.text == "Pure\nheroin 1g"


def test_text_file():
    (doc,) = read("Grüße, cocaïne\n".encode(), "n.txt")
    assert doc.text.startswith("Grüße") and doc.location == "file"


def test_warc_records(tmp_path):
    items = list(read_inputs([str(EXAMPLES / "market-capture.warc.gz")], None, ReadOptions()))
    urls = [d.url for d in docs(items)]
    assert len(urls) == 3 and not errors(items)
    assert all(u.startswith("http://kv74") for u in urls)
    assert not any(u.endswith(("robots.txt", ".png")) for u in urls)
    # The same archive uncompressed reads the same documents.
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress((EXAMPLES / "market-capture.warc.gz").read_bytes()))
    again = docs(read_inputs([str(plain)], None, ReadOptions()))
    assert [d.sha256 for d in again] == [d.sha256 for d in docs(items)]


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        (1717243200, "2024-06-01T12:00:00Z"),
        (1717243200000, "2024-06-01T12:00:00Z"),
        ("1717243200", "2024-06-01T12:00:00Z"),
        ("2024-06-04T09:30:00Z", "2024-06-04T09:30:00Z"),
        ("2024-06-04 11:30:00+02:00", "2024-06-04T09:30:00Z"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_dates(value, iso):
    assert parse_date(value) == iso


def test_format_by_extension_sniff_and_force(tmp_path):
    odd = tmp_path / "dump.data"
    odd.write_text('{"text": "sniffed as jsonl"}\n')
    (doc,) = docs(read_inputs([str(odd)], None, ReadOptions()))
    assert doc.text == "sniffed as jsonl"
    (doc,) = docs(read_inputs([str(odd)], "text", ReadOptions()))
    assert doc.text.startswith("{")
