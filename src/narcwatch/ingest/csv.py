"""CSV and TSV with a header row (market dumps, spreadsheet exports).

The delimiter is sniffed among ``, ; TAB |``; the encoding is detected from the first
64 KB. Rows are streamed; a row whose field count differs from the header is reported
with its line number and skipped, the rows around it are read.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from typing import BinaryIO

from narcwatch.errors import InputError
from narcwatch.ingest.base import ReadItem, ReadOptions, register_reader
from narcwatch.ingest.decode import detect_encoding
from narcwatch.ingest.fields import record_to_document
from narcwatch.ingest.streams import with_head

DELIMITERS = ",;\t|"


def _sniff(head: bytes) -> float:
    try:
        first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    except Exception:
        return 0.0
    if first.lstrip().startswith(("{", "[", "<")) or not first.strip():
        return 0.0
    best = max(first.count(d) for d in DELIMITERS)
    return 0.6 if best >= 2 else 0.0


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        first = sample.split("\n", 1)[0]
        delimiter = max(DELIMITERS, key=first.count)
        return type("Sniffed", (csv.excel,), {"delimiter": delimiter})


@register_reader(
    "csv",
    extensions=(".csv", ".tsv", ".tab"),
    sniff=_sniff,
    description="CSV/TSV with a header row (delimiter sniffed)",
)
def read_csv(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[ReadItem]:
    csv.field_size_limit(min(options.max_record_bytes, sys.maxsize))
    head, stream = with_head(stream)
    if not head.strip():
        yield InputError(source, None, "empty file")
        return
    encoding = options.encoding or detect_encoding(head)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    sample = head.decode(encoding, errors="replace")[:32768]
    reader = csv.reader(text, dialect=_dialect(sample))
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        yield InputError(source, "line 1", f"no CSV header: {exc}")
        return
    header = [h.lstrip("\ufeff").strip() for h in header]
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num
            yield InputError(source, f"line {start}", f"bad CSV row: {exc}")
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        location = f"line {start}"
        if len(row) != len(header):
            yield InputError(
                source,
                location,
                f"{len(row)} fields where the header has {len(header)} ({', '.join(header)[:120]})",
            )
            continue
        record = dict(zip(header, row, strict=True))
        raw = json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
        yield record_to_document(
            record, raw=raw, source=source, location=location, text_fields=options.text_fields
        )
