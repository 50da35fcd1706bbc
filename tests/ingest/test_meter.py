"""The byte meter behind the progress bar: a total from file sizes, progress while reading."""

from __future__ import annotations

import gzip
from pathlib import Path

from narcwatch.ingest.base import ReadOptions
from narcwatch.ingest.meter import ByteMeter
from narcwatch.ingest.sources import read_inputs


def test_meter_counts_every_byte_of_files_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "dump"
    folder.mkdir()
    lines = "".join(f'{{"id": "{n}", "text": "post number {n}"}}\n' for n in range(2000))
    (folder / "a.jsonl").write_text(lines)
    (folder / "b.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    single = tmp_path / "page.txt"
    single.write_text("Cocaine 1g 80 EUR\n")
    inputs = [str(folder), str(single)]
    meter = ByteMeter.for_inputs(inputs)
    sizes = sum(p.stat().st_size for p in [*folder.iterdir(), single])
    assert meter.total == sizes
    seen: list[int] = []
    documents = 0
    for _ in read_inputs(inputs, None, ReadOptions(), meter=meter):
        documents += 1
        seen.append(meter.done)
    assert documents == 4001
    assert seen == sorted(seen)  # it only moves forward
    assert 0 < seen[100] < sizes  # it moves while the first big file is read
    assert meter.done == sizes


def test_standard_input_has_no_total() -> None:
    assert ByteMeter.for_inputs(["-"]).total is None


def test_an_unreadable_input_counts_nothing(tmp_path: Path) -> None:
    assert ByteMeter.for_inputs([str(tmp_path / "missing.jsonl")]).total == 0
