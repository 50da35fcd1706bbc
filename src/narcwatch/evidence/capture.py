"""Where a captured payload lives in the archive: the record a crawl or import wrote."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from narcwatch.evidence.records import parse_warc_date, warc_date


@dataclass(frozen=True)
class Capture:
    """Where one captured payload lives: enough to re-read and re-check it."""

    warc_path: str
    offset: int  # start of the response/resource record (its gzip member) in the file
    length: int  # bytes of that gzip member
    record_id: str
    payload_sha256: str  # hex SHA-256 of the body
    block_digest: str  # "sha256:<base32>" as in WARC-Block-Digest
    url: str
    captured_at: datetime
    status: int | None = None
    record_type: str = "response"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["captured_at"] = warc_date(self.captured_at)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Capture:
        values = dict(data)
        values["captured_at"] = parse_warc_date(str(values["captured_at"]))
        return cls(**values)


def file_sha256(path: Path, chunk: int = 1 << 20) -> bytes:
    """The SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.digest()
