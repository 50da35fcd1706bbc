"""Each reader on well-formed input: text, fields, locations and stable ids."""

import gzip
import io
import json

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.fields import parse_date, record_to_document
from narcwatch.ingest.html import html_to_text
from narcwatch.ingest.sources import read_inputs, read_stream
from tests.conftest import EXAMPLES


def read(data: bytes, name: str = "x", fmt: str | None = None, **opts) -> list:
    return list(read_stream(io.BytesIO(data), name, fmt, ReadOptions(**opts)))


def docs(items) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def errors(items) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


def make_warc(records: list[tuple[str, bytes, list[tuple[str, str]], str]]) -> bytes:
    """A gzipped WARC of response records: (url, HTTP body, HTTP headers, status line)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, body, headers, status in records:
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
        )
    return out.getvalue()


# --- field mapping (JSONL and CSV share it) ---------------------------------------------


def test_jsonl_field_mapping():
    line = {
        "id": "m1",
        "message": "hello",
        "vendor": "v",
        "subreddit": "drugs",
        "created_utc": 1717243200,
        "permalink": "/r/x",
        "score": 3,
        "tags": ["a", "b"],
    }
    (doc,) = read(json.dumps(line).encode() + b"\n", "a.jsonl")
    assert (doc.text, doc.source_id, doc.author, doc.platform) == ("hello", "m1", "v", "reddit")
    assert doc.published == "2024-06-01T12:00:00Z" and doc.url == "/r/x"
    # The subreddit stays as a field; lists are not scalar fields.
    assert doc.fields == {"subreddit": "drugs", "score": "3"} and doc.location == "line 1"


@pytest.mark.parametrize(
    ("record", "text"),
    [
        ({"Text": "upper-case key"}, "upper-case key"),
        ({"body": "", "content": "first non-empty wins"}, "first non-empty wins"),
        ({"selftext": "reddit self post"}, "reddit self post"),
        ({"Item Description": "last word of the name"}, "last word of the name"),
        ({"full_text": "a tweet"}, "a tweet"),
        ({"messageBody": "camelCase"}, "camelCase"),
    ],
)
def test_text_field_choice(record, text):
    doc = record_to_document(record, raw=b"", source="s", location="line 1")
    assert isinstance(doc, RawDocument) and doc.text == text


@pytest.mark.parametrize(
    "record",
    [{"context": "not a text field", "id": 1}, {"text": "   ", "id": 1}, {"id": 1}],
)
def test_no_usable_text_is_an_error(record):
    err = record_to_document(record, raw=b"", source="s", location="line 4")
    assert isinstance(err, InputError) and err.location == "line 4"
    assert "--text-field" in err.reason and "id" in err.reason


def test_explicit_text_fields_join_and_name_what_is_missing():
    rec = {"Item": "Coke 1g", "Item Description": "pure", "Vendor": "v"}
    doc = record_to_document(
        rec, raw=b"", source="s", location="line 2", text_fields=["item", "ITEM_description"]
    )
    assert doc.text == "Coke 1g\npure" and doc.author == "v"
    err = record_to_document(rec, raw=b"", source="s", location="line 2", text_fields=["Body"])
    assert isinstance(err, InputError)
    assert "Body" in err.reason and "Item Description" in err.reason


def test_jsonl_telegram_text_entities_are_flattened():
    rec = {"id": 7, "text": ["Buy ", {"type": "mention", "text": "@shop"}, " now"]}
    (doc,) = read(json.dumps(rec).encode(), "result.jsonl")
    assert doc.text == "Buy @shop now" and doc.source_id == "7"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        (1717243200, "2024-06-01T12:00:00Z"),
        (1717243200000, "2024-06-01T12:00:00Z"),
        (1717243200.5, "2024-06-01T12:00:00Z"),
        ("1717243200", "2024-06-01T12:00:00Z"),
        ("2024-06-04T09:30:00Z", "2024-06-04T09:30:00Z"),
        ("2024-06-04 11:30:00+02:00", "2024-06-04T09:30:00Z"),
        ("2024-06-04", "2024-06-04T00:00:00Z"),
        ("Tue, 04 Jun 2024 11:30:00 +0200", "2024-06-04T09:30:00Z"),
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
        (-5, None),
        (float("nan"), None),
        (10**30, None),
    ],
)
def test_dates(value, iso):
    assert parse_date(value) == iso


def test_unparseable_date_keeps_the_document():
    (doc,) = read(b'{"text": "x", "date": "last tuesday"}\n', "a.jsonl")
    assert doc.published is None and doc.text == "x"


# --- JSON Lines --------------------------------------------------------------------------


def test_jsonl_array_file():
    data = json.dumps([{"text": "a"}, {"text": "b"}, 3]).encode()
    items = read(data, "a.json")
    assert [d.text for d in docs(items)] == ["a", "b"]
    assert [e.location for e in errors(items)] == ["record 3"]


def test_pretty_printed_object_with_a_list_of_messages():
    export = {"name": "chan", "messages": [{"id": 1, "text": "one"}, {"id": 2, "text": "two"}]}
    items = read(json.dumps(export, indent=2).encode(), "result.json")
    assert [(d.text, d.location) for d in items] == [("one", "record 1"), ("two", "record 2")]


def test_ids_are_stable_and_content_addressed():
    a = read(b'{"text": "x"}\n{"text": "y"}\n', "a.jsonl")
    b = read(b'\n\n{"text": "x"}\r\n', "other.jsonl")
    assert a[0].sha256 == b[0].sha256 != a[1].sha256
    assert b[0].location == "line 3"


# --- CSV ---------------------------------------------------------------------------------


def test_csv_with_text_fields_and_other_columns():
    data = b"Vendor,Item,Item Description,Price,Origin\nNordic,Coke,Pure 1g,80,NL\n"
    (doc,) = read(data, "m.csv", text_fields=["Item", "Item Description"])
    assert doc.text == "Coke\nPure 1g" and doc.author == "Nordic"
    assert doc.fields == {"Price": "80", "Origin": "NL"}


def test_csv_item_description_is_found_without_an_option():
    data = b"Vendor,Item,Item Description,Price\nNordic,Coke,Pure 1g,80\n"
    (doc,) = read(data, "m.csv")
    assert (doc.text, doc.title, doc.author) == ("Pure 1g", "Coke", "Nordic")


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_csv_delimiters(sep):
    # Fields holding the other candidates (quoted when they hold this one) do not confuse it.
    data = f'title{sep}description\n"A, b"{sep}"hello; there | you"\nC{sep}d\n'.encode()
    doc, _ = read(data, "m.csv")
    assert doc.text == "hello; there | you" and doc.title == "A, b"


def test_csv_multiline_field_locations_and_canonical_raw():
    data = b'title,text\nA,"two\nlines"\nB,three\n'
    a, b = read(data, "m.csv")
    assert (a.text, a.location, b.location) == ("two\nlines", "line 2", "line 4")
    assert a.raw == json.dumps({"text": "two\nlines", "title": "A"}, ensure_ascii=False).encode()
    # Column order does not change a record's id.
    (again,) = read(b'text,title\n"two\nlines",A\n', "other.csv")
    assert again.sha256 == a.sha256


def test_csv_trailing_delimiters_and_duplicate_headers():
    data = b"title,text,text,\nA,first,second,\n"
    (doc,) = read(data, "m.csv")
    assert doc.text == "first" and doc.fields == {"text (2)": "second"}


def test_csv_huge_field_is_read():
    big = "x" * 300_000
    (doc,) = read(f"title,text\nA,{big}\n".encode(), "m.csv")
    assert len(doc.text) == 300_000


# --- HTML, text, WARC --------------------------------------------------------------------


def test_html_visible_text_title_and_canonical():
    page = (
        b"<html><head><title> Shop </title><link rel='canonical' href='http://x.onion/p'>"
        b"<style>.a{}</style><script>var s='cocaine';</script></head>"
        b"<body><h1>Pure</h1><p>heroin&nbsp;1g</p><noscript>js</noscript>"
        b"<template><p>tpl</p></template><ul><li>a</li><li>b</li></ul></body></html>"
    )
    (doc,) = read(page, "p.html")
    assert doc.title == "Shop" and doc.url == "http://x.onion/p"
    assert doc.text == "Pure\nheroin 1g\na\nb" and doc.location == "file"


@pytest.mark.parametrize(
    ("page", "text"),
    [
        # Valid UTF-8 wins over a stale meta charset.
        ('<meta charset="windows-1252"><p>café €</p>'.encode(), "café €"),
        # Not UTF-8: the meta charset is used.
        ('<meta charset="windows-1251"><p>Кокаин</p>'.encode("cp1251"), "Кокаин"),
        # An unknown charset name falls back to detection.
        ('<meta charset="x-nonsense"><p>café crème</p>'.encode("cp1252"), "café crème"),
    ],
)
def test_html_encodings(page, text):
    assert html_to_text(page)[0] == text


def test_html_og_url():
    page = b'<html><head><meta property="og:url" content="https://shop.example/p/1"></head>'
    assert html_to_text(page + b"<body>x</body></html>") == ("x", None, "https://shop.example/p/1")


def test_text_file():
    (doc,) = read("Grüße, cocaïne\n".encode(), "n.txt")
    assert doc.text.startswith("Grüße") and doc.location == "file"


def test_warc_records(tmp_path):
    items = list(read_inputs([str(EXAMPLES / "market-capture.warc.gz")], None, ReadOptions()))
    urls = [d.url for d in docs(items)]
    assert len(urls) == 3 and not errors(items)
    assert all(u.startswith("http://kv74") for u in urls)
    assert not any(u.endswith(("robots.txt", ".png")) for u in urls)
    assert all(d.location.startswith("offset ") and d.published for d in docs(items))
    # The same archive uncompressed reads the same documents.
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress((EXAMPLES / "market-capture.warc.gz").read_bytes()))
    again = docs(read_inputs([str(plain)], None, ReadOptions()))
    assert [d.sha256 for d in again] == [d.sha256 for d in docs(items)]


def test_warc_http_encodings_status_and_charset():
    page = "<html><title>t</title><body><p>Cocaïne 80 €</p></body></html>".encode("cp1252")
    gz = gzip.compress(b"<p>gzipped page</p>")
    chunked = b"5\r\n<p>ch\r\n9\r\nunked</p>\r\n0\r\n\r\n"
    data = make_warc(
        [
            ("http://a/1", page, [("Content-Type", "text/html; charset=windows-1252")], "200 OK"),
            (
                "http://a/2",
                gz,
                [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                "200 OK",
            ),
            (
                "http://a/3",
                chunked,
                [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
                "200 OK",
            ),
            ("http://a/4", b"<p>gone</p>", [("Content-Type", "text/html")], "404 Not Found"),
            ("http://a/5", b"plain words", [("Content-Type", "text/plain")], "200 OK"),
            ("http://a/robots.txt", b"User-agent: *", [("Content-Type", "text/plain")], "200 OK"),
        ]
    )
    items = read(data, "c.warc.gz")
    assert not errors(items)
    assert [(d.url, d.text) for d in items] == [
        ("http://a/1", "Cocaïne 80 €"),
        ("http://a/2", "gzipped page"),
        ("http://a/3", "chunked"),
        ("http://a/5", "plain words"),
    ]
    offsets = [int(d.location.split()[1]) for d in items]
    assert offsets[0] == 0 and offsets == sorted(set(offsets))


def test_a_title_alone_is_a_document():
    # A dump of listing titles: no text column, no --text-field needed.
    docs = read(b"title,price\nCocaine 10 gram wholesale,500\n", "titles.csv")
    assert [d.text for d in docs] == ["Cocaine 10 gram wholesale"]
    # A record whose text is empty is read by its title.
    (doc,) = read(b'{"title": "Heroin 1g", "text": ""}\n', "t.jsonl")
    assert doc.text == "Heroin 1g"
