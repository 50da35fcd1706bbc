"""CSV and TSV with a header row (market dumps, spreadsheet exports).

The delimiter is chosen among ``, ; TAB |`` by which one splits the first lines into the
same number of columns; the encoding is detected from the first 64 KB (later bytes that
are not valid in it are read as cp1252). Rows are streamed. Locations are the physical
line where a record starts (quoted fields may span lines).

Bad rows, each one error with the rows around it still read:

* fewer cells than the header: read; the missing columns are absent, and the row is an
  error only if its text is then missing or empty;
* more cells than the header: an error (an unquoted delimiter shifts every column after
  it, so the fields would be wrong), unless the extra cells are empty (trailing
  delimiters, common in exports);
* a header without any text column: one error for the file, not one per row.

``raw`` is the row as sorted-key JSON, so a record's id does not depend on column order.
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
from narcwatch.ingest.decode import FALLBACK, detect_encoding
from narcwatch.ingest.fields import TEXT_FIELDS, record_to_document, text_keys
from narcwatch.ingest.streams import with_head

DELIMITERS = ",;\t|"
_SAMPLE_LINES = 20
_HEAD = 65536
# json.dumps(sort_keys=True, ensure_ascii=False) without building an encoder per row.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _sniff(head: bytes) -> float:
    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    if first.lstrip().startswith(("{", "[", "<")) or not first.strip():
        return 0.0
    best = max(first.count(d) for d in DELIMITERS)
    return 0.6 if best >= 2 else 0.0


def _delimiter(sample: str, complete: bool) -> str:
    """The delimiter giving a multi-column header that the following rows agree with."""
    lines = sample.splitlines()[: _SAMPLE_LINES + 1]
    if len(lines) > 1 and (len(lines) > _SAMPLE_LINES or not complete):
        lines = lines[:-1]  # the last sampled line may be cut short
    best, best_score = ",", (-1.0, 0)
    for d in DELIMITERS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=d) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agree = sum(len(r) == width for r in rows[1:]) / max(1, len(rows) - 1)
        score = (agree, width)
        if score > best_score:
            best, best_score = d, score
    return best


def _header(cells: list[str]) -> list[str]:
    """Header names, stripped; blanks and duplicates get names so no column is lost."""
    names: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells, 1):
        name = cell.lstrip("\ufeff").strip() or f"column {i}"
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base} ({n})"
        seen.add(name)
        names.append(name)
    return names


@register_reader(
    "csv",
    extensions=(".csv", ".tsv", ".tab"),
    sniff=_sniff,
    description="CSV/TSV with a header row (delimiter sniffed)",
)
def read_csv(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[ReadItem]:
    # Fields as large as a record may be; the default (128 KB) rejects long descriptions.
    csv.field_size_limit(min(options.max_record_bytes, sys.maxsize))
    head, stream = with_head(stream, _HEAD)
    if not head.strip():
        yield InputError(source, None, "empty file")
        return
    encoding = options.encoding or detect_encoding(head)
    text = io.TextIOWrapper(stream, encoding=encoding, errors=FALLBACK, newline="")
    sample = head.decode(encoding, errors="replace").lstrip("\ufeff")
    # strict: a quote never closed is an error at its row, not the rest of the file read
    # silently as one field.
    reader = csv.reader(text, delimiter=_delimiter(sample, len(head) < _HEAD), strict=True)
    try:
        header = _header(next(reader))
    except (csv.Error, StopIteration) as exc:
        yield InputError(source, "line 1", f"no CSV header: {exc}")
        return
    if not text_keys(header, options.text_fields):
        wanted = ", ".join(options.text_fields or TEXT_FIELDS)
        yield InputError(
            source,
            "line 1",
            f"no text column ({wanted}; choose with --text-field) "
            f"in columns: {', '.join(header)[:300]}",
        )
        return
    width = len(header)
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
        if not row or not any(cell.strip() for cell in row):
            continue
        location = f"line {start}"
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                yield InputError(
                    source,
                    location,
                    f"{len(row)} fields where the header has {width} "
                    f"(an unquoted delimiter?); row skipped",
                )
                continue
            row = row[:width]
        record = dict(zip(header, row, strict=False))
        raw = _CANONICAL.encode(record).encode()
        yield record_to_document(
            record, raw=raw, source=source, location=location, text_fields=options.text_fields
        )
