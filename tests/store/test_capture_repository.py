"""The capture repository: captures stored and read back (timezone-aware), imported files
recognised by hash, documents looked up by id prefix; every read takes ``visibility``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from narcwatch.store.captures import CaptureRepository, StoredCapture
from narcwatch.store.visibility import Visibility
from tests.store.test_store import finding

WHEN = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
EVERYONE = Visibility(organisation=None)


def capture(
    doc_id: str | None, n: int = 0, *, kind: str = "crawl", job: str = "j"
) -> StoredCapture:
    return StoredCapture(
        doc_id=doc_id,
        job=job,
        kind=kind,
        url=f"https://shop.example/{n}",
        warc_path=f"{job}/x.warc.gz",
        offset=100 * n,
        length=90,
        record_id=f"<urn:uuid:{n}>",
        payload_sha256=f"{n:064x}",
        status=200 if kind == "crawl" else None,
        captured_at=WHEN,
    )


def test_captures_round_trip_with_aware_times(store):
    repo = CaptureRepository(store)
    assert repo.add([capture("a" * 64, 1), capture("a" * 64, 2), capture(None, 3)]) == 3
    (back, *_rest) = repo.all()
    assert back.pk is not None and back.captured_at == WHEN and back.captured_at.tzinfo
    assert back == replace(capture("a" * 64, 1), pk=back.pk)
    assert [c.offset for c in repo.all()] == [100, 200, 300]
    assert repo.all(visibility=EVERYONE) == repo.all()


def test_of_documents_oldest_first_and_in_chunks(store):
    repo = CaptureRepository(store)
    ids = [f"{n:064x}" for n in range(1, 1201)]  # more than one IN (...) of 500
    repo.add(capture(doc, n) for n, doc in enumerate(ids, 1))
    repo.add([capture(ids[0], 5000)])
    found = repo.of_documents([*ids, "f" * 64], visibility=EVERYONE)
    assert len(found) == len(ids) and "f" * 64 not in found
    assert [c.offset for c in found[ids[0]]] == [100, 500000]


def test_all_of_one_job(store):
    repo = CaptureRepository(store)
    repo.add([capture("a" * 64, 1, job="one"), capture("b" * 64, 2, job="two")])
    assert [c.doc_id for c in repo.all(job="two")] == ["b" * 64]


def test_an_imported_file_is_found_by_its_hash_only_as_a_whole_file(store):
    repo = CaptureRepository(store)
    doc = capture("a" * 64, 7, kind="import")
    whole = capture(None, 7, kind="import")
    crawled = capture(None, 8)
    repo.add([doc, crawled])
    assert repo.imported_file(f"{7:064x}") is None  # a document's row is not the file's
    assert repo.imported_file(f"{8:064x}") is None  # a crawl is not an import
    repo.add([whole])
    found = repo.imported_file(f"{7:064x}", visibility=EVERYONE)
    assert found is not None and found.doc_id is None and found.kind == "import"


def test_document_lookups(store):
    store.save([finding(n, url=f"https://shop.example/{n}") for n in (0x1A0, 0x1A1, 0x2B0)])
    repo = CaptureRepository(store)
    prefix = f"{0x1A0:064x}"[:63]
    assert sorted(repo.doc_ids_starting(prefix, limit=5)) == [f"{0x1A0:064x}", f"{0x1A1:064x}"]
    assert repo.doc_ids_starting(prefix, limit=1, visibility=EVERYONE) in (
        [f"{0x1A0:064x}"],
        [f"{0x1A1:064x}"],
    )
    assert repo.recent_doc_ids(limit=2) == [f"{0x2B0:064x}", f"{0x1A1:064x}"]
    rows = repo.document_findings([f"{0x2B0:064x}", "0" * 64], visibility=EVERYONE)
    ((url, data),) = rows
    assert url == "https://shop.example/688" and data["doc"]["id"] == f"{0x2B0:064x}"
    assert data["selectors"][0]["type"] == "telegram"
