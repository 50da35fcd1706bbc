"""On-disk cache of what is slow to build from the knowledge base (parsed and validated
entries, compiled matchers): ~1.1 s from YAML, ~0.1 s from the cache.

Entries live under ``HOME/cache`` named by a digest of every data file and the narcwatch
version, so an edited file or an upgrade rebuilds them; a cache that cannot be read or
written is ignored (the build result is used directly). The files are pickles written by
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

from narcwatch import __version__

T = TypeVar("T")


@lru_cache(maxsize=4)
def data_digest(root: Path) -> str:
    """Digest of the data files and of the code whose objects are pickled."""
    import sys
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256(__version__.encode())
    # A pickle is only as portable as the interpreter and the compiled automaton inside it.
    h.update(sys.version.encode())
    with contextlib.suppress(PackageNotFoundError):
        h.update(version("pyahocorasick").encode())
    code = Path(__file__).parent
    sources = [code / "schema.py", code / "loader.py", code / "matcher.py"]
    sources += [code.parent / "analyze" / n for n in ("substances.py", "normalize.py")]
    for path in [*sorted(root.rglob("*.yaml")), *sources]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def cached(name: str, root: Path, build: Callable[[], T]) -> T:
    """``build()``'s result, from the cache when the data under ``root`` is unchanged."""
    if os.environ.get("NARCWATCH_NO_CACHE"):
        return build()
    try:
        from narcwatch.settings import cache_dir

        path = cache_dir() / f"{name}-{data_digest(root)}.pickle"
    except OSError:
        return build()
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
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
