"""What ``narcwatch evidence``, ``crawl`` and ``import`` report, as typed results.

- :class:`CaptureRecord`: one archived capture of a document and whether it still verifies;
  :class:`EvidenceShow` is ``evidence show``'s document, captures and archived text.
- :class:`VerifyReport`: ``evidence verify``: a check per WARC file, the custody chain,
  the stored captures and a bundle (:class:`WarcCheck`, :class:`CustodyCheck`,
  :class:`CapturesCheck`, :class:`BundleCheck`).
- :class:`ExportSummary`: what ``evidence export`` wrote.
- :class:`CrawlSummary`: how a crawl ended; :class:`ImportSummary` (with an
  :class:`ImportFile` per file): how an import went.

``CaptureRecord`` is the reported view; :class:`narcwatch.evidence.Capture` is where a
record lies in a WARC file, as the archive code uses it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field

from narcwatch.results.base import Record

__all__ = [
    "BadRecord",
    "BundleCheck",
    "CaptureFailure",
    "CaptureRecord",
    "CapturesCheck",
    "ChainBreak",
    "CrawlError",
    "CrawlSummary",
    "CustodyCheck",
    "EvidenceShow",
    "ExportSummary",
    "ImportFile",
    "ImportSummary",
    "VerifyReport",
    "WarcCheck",
]


# -- evidence show ---------------------------------------------------------------------------
class CaptureRecord(Record):
    """One archived capture of a document: where its record lies and whether it verifies."""

    schema_id: ClassVar[str] = "narcwatch.capture/1"
    columns: ClassVar[tuple[str, ...]] = (
        "doc_id", "kind", "job", "url", "captured_at", "status", "warc", "offset", "length",
        "record_id", "payload_sha256", "verifies",
    )  # fmt: skip

    doc_id: str | None
    kind: Literal["crawl", "import"]
    job: str
    url: str
    captured_at: datetime
    status: int | None = None  # the HTTP status of a crawled page
    warc: str  # the WARC file
    offset: int  # of the record's gzip member in the file
    length: int
    record_id: str
    payload_sha256: str
    verifies: bool  # the payload's SHA-256 still matches
    problem: str | None = None  # why it does not verify


class EvidenceShow(Record):
    """A document's captures and its text as read back from the first that verifies."""

    schema_id: ClassVar[str] = "narcwatch.evidence-show/1"
    columns: ClassVar[tuple[str, ...]] = ("doc_id", "captures", "text")

    doc_id: str
    captures: list[CaptureRecord]
    text: str | None = None  # None when no capture verifies
    text_omitted: int = 0  # characters left out past the shown length
    payload_file: str | None = None  # where --html wrote the archived payload


_OPTIONAL_PARTS = ("custody", "captures", "bundle")


# -- evidence verify -------------------------------------------------------------------------
class BadRecord(Record):
    offset: int
    record_id: str | None
    reason: str


class WarcCheck(Record):
    """One WARC file, every digest recomputed."""

    path: str  # relative to HOME/archive when under it
    ok: bool
    records: int
    verified: int  # records whose digests were present and matched
    unverified: int  # records without a digest to check
    failed: int
    first_error: BadRecord | None = None


class ChainBreak(Record):
    line: int
    seq: int | None
    kind: str  # invalid-json | truncated | missing-field | edited | seq-gap | prev-hash-mismatch
    reason: str


class CustodyCheck(Record):
    ok: bool
    path: str
    entries: int  # entries good before the first problem
    head_hash: str
    first_error: ChainBreak | None = None


class CaptureFailure(Record):
    doc_id: str | None
    url: str
    warc: str
    offset: int
    record_id: str | None
    reason: str


class CapturesCheck(Record):
    """Every distinct stored capture's payload hash, re-read from its WARC."""

    ok: bool
    checked: int
    failures: list[CaptureFailure] = Field(default_factory=list)


class BundleCheck(Record):
    path: str
    ok: bool
    records: int
    signed: bool
    signature_valid: bool | None
    trusted_key: bool  # checked with a key the caller supplied
    problems: list[str] = Field(default_factory=list)


class VerifyReport(Record):
    """What ``evidence verify`` checked; ``ok`` when everything did. A part that was not
    asked for (custody and captures without ``--all``, the bundle) is left out."""

    schema_id: ClassVar[str] = "narcwatch.evidence-verify/1"
    columns: ClassVar[tuple[str, ...]] = ("ok", "warcs", "custody", "captures", "bundle")

    ok: bool
    warcs: list[WarcCheck] = Field(default_factory=list)
    custody: CustodyCheck | None = None
    captures: CapturesCheck | None = None
    bundle: BundleCheck | None = None

    def to_json_dict(self) -> dict[str, Any]:
        data = super().to_json_dict()
        for key in _OPTIONAL_PARTS:
            if data.get(key) is None:
                data.pop(key, None)
        return data


# -- evidence export -------------------------------------------------------------------------
class ExportSummary(Record):
    """An evidence bundle written by ``evidence export``."""

    schema_id: ClassVar[str] = "narcwatch.evidence-export/1"
    columns: ClassVar[tuple[str, ...]] = ("output", "documents", "records", "actor", "signed")

    output: str
    documents: list[str]  # exported (each has at least one capture)
    missing: list[str] = Field(default_factory=list)  # asked for, but without a capture
    actor: str | None = None
    records: int  # distinct WARC records copied
    signed: bool
    custody_head: str  # the chain of custody's head hash when the bundle was made
    custody_entries: int


# -- crawl -----------------------------------------------------------------------------------
class CrawlError(Record):
    url: str
    error: str


class CrawlSummary(Record):
    """How a crawl (or one resumed run of it) ended."""

    schema_id: ClassVar[str] = "narcwatch.crawl-summary/1"
    columns: ClassVar[tuple[str, ...]] = (
        "job", "pages", "offers", "errors", "skipped", "queued", "elapsed", "status",
        "stop_reason",
    )  # fmt: skip

    job: str
    pages: int = 0  # archived and analysed in this run
    errors: int = 0
    skipped: int = 0
    offers: int = 0
    queued: int = 0  # left in the frontier
    elapsed: float = 0.0  # seconds
    status: Literal["finished", "stopped"] = "finished"
    stop_reason: str | None = None  # the limit that stopped it
    warc_files: list[str] = Field(default_factory=list)
    error_samples: list[CrawlError] = Field(default_factory=list)  # the first 20
    linked: str | None = None  # the link step's summary line; None when not linked

    def line(self) -> str:
        text = (
            f"job {self.job}: {self.pages} pages archived, {self.offers} offers, "
            f"{self.errors} errors, {self.skipped} skipped, {self.queued} queued "
            f"in {self.elapsed:.1f} s ({self.status}"
        )
        return text + (f": {self.stop_reason})" if self.stop_reason else ")")


# -- import ----------------------------------------------------------------------------------
class ImportFile(Record):
    """One file given to ``narcwatch import``."""

    schema_id: ClassVar[str] = "narcwatch.import-file/1"
    columns: ClassVar[tuple[str, ...]] = (
        "path", "outcome", "documents", "errors", "stored_added", "error",
    )  # fmt: skip

    path: str
    outcome: Literal["imported", "already", "failed"]
    sha256: str | None = None
    documents: int = 0
    errors: int = 0  # bad records inside the file
    stored_added: int = 0
    error: str | None = None  # why the file failed

    def line(self) -> str:
        if self.outcome == "failed":
            return f"{self.error}"
        if self.outcome == "already":
            return f"{self.path}: already imported"
        return f"{self.path}: imported, {self.documents} documents, {self.errors} errors"


class ImportSummary(Record):
    """How an import went: files archived, documents stored, the link step."""

    schema_id: ClassVar[str] = "narcwatch.import-summary/1"
    columns: ClassVar[tuple[str, ...]] = (
        "job", "imported", "already", "failed", "documents", "stored_added", "errors",
    )  # fmt: skip

    job: str
    imported: int = 0
    already: int = 0
    failed: int = 0
    documents: int = 0
    errors: int = 0
    stored_added: int = 0
    linked: str | None = None  # the link step's summary line; None when not linked
    files: list[ImportFile] = Field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.imported} files imported, {self.already} already imported, "
            f"{self.failed} failed; {self.documents} documents ({self.stored_added} new), "
            f"{self.errors} errors"
        )
