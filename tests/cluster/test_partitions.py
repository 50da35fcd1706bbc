"""Partitions read exactly what a plain scan reads: the same documents and errors, with the
same source and location, in the same order, whatever the partition size."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from narcwatch.cluster.partitions import plan, read_partition
from narcwatch.errors import InputError, NoInputError, UsageError
from narcwatch.ingest.base import ReadOptions
from narcwatch.ingest.sources import read_inputs
from tests.conftest import EXAMPLES, ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile"


def _key(item: object) -> tuple:
    if isinstance(item, InputError):
        return ("error", item.source, item.location, item.reason)
    return ("doc", item.source, item.location, item.sha256, item.text)  # type: ignore[attr-defined]


def _plain(inputs: list[str]) -> list[tuple]:
    return [_key(i) for i in read_inputs(inputs, None, ReadOptions())]


def _partitioned(inputs: list[str], target: int) -> tuple[list[tuple], list]:
    parts, _, errors = plan(inputs, None, ReadOptions(), target)
    items = [_key(e) for e in errors]
    for part in parts:
        items += [_key(i) for i in read_partition(part, ReadOptions())]
    return items, parts


@pytest.fixture
def odd_inputs(tmp_path: Path) -> list[str]:
    """Blank lines, a list mid-file, a lone brace, bad JSON; quoted newlines and a bad quote
    in CSV; an uncompressed, a per-record gzipped, a whole-file gzipped and a cut WARC."""
    (tmp_path / "odd.jsonl").write_bytes(
        b'{"text": "a cocaine"}\n\n\n[1, 2]\n{"text": "b"}\n{\n{"text": "c heroin"}\n'
        b'not json\n{"text": "d"}\n' * 3
    )
    (tmp_path / "q.csv").write_bytes(
        b'text,price\n"multi\nline cocaine",3\nplain,4\n"x\n\ny\nz",5\nbad"quote,6\nlast,7\n'
    )
    warc = gzip.decompress((EXAMPLES / "market-capture.warc.gz").read_bytes())
    (tmp_path / "u.warc").write_bytes(warc)
    (tmp_path / "cut.warc").write_bytes(warc[:2000])
    (tmp_path / "whole.warc.gz").write_bytes(gzip.compress(warc))
    return [str(tmp_path), str(EXAMPLES), str(HOSTILE), str(ROOT / "tests" / "data" / "reddit")]


@pytest.mark.parametrize("target", [1, 40, 300, 1 << 20])
def test_partitions_read_what_a_plain_scan_reads(odd_inputs: list[str], target: int) -> None:
    items, parts = _partitioned(odd_inputs, target)
    assert items == _plain(odd_inputs)
    assert [p.index for p in parts] == list(range(len(parts)))


def test_big_files_are_split_by_kind(odd_inputs: list[str]) -> None:
    _, parts = _partitioned(odd_inputs, 100)
    kinds = {(Path(p.source).name, p.kind) for p in parts}
    assert {("odd.jsonl", "lines"), ("market_listings.csv", "rows"), ("u.warc", "warc")} <= kinds
    assert ("berlin_dump.jsonl", "lines") in kinds  # read by the reddit reader, split too
    assert {p.fmt for p in parts if p.source.endswith("berlin_dump.jsonl")} == {"reddit"}
    # a per-record gzipped WARC splits at its members; a whole-file gzip cannot be split
    assert ("market-capture.warc.gz", "warc") in kinds
    assert ("whole.warc.gz", "file") in kinds
    # the partitions of each file cover it exactly: the progress bar's total is the input's
    for name in ("odd.jsonl", "u.warc", "market_listings.csv"):
        mine = [p for p in parts if Path(p.source).name == name]
        assert len(mine) > 1
        assert sum(p.size for p in mine) == Path(mine[0].path).stat().st_size


def test_jsonl_partitions_start_on_record_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"".join(b'{"text": "doc %d"}\n' % i for i in range(100)))
    parts, _, _ = plan([str(path)], None, ReadOptions(), 100)
    assert len(parts) > 10
    data = path.read_bytes()
    for part in parts[1:]:
        assert data[part.start - 1 : part.start + 1] == b"\n{"
        assert part.first_line == data[: part.start].count(b"\n") + 1


def test_standard_input_is_refused() -> None:
    with pytest.raises(UsageError, match="standard input"):
        plan(["-"], None, ReadOptions(), 100)


def test_nothing_readable_is_no_input(tmp_path: Path) -> None:
    with pytest.raises(NoInputError):
        plan([str(tmp_path / "missing.jsonl")], None, ReadOptions(), 100)


def test_fsspec_urls_are_read_by_the_workers_themselves(odd_inputs: list[str]) -> None:
    """A ``file://`` URL goes through fsspec as ``s3://`` would: the same items, named by
    their URLs."""
    folder = odd_inputs[0]
    items, parts = _partitioned([f"file://{folder}"], 40)
    assert all(p.path.startswith("file://") for p in parts)
    assert {p.kind for p in parts} >= {"lines", "rows", "warc"}
    plain = _plain([folder])
    assert [(k[0], k[2], *k[3:]) for k in items] == [(k[0], k[2], *k[3:]) for k in plain]
    assert [k[1] for k in items] == [f"file://{Path(k[1]).resolve()}" for k in plain]


def test_an_unknown_scheme_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="nosuch://x"):
        plan(["nosuch://x"], None, ReadOptions(), 100)


def _members(count: int = 30) -> list[bytes]:
    """gzip members of JSON Lines, each ending its last line (as ``cat a.gz b.gz`` makes);
    one starts with a blank line and one with a lone brace: no cut falls before them."""
    out = []
    for m in range(count):
        body = b"".join(b'{"text": "doc %d.%d cocaine"}\n' % (m, i) for i in range(20 + m % 7))
        body = {5: b"  \n" + body, 9: b"{\n" + body}.get(m, body)
        out.append(gzip.compress(body))
    return out


def test_multi_member_gzip_splits_at_member_offsets(tmp_path: Path) -> None:
    members = _members()
    offsets = [sum(len(m) for m in members[:i]) for i in range(len(members) + 1)]
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(b"".join(members))
    target = 3 * len(members[0])
    items, parts = _partitioned([str(path)], target)
    assert items == _plain([str(path)])
    assert len(parts) > 5 and {p.kind for p in parts} == {"gzip"}
    assert {p.fmt for p in parts} == {"jsonl"}
    assert {p.start for p in parts} <= set(offsets) - {offsets[5], offsets[9]}
    assert [p.stop for p in parts] == [p.start for p in parts[1:]] + [None]
    assert sum(p.size for p in parts) == offsets[-1]
    assert all(p.size <= target for p in parts)  # whole members, up to the partition size
    for part in parts:
        before = gzip.decompress(path.read_bytes()[: part.start]) if part.start else b""
        assert part.first_line == before.count(b"\n") + 1


def test_a_single_member_gzip_goes_whole(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl.gz"
    path.write_bytes(gzip.compress(b"".join(gzip.decompress(m) for m in _members())))
    items, parts = _partitioned([str(path)], 100)
    assert [(p.kind, p.start, p.stop) for p in parts] == [("file", 0, None)]
    assert items == _plain([str(path)])


@pytest.mark.parametrize("damage", ["corrupt", "truncated"])
def test_a_damaged_member_is_named_by_offset_and_the_rest_still_runs(
    tmp_path: Path, damage: str
) -> None:
    members = _members()
    bad_at = sum(len(m) for m in members[:20])
    data = bytearray(b"".join(members))
    if damage == "corrupt":
        data[bad_at + 20 : bad_at + 40] = bytes(20)
    else:
        data = data[: bad_at + 40]
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(bytes(data))
    good = tmp_path / "good.jsonl"
    good.write_bytes(b'{"text": "after the damage"}\n')
    inputs = [str(path), str(good)]
    items, parts = _partitioned(inputs, 2 * len(members[0]))
    assert items == _plain(inputs)
    assert sum(p.kind == "gzip" for p in parts) > 3
    assert max(p.start for p in parts if p.kind == "gzip") <= bad_at  # the damage is last
    errors = [i for i in items if i[0] == "error" and i[2] is None]
    assert len(errors) == 1 and errors[0][1] == str(path)
    assert f"in the member at byte {bad_at}" in errors[0][3]
    assert ("cut short" if damage == "truncated" else "corrupt gzip data") in errors[0][3]
    assert items[-1][:3] == ("doc", str(good), "line 1")
    before = sum(20 + m % 7 for m in range(20))  # the documents of the members before it
    assert sum(i[0] == "doc" and i[1] == str(path) for i in items) == before
