"""Inputs to readers: files, directories, stdin, gzip, format choice, unreadable inputs."""

import gzip
import io
import os
import sys

import pytest

from narcwatch.errors import InputError, NoInputError, UsageError
from narcwatch.ingest import base
from narcwatch.ingest.base import RawDocument, ReaderSpec, ReadOptions
from narcwatch.ingest.sources import Gunzip, _by_content, _by_extension, read_inputs
from tests.conftest import EXAMPLES

WARC_GZ = EXAMPLES / "market-capture.warc.gz"


def split(items):
    items = list(items)
    return (
        [i for i in items if isinstance(i, RawDocument)],
        [i for i in items if isinstance(i, InputError)],
    )


def read_paths(*paths, fmt=None, **opts):
    return split(read_inputs([str(p) for p in paths], fmt, ReadOptions(**opts)))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.jsonl", "jsonl"),
        ("a.NDJSON", "jsonl"),
        ("a.json.gz", "jsonl"),
        ("a.csv", "csv"),
        ("a.tsv.gz", "csv"),
        ("a.html", "html"),
        ("a.htm", "html"),
        ("a.xhtml", "html"),
        ("a.warc", "warc"),
        ("a.warc.gz", "warc"),
        ("a.txt", "text"),
        ("a.md", "text"),
        ("dump", None),
        ("a.gz", None),
    ],
)
def test_format_by_extension(name, fmt):
    spec = _by_extension(name)
    assert (spec.name if spec else None) == fmt


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b'{"text": "x"}\n', "jsonl"),
        (b'\xef\xbb\xbf  [{"text": "x"}]', "jsonl"),
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"<div><p>fragment</p></div>", "html"),
        (b"id,title,text\n1,a,b\n", "csv"),
        (b"id\ttitle\ttext\n1\ta\tb\n", "csv"),
        (b"Just some words, nothing else.\n", "text"),
        (bytes(range(256)), "text"),  # the text reader then reports binary data
    ],
)
def test_format_by_content(head, fmt):
    assert _by_content(head).name == fmt


def test_extension_beats_content_and_forced_beats_both(tmp_path):
    odd = tmp_path / "dump.data"
    odd.write_text('{"text": "sniffed as jsonl"}\n')
    (doc,), _ = read_paths(odd)
    assert doc.text == "sniffed as jsonl"
    (doc,), _ = read_paths(odd, fmt="text")
    assert doc.text.startswith("{")
    named = tmp_path / "notes.txt"
    named.write_text('{"text": "read as text by its name"}\n')
    (doc,), _ = read_paths(named)
    assert doc.text.startswith("{")


def test_unknown_format_and_encoding_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match=r"valid: .*csv.*jsonl"):
        list(read_inputs([str(tmp_path / "missing")], "xml", ReadOptions()))
    with pytest.raises(UsageError, match="unknown encoding"):
        list(read_inputs([str(tmp_path)], None, ReadOptions(encoding="klingon-8")))


def test_forced_encoding(tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes("Мефедрон".encode("koi8-r"))
    (doc,), _ = read_paths(path, encoding="koi8-r")
    assert doc.text == "Мефедрон"


@pytest.mark.parametrize(
    ("name", "body", "text"),
    [
        ("a.jsonl.gz", b'{"text": "j"}\n', "j"),
        ("a.csv.gz", b"title,text\nt,c\n", "c"),
        ("a.html.gz", b"<html><body><p>h</p></body></html>", "h"),
        ("a.txt.gz", b"t", "t"),
        ("no-extension", b'{"text": "sniffed inside gzip"}\n', "sniffed inside gzip"),
    ],
)
def test_gzip_of_each_format(tmp_path, name, body, text):
    path = tmp_path / name
    path.write_bytes(gzip.compress(body))
    (doc,), errs = read_paths(path)
    assert errs == [] and doc.text == text and doc.source == str(path)


def test_warc_gzipped_per_record_or_whole(tmp_path):
    per_record, _ = read_paths(WARC_GZ)
    whole = tmp_path / "whole.warc.gz"  # `gzip x.warc`: one member, which warcio refuses
    whole.write_bytes(gzip.compress(gzip.decompress(WARC_GZ.read_bytes())))
    found, errs = read_paths(whole)
    assert errs == [] and [d.sha256 for d in found] == [d.sha256 for d in per_record]


def test_gzip_concatenated_members_and_a_cut():
    body = os.urandom(200_000) + b"tail"
    data = gzip.compress(body[:1000]) + gzip.compress(body[1000:])
    whole = Gunzip(io.BytesIO(data))
    assert io.BufferedReader(whole).read() == body and whole.error is None
    cut = Gunzip(io.BytesIO(data[:-5000]))
    got = io.BufferedReader(cut).read()
    assert body.startswith(got) and len(got) > 150_000 and "cut short" in cut.error


def test_directory_recursion(tmp_path):
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "b" / "c" / "deep.txt").write_text("deep")
    (tmp_path / "a.txt").write_text("first")
    (tmp_path / "z.jsonl").write_text('{"text": "last"}\n')
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("hidden dir")
    (tmp_path / ".secret.txt").write_text("hidden file")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (tmp_path / "site.tar.gz").write_bytes(gzip.compress(b"\x00" * 100))
    os.mkfifo(tmp_path / "pipe.txt")  # would block the walk forever if opened
    found, errs = read_paths(tmp_path)
    assert [d.text for d in found] == ["first", "deep", "last"] and errs == []
    assert found[1].source == str(tmp_path / "b" / "c" / "deep.txt")


def test_empty_directory_is_no_error(tmp_path):
    assert read_paths(tmp_path) == ([], [])


def test_stdin(monkeypatch):
    data = b'{"id": "s1", "text": "from a pipe"}\n'
    for payload in (data, gzip.compress(data)):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload)))
        (doc,), errs = split(read_inputs(["-"], None, ReadOptions()))
        assert errs == [] and (doc.text, doc.source, doc.source_id) == (
            "from a pipe",
            "<stdin>",
            "s1",
        )


def test_missing_file_among_good_ones(tmp_path):
    good = tmp_path / "g.txt"
    good.write_text("good")
    missing = tmp_path / "nope.txt"
    found, (err,) = read_paths(missing, good)
    assert [d.text for d in found] == ["good"]
    assert err.source == str(missing) and "cannot open" in err.reason


def test_nothing_readable_raises(tmp_path):
    with pytest.raises(NoInputError, match=r"nope\.txt"):
        list(read_inputs([str(tmp_path / "nope.txt")], None, ReadOptions()))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_and_folder(tmp_path):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("x")
    (tmp_path / "ok.txt").write_text("ok")
    secret = tmp_path / "secret.txt"
    secret.write_text("s")
    secret.chmod(0)
    (tmp_path / "locked").chmod(0)
    try:
        found, errs = read_paths(tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert [d.text for d in found] == ["ok"]
    assert sorted(os.path.basename(e.source) for e in errs) == ["locked", "secret.txt"]


def test_a_crashing_reader_costs_one_file(tmp_path, monkeypatch):
    def broken(stream, source, options):
        yield RawDocument(text="partial", source=source, location="line 1", raw=b"p")
        raise RuntimeError("bug")

    base.readers()  # load the built-ins before replacing one
    monkeypatch.setitem(
        base._READERS, "text", ReaderSpec("text", broken, (".txt",), lambda h: 0.1, "broken")
    )
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "b.jsonl").write_text('{"text": "b"}\n')
    found, (err,) = read_paths(tmp_path)
    assert [d.text for d in found] == ["partial", "b"]
    assert "RuntimeError: bug" in err.reason and err.source.endswith("a.txt")
