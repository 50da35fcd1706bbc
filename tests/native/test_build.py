"""Which build runs, and the knowledge-base cache that knows it: native and pure-Python
builds (and two builds of the extension) never share a cache file."""

from __future__ import annotations

import types

import pytest

from narcwatch import _native
from narcwatch.kb import cache
from narcwatch.kb.loader import data_dir


def _fake_build(tmp_path, content: bytes) -> types.ModuleType:
    so = tmp_path / f"fake-{len(content)}.so"
    so.write_bytes(content)
    module = types.ModuleType("narcwatch._native._speedups")
    module.__file__ = str(so)
    return module


def test_the_build_is_in_the_cache_key(tmp_path, monkeypatch):
    root = data_dir()
    monkeypatch.setattr(_native, "speedups", None)
    pure = cache.data_digest(root)
    monkeypatch.setattr(_native, "speedups", _fake_build(tmp_path, b"build one"))
    one = cache.data_digest(root)
    monkeypatch.setattr(_native, "speedups", _fake_build(tmp_path, b"build two!"))
    two = cache.data_digest(root)
    assert len({pure, one, two}) == 3
    monkeypatch.setattr(_native, "speedups", None)
    assert cache.data_digest(root) == pure  # the same build finds its own entries


def test_native_and_pure_builds_write_separate_entries(tmp_path, monkeypatch, native_built):
    monkeypatch.setenv("NARCWATCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NARCWATCH_NO_CACHE", raising=False)
    root = data_dir()
    with _native.use_native(True):
        assert cache.cached("thing", root, lambda: "native") == "native"
    with _native.use_native(False):
        assert cache.cached("thing", root, lambda: "pure") == "pure"  # not the native entry
    with _native.use_native(True):
        assert cache.cached("thing", root, lambda: "rebuilt") == "native"  # its own entry
    assert len(list((tmp_path / "home" / "cache").glob("thing-*.pickle"))) == 2


def test_version_says_which_build_runs(cli, monkeypatch):
    monkeypatch.setattr(_native, "speedups", None)
    result = cli("--version")
    assert result.code == 0
    assert result.stdout.strip().endswith("(native: no, pure)")


def test_version_says_native_when_it_runs(cli, native_built):
    with _native.use_native(True):
        result = cli("--version")
    assert "(native: yes, native-" in result.stdout


@pytest.mark.parametrize("value", ["0"])
def test_environment_turns_it_off(value):
    import os
    import subprocess
    import sys

    code = "from narcwatch import _native; print(_native.in_use(), _native.build_id())"
    env = {**os.environ, "NARCWATCH_NATIVE": value}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "pure"]
