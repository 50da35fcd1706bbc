"""Hostile input: every bad record is one clear error, every good record around it is read.

Small samples live in tests/data/hostile/ (see its README); big ones are made in tmp_path.
"""

import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadOptions, get_reader
from narcwatch.ingest.sources import read_inputs
from tests.conftest import EXAMPLES

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"


def split(items):
    items = list(items)
    return (
        [i for i in items if isinstance(i, RawDocument)],
        [i for i in items if isinstance(i, InputError)],
    )


def read_file(path, fmt=None, **opts):
    return split(read_inputs([str(path)], fmt, ReadOptions(**opts)))


# (sample, texts of the documents, (location, words in the reason) of each error)
SAMPLES = [
    ("empty.txt", [], [(None, "empty file")]),
    ("junk.bin", [], [(None, "binary data")]),
    (
        "latin1.txt",
        ["Cocaïne pure à vendre, 60 EUR le gramme. Livraison discrète, paiement en espèces.\n"],
        [],
    ),
    (
        "cp1252.csv",
        ["Peruvian flake – 1g for 80 €, escrow only", "Marokkanischer Haschisch – 10g 90 €"],
        [],
    ),
    ("utf16.jsonl", ["Кокаин 1г — 5000 руб", "Cocaïne de qualité, 80 €"], []),
    (
        "mixed_encoding.jsonl",
        ["café crème, utf-8", "café latin-1 € 5", "naïve again"],
        [],
    ),
    ("truncated.jsonl", ["first post", "second post"], [("line 3", "invalid JSON")]),
    (
        "missing_column.csv",
        # A row with a title and no description is a document: its title is its text.
        ["Pure flake 1g", "Fentanyl", "Amnesia Haze 1 oz", "Only title"],
        [("line 6", "5 fields")],
    ),
    ("broken.html", ["Selling heroin\n10g 80 EUR\nescrow"], []),
    (
        "telegram_export.json",
        ["Coke 80€ per gram", "Weed 10g 90€"],
        [],  # the telegram reader skips the service message silently
    ),
]


@pytest.mark.parametrize(("name", "texts", "errors"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_hostile_samples(name, texts, errors):
    path = HOSTILE / name
    found, errs = read_file(path)
    assert [d.text for d in found] == texts
    assert [e.location for e in errs] == [loc for loc, _ in errors]
    for err, (_, words) in zip(errs, errors, strict=True):
        assert words in err.reason and err.source == str(path)


def test_every_sample_is_in_the_table():
    assert {p.name for p in HOSTILE.iterdir() if p.name != "README.md"} == {s[0] for s in SAMPLES}


def test_details_of_the_samples():
    (a, _), _ = read_file(HOSTILE / "cp1252.csv")
    assert a.title == "“Quality” coke" and a.fields == {"price": "80"}
    (page,), _ = read_file(HOSTILE / "broken.html")
    assert page.title == "Shop" and "hidden" not in page.text
    (first, _), _ = read_file(HOSTILE / "telegram_export.json")
    got = (first.author, first.published, first.source_id)
    assert got == ("shop", "2024-06-01T10:00:00Z", "42/1")


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv", "empty.html", "blank.txt"])
def test_empty_files(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"" if name.startswith("empty") else b" \n\n\t\n")
    found, errs = read_file(path)
    assert found == []
    assert len(errs) == 1 and "empty" in errs[0].reason and errs[0].source == str(path)


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("latin-1", "Café, cocaïne pure, 50 EUR"),
        ("cp1252", "“Quality” cocaine – 80 €"),
        ("utf-16", "Cocaïne de qualité, 80 €"),
        ("utf-8-sig", "Кокаин, 80 €"),
        ("cp1251", "Продам кокаин, доставка по Москве, оплата биткоин"),
    ],
)
@pytest.mark.parametrize("ext", ["txt", "csv", "jsonl", "html"])
def test_encodings(tmp_path, encoding, text, ext):
    body = {
        "txt": text,
        "csv": f'title,description\nt,"{text}"\n',
        "jsonl": json.dumps({"text": text}, ensure_ascii=False) + "\n",
        "html": f"<html><body><p>{text}</p></body></html>",
    }[ext]
    path = tmp_path / f"doc.{ext}"
    path.write_bytes(body.encode(encoding))
    (doc,), errs = read_file(path)
    assert errs == [] and doc.text == text


@pytest.fixture(scope="module")
def huge_line_file(tmp_path_factory) -> Path:
    """A JSONL file whose second line is a 50 MB record."""
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"text": "before"}\n')
        fh.write(b'{"text": "' + b"a" * (50 * 1024 * 1024) + b'"}\n')
        fh.write(b'{"text": "after"}\n')
    return path


def test_huge_line_over_the_limit_is_skipped_and_the_rest_read(huge_line_file):
    found, errs = read_file(huge_line_file, max_record_bytes=1024 * 1024)
    assert [d.text for d in found] == ["before", "after"]
    assert [e.location for e in errs] == ["line 2"] and "longer than" in errs[0].reason


def test_huge_line_under_the_limit_is_a_document(huge_line_file):
    found, errs = read_file(huge_line_file)
    assert [len(d.text) for d in found] == [6, 50 * 1024 * 1024, 5] and errs == []


def test_truncated_json_and_non_objects(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(
        b'{"text": "ok"}\n[1, 2]\n"str"\n{"body": "fine"}\n{"text": 1e999999}\n'
        b'{"text": ' + b"9" * 5000 + b"}\n" + b"[" * 100_000 + b"\n" + b'{"text": "cut off'
    )
    found, errs = read_file(path)
    assert [d.text for d in found] == ["ok", "fine", "inf"]
    assert [e.location for e in errs] == ["line 2", "line 3", "line 6", "line 7", "line 8"]
    assert all(e.reason.startswith(("expected a JSON object", "invalid JSON")) for e in errs)


def test_record_without_text_names_the_fields(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"id": 1, "caption": "x"}\n')
    _, (err,) = read_file(path)
    assert (
        "no text field" in err.reason and "caption" in err.reason and "--text-field" in err.reason
    )


def test_csv_without_a_text_column_is_one_error(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("a,b\n" + "1,2\n" * 1000)
    _, (err,) = read_file(path, text_fields=["Item Description"])
    assert err.location == "line 1"
    assert "Item Description" in err.reason and "a, b" in err.reason


def test_csv_field_over_the_limit(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("title,text\nA,short\nB," + "x" * 5000 + "\nC,also short\n")
    found, errs = read_file(path, max_record_bytes=1000)
    assert [d.title for d in found] == ["A", "C"]
    assert [e.location for e in errs] == ["line 3"] and "field larger" in errs[0].reason


def test_csv_unterminated_quote_ends_in_one_error(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('title,text\nA,fine\nB,"never closed\nC,swallowed\n')
    found, errs = read_file(path)
    assert [d.title for d in found] == ["A"] and len(errs) == 1
    assert errs[0].location == "line 3"


def test_binary_junk_with_an_unknown_extension(tmp_path):
    path = tmp_path / "junk.dat"
    path.write_bytes(bytes(range(256)) * 40)
    found, errs = read_file(path)
    assert found == [] and len(errs) == 1 and "binary" in errs[0].reason


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.8, 0.95])
@pytest.mark.parametrize("compressed", [True, False])
def test_truncated_warc_keeps_what_came_before(tmp_path, fraction, compressed):
    data = (EXAMPLES / "market-capture.warc.gz").read_bytes()
    if not compressed:
        data = gzip.decompress(data)
    whole, _ = split(read_inputs([str(EXAMPLES / "market-capture.warc.gz")], None, ReadOptions()))
    path = tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    path.write_bytes(data[: int(len(data) * fraction)])
    found, errs = read_file(path)
    assert len(errs) == 1, errs
    assert errs[0].location.startswith("offset ") and "truncated" in errs[0].reason
    # What was read is exactly the documents before the cut, unchanged.
    assert [d.sha256 for d in found] == [d.sha256 for d in whole[: len(found)]]
    assert all(int(d.location.split()[1]) < int(errs[0].location.split()[1]) for d in found)


def test_truncated_gzip_keeps_the_lines_before_the_cut(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    body = "".join(f'{{"text": "line {i} {i * 7919 % 10007}"}}\n' for i in range(20000))
    data = gzip.compress(body.encode())
    path.write_bytes(data[: len(data) // 2])
    found, errs = read_file(path)
    assert [d.text for d in found] == [f"line {i} {i * 7919 % 10007}" for i in range(len(found))]
    assert len(found) > 8000
    # The cut line (if any) and the cut itself.
    assert errs[-1].location is None and "cut short" in errs[-1].reason and len(errs) <= 2


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from([b'{"text": ', b"WARC/1.0\r\n", b"<html><title>", b"a,b\n"]).flatmap(
            lambda head: st.binary(max_size=500).map(lambda tail: head + tail)
        ),
    ),
    fmt=st.sampled_from(["jsonl", "csv", "html", "text", "warc"]),
)
def test_arbitrary_bytes_never_crash_a_reader(data, fmt):
    # The reader itself, not read_inputs: its safety net would hide a crash.
    for item in get_reader(fmt).read(io.BytesIO(data), "fuzz", ReadOptions()):
        assert isinstance(item, RawDocument | InputError)
        if isinstance(item, InputError):
            assert item.source == "fuzz" and item.reason


@pytest.mark.parametrize(
    "content",
    [
        b'{"text": "coke \\ud800 80 eur"}\n{"text": "mdma 10 pills"}\n',  # JSON Lines
        b'[{"text": "coke \\ud800 80 eur"},\n {"text": "mdma 10 pills"}]\n',  # one document
    ],
    ids=["lines", "document"],
)
def test_a_lone_surrogate_escape_does_not_end_the_file(content):
    items = list(get_reader("jsonl").read(io.BytesIO(content), "s.json", ReadOptions()))
    assert [type(i) for i in items] == [RawDocument, RawDocument]
    assert items[1].text == "mdma 10 pills"
