"""Hostile input: every bad record is one clear error, every good record around it is read."""

import gzip
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcwatch.errors import InputError, NoInputError
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.sources import read_inputs, read_stream
from tests.conftest import EXAMPLES


def split(items):
    items = list(items)
    return (
        [i for i in items if isinstance(i, RawDocument)],
        [i for i in items if isinstance(i, InputError)],
    )


def read_file(path, fmt=None, **opts):
    return split(read_inputs([str(path)], fmt, ReadOptions(**opts)))


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv", "empty.html", "empty.txt"])
def test_empty_files(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    found, errs = read_file(path)
    assert found == []
    assert len(errs) == 1 and "empty" in errs[0].reason and errs[0].source == str(path)


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("latin-1", "Café, cocaïne pure, 50 €"[:-1] + "EUR"),
        ("cp1252", "“Quality” cocaine – 80 €"),
        ("utf-16", "Cocaïne de qualité, 80 €"),
        ("utf-8-sig", "Кокаин, 80 €"),
    ],
)
@pytest.mark.parametrize("ext", ["txt", "csv", "jsonl"])
def test_encodings(tmp_path, encoding, text, ext):
    body = {
        "txt": text,
        "csv": f'title,description\nt,"{text}"\n',
        "jsonl": json.dumps({"text": text}, ensure_ascii=False) + "\n",
    }[ext]
    path = tmp_path / f"doc.{ext}"
    path.write_bytes(body.encode(encoding))
    (doc,), errs = read_file(path)
    assert errs == [] and doc.text == text


def test_huge_line_is_skipped_and_the_rest_read(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"text": "before"}\n')
        fh.write(b'{"text": "' + b"a" * (50 * 1024 * 1024) + b'"}\n')
        fh.write(b'{"text": "after"}\n')
    found, errs = read_file(path, max_record_bytes=1024 * 1024)
    assert [d.text for d in found] == ["before", "after"]
    assert [e.location for e in errs] == ["line 2"] and "longer than" in errs[0].reason
    # Under the limit, the 50 MB line is a document.
    found, errs = read_file(path)
    assert len(found) == 3 and errs == []


def test_truncated_json_and_non_objects(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"text": "ok"}\n[1, 2]\n"str"\n{"body": "fine"}\n{"text": "cut off')
    found, errs = read_file(path)
    assert [d.text for d in found] == ["ok", "fine"]
    assert [e.location for e in errs] == ["line 2", "line 3", "line 5"]
    assert "invalid JSON" in errs[-1].reason


def test_record_without_text_names_the_fields(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"id": 1, "caption": "x"}\n')
    _, (err,) = read_file(path)
    assert (
        "no text field" in err.reason and "caption" in err.reason and "--text-field" in err.reason
    )


def test_csv_missing_and_extra_columns(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("title,description,price\nA,first,1\nB,missing price\nC,third,3\nD,x,4,extra\n")
    found, errs = read_file(path)
    assert [d.title for d in found] == ["A", "C"]
    assert [e.location for e in errs] == ["line 3", "line 5"]
    assert "where the header has 3" in errs[0].reason


def test_csv_text_field_absent(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("a,b\n1,2\n")
    _, (err,) = read_file(path, text_fields=["Item Description"])
    assert "Item Description" in err.reason and "a, b" in err.reason


def test_broken_html_still_gives_text(tmp_path):
    path = tmp_path / "b.html"
    path.write_bytes(b"<html><body><div><p>Selling <b>heroin<p>10g <table><tr><td>80 EUR")
    (doc,), errs = read_file(path)
    assert errs == [] and "heroin" in doc.text and "80 EUR" in doc.text


def test_truncated_warc_keeps_what_came_before(tmp_path):
    data = (EXAMPLES / "market-capture.warc.gz").read_bytes()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) // 2])
    found, errs = read_file(path)
    assert len(found) >= 1 and len(errs) == 1
    assert errs[0].location.startswith("offset ") and "truncated" in errs[0].reason


def test_binary_junk(tmp_path):
    path = tmp_path / "junk.bin"
    path.write_bytes(bytes(range(256)) * 40)
    found, errs = read_file(path)
    assert found == [] and "binary" in errs[0].reason


def test_gzip_of_each_format(tmp_path):
    for name, body in [
        ("a.jsonl.gz", b'{"text": "j"}\n'),
        ("a.csv.gz", b"title,text\nt,c\n"),
        ("a.html.gz", b"<html><body><p>h</p></body></html>"),
        ("a.txt.gz", b"t"),
    ]:
        path = tmp_path / name
        path.write_bytes(gzip.compress(body))
        (doc,), errs = read_file(path)
        assert errs == [] and doc.text in {"j", "c", "h", "t"}


def test_truncated_gzip(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    body = "".join(f'{{"text": "line {i} {i * 7919 % 10007}"}}\n' for i in range(20000))
    data = gzip.compress(body.encode())
    path.write_bytes(data[: len(data) // 2])
    found, errs = read_file(path)
    assert found and len(errs) >= 1


def test_directory_recursion_skips_hidden_and_media(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("deep")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("hidden")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (tmp_path / "top.txt").write_text("top")
    found, errs = read_file(tmp_path)
    assert sorted(d.text for d in found) == ["deep", "top"] and errs == []


def test_missing_file_among_good_ones(tmp_path):
    good = tmp_path / "g.txt"
    good.write_text("good")
    found, errs = split(read_inputs([str(tmp_path / "nope.txt"), str(good)], None, ReadOptions()))
    assert [d.text for d in found] == ["good"]
    assert "cannot open" in errs[0].reason


def test_nothing_readable_raises(tmp_path):
    with pytest.raises(NoInputError):
        list(read_inputs([str(tmp_path / "nope.txt")], None, ReadOptions()))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["jsonl", "csv", "html", "text", "warc"]))
def test_arbitrary_bytes_never_crash_a_reader(data, fmt):
    for item in read_stream(io.BytesIO(data), "fuzz", fmt, ReadOptions()):
        assert isinstance(item, RawDocument | InputError)
