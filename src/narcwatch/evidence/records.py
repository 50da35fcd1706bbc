"""Building WARC/1.1 records (warcio) with SHA-256 block and payload digests, and the
gzip-per-record bytes that :class:`narcwatch.evidence.warc.WarcWriter` appends."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, BinaryIO

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from narcwatch.errors import UsageError

Headers = Mapping[str, str] | Iterable[tuple[str, str]]
_WARC_1_1 = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


def sha256_label(data: bytes) -> str:
    """``sha256:<base32>``, the WARC 1.1 digest label for ``data``."""
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    """WARC-Date with microseconds; naive datetimes are refused (ambiguous in court)."""
    if moment.tzinfo is None:
        raise UsageError("capture time must be timezone-aware", value=moment)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_warc_date(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def header_pairs(headers: Headers | None) -> list[tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else (headers or [])
    out = []
    for name, value in items:
        # the body we store is already de-chunked: keep the original header under a new name
        if name.lower() == "transfer-encoding":
            name = "X-Archive-Orig-Transfer-Encoding"
        out.append((str(name), str(value).replace("\r", " ").replace("\n", " ")))
    return out


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def warc_fields(values: Mapping[str, Any]) -> bytes:
    lines = []
    for key, value in values.items():
        if value is None:
            continue
        key = re.sub(r"[^\w.-]", "-", str(key))
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
        lines.append(f"{key}: {text.replace(chr(13), ' ').replace(chr(10), ' ')}\r\n")
    return "".join(lines).encode("utf-8")


_BUILDER = WARCWriter(io.BytesIO(), gzip=True, warc_version="WARC/1.1")


def build_record(
    uri: str,
    rec_type: str,
    body: bytes,
    date: str,
    *,
    http: StatusAndHeaders | None = None,
    content_type: str = "",
    extra: Mapping[str, str] | None = None,
) -> Any:
    """A warcio record with SHA-256 block (and payload) digests already set."""
    block = body
    if http is not None:
        http.compute_headers_buffer(None)
        block = http.headers_buff + body
    headers = {
        "WARC-Type": rec_type,
        "WARC-Record-ID": StatusAndHeadersParser.make_warc_id(),
        "WARC-Date": date,
        **(extra or {}),
        "WARC-Block-Digest": sha256_label(block),
    }
    if rec_type != "warcinfo":
        headers["WARC-Payload-Digest"] = sha256_label(body)
    return _BUILDER.create_warc_record(
        uri,
        rec_type,
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type=content_type,
        warc_headers_dict=headers,
        http_headers=http,
    )


def build_stream_record(
    uri: str,
    rec_type: str,
    stream: BinaryIO,
    length: int,
    date: str,
    *,
    sha256_digest: bytes,
    content_type: str = "",
    extra: Mapping[str, str] | None = None,
) -> Any:
    """A record whose payload is read from ``stream`` while it is written (a file of any
    size), its digest computed beforehand by the caller: the block is the payload."""
    label = "sha256:" + base64.b32encode(sha256_digest).decode("ascii")
    headers = {
        "WARC-Type": rec_type,
        "WARC-Record-ID": StatusAndHeadersParser.make_warc_id(),
        "WARC-Date": date,
        **(extra or {}),
        "WARC-Block-Digest": label,
        "WARC-Payload-Digest": label,
    }
    return _BUILDER.create_warc_record(
        uri,
        rec_type,
        payload=stream,
        length=length,
        warc_content_type=content_type,
        warc_headers_dict=headers,
    )


def serialize(records: list[Any]) -> tuple[bytes, list[tuple[int, int]]]:
    """Gzip each record as its own member; return the bytes and each (offset, length)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
    spans = []
    for record in records:
        start = buffer.tell()
        writer.write_record(record)
        spans.append((start, buffer.tell() - start))
    return buffer.getvalue(), spans


def warcinfo_bytes(filename: str, info: Mapping[str, Any]) -> bytes:
    """A gzipped ``warcinfo`` record to start a WARC file with."""
    fields = {**info, "format": "WARC File Format 1.1", "conformsTo": _WARC_1_1}
    date, name = warc_date(datetime.now(UTC)), {"WARC-Filename": filename}
    ctype = "application/warc-fields"
    record = build_record("", "warcinfo", warc_fields(fields), date, content_type=ctype, extra=name)
    return serialize([record])[0]
