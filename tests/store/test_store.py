"""Saving findings: idempotent by hash, versioned by identity, atomic per batch."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from narcwatch.errors import StoreError
from narcwatch.model import DocumentMeta, Finding, SelectorHit, SubstanceHit
from narcwatch.store import Store, doc_key
from narcwatch.store.tables import Base, DocumentRow


def finding(n: int, *, source_id: str | None = None, offer: bool = False, **doc) -> Finding:
    meta = DocumentMeta(
        id=f"{n:064x}",
        source="f.jsonl",
        location=f"line {n}",
        source_id=source_id,
        platform=doc.pop("platform", "telegram"),
        **doc,
    )
    return Finding(
        doc=meta,
        offer=offer,
        substances=[
            SubstanceHit(
                id="heroin",
                name="Heroin",
                matched="heroin",
                span=(0, 6),
                control=["1961-I", "1961-IV"],
                category="opioid",
            )
        ],
        selectors=[
            SelectorHit(type="telegram", value=f"shop{n % 2}", matched="@shop", span=(7, 12))
        ],
    )


def test_add_then_idempotent(store):
    batch = [finding(1), finding(2)]
    first = store.save(batch)
    assert (first.added, first.unchanged, first.new_versions) == (2, 0, 0)
    again = store.save(batch)
    assert (again.added, again.unchanged, again.new_versions) == (0, 2, 0)
    assert len(list(store.findings())) == 2


def test_changed_content_is_a_new_version_and_the_old_one_is_kept(store):
    store.save([finding(1, source_id="m-1")])
    result = store.save([finding(2, source_id="m-1")])
    assert (result.added, result.new_versions) == (0, 1)
    latest = list(store.findings())
    assert [f.doc.id for f in latest] == [f"{2:064x}"]
    assert len(list(store.findings(latest_only=False))) == 2
    with store.session() as s:
        versions = sorted((r.version, r.is_latest) for r in s.query(DocumentRow))
    assert versions == [(1, False), (2, True)]


def test_duplicates_inside_one_batch(store):
    result = store.save(
        [finding(1), finding(1), finding(2, source_id="k"), finding(3, source_id="k")]
    )
    assert (result.added, result.unchanged, result.new_versions) == (2, 1, 1)


def test_a_failing_batch_stores_nothing(store, monkeypatch):
    store.save([finding(1)])
    import narcwatch.store as store_module

    real = store_module._selector_hits
    calls = {"n": 0}

    def boom(f, pk):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("crash in the middle of a batch")
        return real(f, pk)

    monkeypatch.setattr(store_module, "_selector_hits", boom)
    with pytest.raises(RuntimeError):
        store.save([finding(2), finding(3)])
    assert [f.doc.id for f in store.findings()] == [f"{1:064x}"]


def test_finding_round_trips(store):
    f = finding(5, source_id="x", offer=True, url="http://a.onion/p", title="T")
    store.save([f])
    (back,) = store.findings()
    assert back == f


def test_migrations_match_the_models(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"source_id": "42"}, "id:telegram:42"),
        ({"url": "http://x/y"}, "url:http://x/y"),
        ({}, "at:f.jsonl:line 1"),
    ],
)
def test_document_identity(kwargs, key):
    assert doc_key(finding(1, **kwargs)) == key


def test_bad_url_is_a_store_error():
    with pytest.raises(StoreError, match="not a database URL"):
        Store.open("::nonsense::")


def test_unreachable_database_is_a_store_error():
    with pytest.raises(StoreError, match="cannot open the store"):
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")


def test_open_names_the_database_and_why_it_cannot_be_opened(tmp_path):
    folder = tmp_path / "narcwatch.db"
    folder.mkdir()
    with pytest.raises(StoreError, match=f"cannot open the database {folder}: it is a directory"):
        Store.open(f"sqlite:///{folder}")
    blocker = tmp_path / "file"
    blocker.write_text("")
    db = blocker / "narcwatch.db"
    with pytest.raises(StoreError, match=f"cannot open the database {db}: {blocker} is not a dir"):
        Store.open(f"sqlite:///{db}")
