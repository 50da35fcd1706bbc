"""On-disk cache of what is slow to build from the knowledge base (parsed and validated
entries, compiled matchers): ~1.1 s from YAML, ~0.1 s from the cache.

Entries live under ``HOME/cache`` named by a digest of every data file, of the modules whose
classes are pickled, of the narcwatch, Python and library versions, and of the build in use
(pure Python, or the native fast path and a digest of its compiled module: ``data_digest``),
so an edited file, a code change, an upgrade or another build rebuilds them; an entry that
fails its smoke check after loading is rebuilt too; a cache that cannot be read or written is
ignored (the build result is used directly). The files are pickles written by
this user into this user's home, and read only from there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from narcwatch import __version__, _native

T = TypeVar("T")


# Libraries whose objects end up inside the pickles (an automaton, numpy arrays, pydantic
# models): another version may unpickle into something that fails later, mid-scan.
_PICKLED_LIBRARIES = ("pyahocorasick", "pydantic", "pydantic-core", "numpy")


def data_digest(root: Path) -> str:
    """Digest of the data files, of every module of the packages whose classes are pickled
    (``kb`` and ``analyze``), of the interpreter and library versions, and of the build in
    use (``_native.build_id()``: native and pure-Python builds never share an entry)."""
    return _digest(root, _native.build_id())


def clear_digests() -> None:
    """Forget the digests computed so far (after data files were edited in place)."""
    _digest.cache_clear()


@lru_cache(maxsize=8)
def _digest(root: Path, build: str) -> str:
    import sys
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256(__version__.encode())
    h.update(build.encode())
    h.update(sys.version.encode())
    for lib in _PICKLED_LIBRARIES:
        with contextlib.suppress(PackageNotFoundError):
            h.update(f"{lib}={version(lib)}".encode())
    pkg = Path(__file__).parent.parent
    sources = sorted([*pkg.glob("kb/*.py"), *pkg.glob("analyze/*.py"), pkg / "model.py"])
    for path in [*sorted(root.rglob("*.yaml")), *sources]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def cached(
    name: str, root: Path, build: Callable[[], T], check: Callable[[T], object] | None = None
) -> T:
    """``build()``'s result, from the cache when the data under ``root`` is unchanged.

    ``check`` is run on what the cache gave (a smoke test: match a known term); when it
    raises or returns a false value, the entry is rebuilt and written again. A cache that
    cannot be read, unpickled or written is never an error: the build result is used."""
    if os.environ.get("NARCWATCH_NO_CACHE"):
        return build()
    try:
        from narcwatch.settings import cache_dir

        path = cache_dir() / f"{name}-{data_digest(root)}.pickle"
    except OSError:
        return build()
    try:
        with path.open("rb") as fh:
            value = pickle.load(fh)
        if check is None or check(value):
            return value
    except Exception:
        pass
    value = build()
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return value
