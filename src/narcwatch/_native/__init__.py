"""The native fast path: C versions of the scan's hot loops, pure Python as the reference.

``_speedups.c`` holds C versions of a few loops (ASCII normalization, the matcher's word
view, the offer model's word features, the language detector's stop-word counts, the
quantity reader's number scan, and the selectors' candidate scans: onion hosts, URLs and
their parts, host names, platform and context literals). Each is called from the module
that holds its Python reference, which checks :data:`speedups` at call time and runs the
Python code when it is None: no compiler at install time, a failed build, or
``NARCWATCH_NATIVE=0`` in the environment. Both give the same findings (``tests/native/``
runs them side by side).

:func:`build_id` names the build in use, so caches written by one build are never read by
another (``kb/cache.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from types import ModuleType


def _load() -> ModuleType | None:
    try:
        from narcwatch._native import _speedups  # type: ignore[attr-defined]
    except Exception:  # not built, or a broken build (half-written by a reinstall): pure Python
        return None
    return _speedups


# The compiled module, whether or not it is in use, and the one in use (None: pure Python).
BUILT: ModuleType | None = _load()
speedups: ModuleType | None = None if os.environ.get("NARCWATCH_NATIVE") == "0" else BUILT


def in_use() -> bool:
    """Whether the native fast path runs in this process."""
    return speedups is not None


@contextmanager
def use_native(on: bool) -> Iterator[bool]:
    """Run the block with the native path on or off (tests and benchmarks compare both);
    yields whether it is on (it cannot be when the module was not built)."""
    global speedups
    before = speedups
    speedups = BUILT if on else None
    try:
        yield speedups is not None
    finally:
        speedups = before


@lru_cache(maxsize=2)
def _file_digest(path: str) -> str:
    import hashlib

    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:16]


def build_id() -> str:
    """``native-<digest of the compiled module>`` when the native path is in use, else
    ``pure``: a rebuilt extension is another build."""
    if speedups is None:
        return "pure"
    path = getattr(speedups, "__file__", None)
    return f"native-{_file_digest(path)}" if path else "native"
