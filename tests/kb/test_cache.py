"""The knowledge-base cache: used when the data is unchanged, rebuilt when it changes."""

import shutil

from narcwatch.kb.cache import cached, data_digest
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
    data_digest.cache_clear()
    assert cached("thing", root, build) == {"built": 2}


def test_unreadable_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("NARCWATCH_HOME", str(tmp_path / "home"))
    root = data_dir()
    cached("other", root, lambda: 1)
    for f in (tmp_path / "home" / "cache").glob("other-*.pickle"):
        f.write_bytes(b"not a pickle")
    assert cached("other", root, lambda: 2) == 2
