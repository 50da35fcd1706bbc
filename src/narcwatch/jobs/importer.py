"""The import job: archive an analyst's files as evidence, scan them, store, link.

Each file is archived whole (``<archive root>/import-<job>/``), logged in the chain of
custody, read back from the archived record and analysed with the context's pipeline
(region, threshold, knowledge base: the same as ``scan``), stored, and pointed at by a
capture per document; then the new documents are linked into actors::

    ctx = Context.build(home="~/cases/op-lotus", region="DE")
    summary = import_job(ctx, ["exports/result.json"], job="case-1")

A file imported before (same SHA-256) is not archived or scanned again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from narcwatch.errors import InputError, UsageError
from narcwatch.evidence.imports import archive_file, archived_items, document_captures
from narcwatch.evidence.warc import WarcWriter
from narcwatch.ingest.base import RawDocument, readers
from narcwatch.ingest.sources import walk_files
from narcwatch.jobs.context import Context
from narcwatch.jobs.scan import consume
from narcwatch.model import Finding
from narcwatch.results.evidence import ImportFile, ImportSummary
from narcwatch.store.captures import CaptureRepository

if TYPE_CHECKING:
    from narcwatch.analyze.pipeline import Pipeline

__all__ = ["default_import_job", "import_files", "import_job"]


def default_import_job() -> str:
    """Today's UTC date: one import job (and WARC directory) a day unless named."""
    return datetime.now(UTC).strftime("%Y%m%d")


def import_files(inputs: Iterable[str]) -> Iterator[Path | InputError]:
    """Files to import: each argument, directories walked as ``narcwatch scan`` walks them."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from walk_files(path)
        elif path.is_file():
            yield path
        elif path.exists():
            yield InputError(item, None, "not a regular file")
        else:
            yield InputError(item, None, "cannot open: No such file or directory")


def _analysed(
    items: Iterable[RawDocument | InputError], pipeline: Pipeline
) -> Iterator[Finding | InputError]:
    for item in items:
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield pipeline(item)
        except Exception as exc:  # a bug on one document must not end the import
            yield InputError(item.source, item.location, f"analysis failed: {exc!r}")


def _remember(docs: dict[str, str], finding: Finding) -> None:
    docs.setdefault(finding.doc.id, finding.doc.location)


def import_job(
    ctx: Context,
    inputs: Sequence[str],
    *,
    input_format: str | None = None,
    job: str | None = None,
    link: bool = True,
    on_file: Callable[[ImportFile], None] | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> ImportSummary:
    """Import ``inputs`` (files and directories); ``on_file`` hears how each file went,
    ``on_error`` each bad record inside a file. Links the new documents into actors unless
    ``link`` is false."""
    if input_format is not None and input_format not in readers():
        raise UsageError(
            f"unknown --input-format {input_format!r}",
            value=input_format,
            options=sorted(readers()),
        )
    job = job or default_import_job()
    writer = WarcWriter(ctx.archive_root / f"import-{job}", job=f"import-{job}")
    summary = ImportSummary(job=job)
    custody = ctx.custody()
    pipeline: Pipeline | None = None

    def done(item: ImportFile) -> None:
        summary.files.append(item)
        if on_file is not None:
            on_file(item)

    with ctx.open_store() as store, writer:
        captures = CaptureRepository(store)
        for item in import_files(inputs):
            if isinstance(item, InputError):
                summary.failed += 1
                done(ImportFile(path=item.source, outcome="failed", error=str(item)))
                continue
            try:
                archived = archive_file(
                    item,
                    writer=writer,
                    custody=custody,
                    captures=captures,
                    archive=ctx.archive_root,
                    input_format=input_format,
                )
                if archived is None:
                    summary.already += 1
                    done(ImportFile(path=str(item), outcome="already"))
                    continue
                docs: dict[str, str] = {}  # document id -> its location in the file
                pipeline = pipeline or ctx.pipeline()
                with archived_items(archived, input_format) as items:
                    scanned = consume(
                        _analysed(items, pipeline),
                        store=store,
                        on_finding=[partial(_remember, docs)],
                        on_error=[on_error] if on_error else [],
                    )
                captures.add(document_captures(archived, docs, job))
            except InputError as err:
                summary.failed += 1
                done(ImportFile(path=str(item), outcome="failed", error=str(err)))
                continue
            except OSError as err:
                summary.failed += 1
                reason = f"{item}: cannot read: {err.strerror or err}"
                done(ImportFile(path=str(item), outcome="failed", error=reason))
                continue
            summary.imported += 1
            summary.documents += scanned.documents
            summary.errors += scanned.errors
            summary.stored_added += scanned.stored_added
            done(
                ImportFile(
                    path=str(item),
                    outcome="imported",
                    sha256=archived.sha256,
                    documents=scanned.documents,
                    errors=scanned.errors,
                    stored_added=scanned.stored_added,
                )
            )
        if link and summary.documents:
            from narcwatch.link import Linker

            summary.linked = Linker(store).link().summary()
    return summary
