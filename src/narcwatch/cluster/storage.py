"""Where a cluster's inputs live: local paths (a file system every worker mounts) or
fsspec URLs (``s3://bucket/dumps/``, ``gcs://``, ``abfs://``, ``file://``) where the
library for the scheme is installed (s3fs, gcsfs, adlfs): workers read them directly.

A file is named by what a worker opens: an absolute path, or the full URL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from narcwatch.errors import InputError, UsageError
from narcwatch.ingest.sources import walk_files

__all__ = ["FileStamp", "is_url", "list_inputs", "open_input", "stamp"]


@dataclass(frozen=True, slots=True)
class FileStamp:
    """A planned file as it was: a resumed run refuses to go on over a changed input."""

    path: str
    size: int
    version: str  # modification time in ns, or an object store's version or ETag


def is_url(name: str) -> bool:
    return "://" in name


def _fs(url: str) -> tuple[Any, str]:
    try:
        from fsspec.core import url_to_fs

        return url_to_fs(url)
    except ImportError as exc:  # fsspec itself, or the scheme's library (s3fs...)
        raise UsageError(
            f"cannot read {url}: {exc} (install the fsspec library of its scheme)"
        ) from None
    except ValueError as exc:  # an unknown scheme
        raise UsageError(f"cannot read {url}: {exc}") from None


def list_inputs(item: str) -> tuple[bool, list[tuple[str, str] | InputError]]:
    """Whether ``item`` is a folder, and its files as (what a worker opens, the name a
    scan reports), in the order a plain scan reads them."""
    if not is_url(item):
        path = Path(item)
        if not path.is_dir():
            return False, [(str(path.resolve()), item)]
        files: list[tuple[str, str] | InputError] = []
        for file in walk_files(path):
            files.append(file if isinstance(file, InputError) else (str(file.resolve()), str(file)))
        return True, files
    fs, root = _fs(item)
    try:
        if not fs.isdir(root):
            return False, [(item, item)]
        found = sorted(fs.find(root))
    except OSError as exc:
        return True, [InputError(item, None, f"cannot read: {exc}")]
    out: list[tuple[str, str] | InputError] = []
    for name in found:
        rel = name[len(root) :].strip("/")
        if any(part.startswith(".") for part in rel.split("/")):
            continue  # hidden, as a local walk skips them
        url = fs.unstrip_protocol(name)
        out.append((url, url))
    return True, out


def open_input(path: str) -> BinaryIO:
    """The file ``path`` names, opened for binary reading (OSError when it cannot be)."""
    if not is_url(path):
        return open(path, "rb")
    fs, name = _fs(path)
    return fs.open(name, "rb")


def stamp(path: str) -> FileStamp:
    """Size and version (modification time, or an object store's ETag) of ``path``."""
    if not is_url(path):
        st = os.stat(path)
        return FileStamp(path, st.st_size, str(st.st_mtime_ns))
    fs, name = _fs(path)
    info = fs.info(name)
    version = next(
        (
            str(info[k])
            for k in ("mtime", "LastModified", "last_modified", "ETag", "etag")
            if info.get(k)
        ),
        "",
    )
    return FileStamp(path, int(info["size"]), version)
