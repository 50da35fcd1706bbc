"""The knowledge-base cache: used when the data is unchanged, rebuilt when it changes."""

import shutil

from narcwatch.kb.cache import cached, clear_digests
from narcwatch.kb.loader import data_dir


def test_cache_hit_and_invalidation(tmp_path, monkeypatch):
    monkeypatch.setenv("NARCWATCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NARCWATCH_NO_CACHE", raising=False)
    root = tmp_path / "kb"
    shutil.copytree(data_dir(), root)
    calls = []

    def build():
        calls.append(1)
        return {"built": len(calls)}

    assert cached("thing", root, build) == {"built": 1}
    assert cached("thing", root, build) == {"built": 1}  # from disk
    assert len(calls) == 1
    (root / "units.yaml").write_text((root / "units.yaml").read_text() + "\n# edited\n")
    clear_digests()
    assert cached("thing", root, build) == {"built": 2}


def test_unreadable_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("NARCWATCH_HOME", str(tmp_path / "home"))
    root = data_dir()
    cached("other", root, lambda: 1)
    for f in (tmp_path / "home" / "cache").glob("other-*.pickle"):
        f.write_bytes(b"not a pickle")
    assert cached("other", root, lambda: 2) == 2


def test_a_poisoned_cache_does_not_fail_a_scan(tmp_path, monkeypatch):
    """An entry that unpickles into something the code cannot use (written by another build)
    is rebuilt on the first use: every document is still analysed."""
    import pickle

    from narcwatch.analyze.pipeline import Pipeline
    from narcwatch.analyze.substances import default_matchers
    from narcwatch.ingest.base import RawDocument

    monkeypatch.setenv("NARCWATCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NARCWATCH_NO_CACHE", raising=False)
    default_matchers.cache_clear()
    try:
        default_matchers()  # writes the real entry
        files = list((tmp_path / "home" / "cache").glob("matchers-*.pickle"))
        assert len(files) == 1
        # Incompatible: unpickles fine, fails when used (as a pickle of another build did).
        files[0].write_bytes(pickle.dumps({"terms": "slice indices must be integers"}))
        default_matchers.cache_clear()
        text = "Selling pure cocaine, 1g for 80 EUR"
        doc = Pipeline().analyze(RawDocument(text, "s", "l", text.encode()))
        assert [h.id for h in doc.substances] == ["cocaine"]
        # ... and the entry on disk was rewritten with a working one.
        default_matchers.cache_clear()
        assert default_matchers().terms.size > 1000
    finally:
        default_matchers.cache_clear()


def test_cache_key_knows_the_code_and_libraries(monkeypatch):
    from narcwatch.kb import cache

    cache.clear_digests()
    before = cache.data_digest(data_dir())
    monkeypatch.setattr(cache, "_PICKLED_LIBRARIES", (*cache._PICKLED_LIBRARIES, "pytest"))
    cache.clear_digests()
    assert cache.data_digest(data_dir()) != before
    cache.clear_digests()
