"""Fixtures of the native fast path's tests: both implementations side by side.

Where the C extension was not built, these tests skip with a reason on a developer's
machine and FAIL under CI (env CI=true): CI must really test the native path.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from narcwatch import _native


@pytest.fixture(scope="session")
def native_built() -> None:
    if _native.BUILT is None:
        message = (
            "the native module narcwatch._native._speedups was not built (no C compiler, or "
            "the build failed: see the pip install output)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI: {message}")
        pytest.skip(message)


def _page_pieces(shared: Path, limit: int) -> Iterator[str]:
    """~1 KB pieces of real darknet page dumps, cut at line ends (as bench_scan.py does)."""
    raw = shared / "choshen-darknet-legal-illegal" / "data" / "raw" / "onion"
    count = 0
    for path in sorted(raw.rglob("*")):
        if not path.is_file():
            continue
        chunk: list[str] = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip():
                chunk.append(line)
            if sum(map(len, chunk)) >= 1000:
                yield "\n".join(chunk)
                chunk = []
                count += 1
                if count >= limit:
                    return


@pytest.fixture(scope="session")
def real_texts() -> list[str]:
    """A deterministic sample of real texts: page pieces, listings, reviews, mail, posts
    (with their non-ASCII letters, emoji, prices and onion addresses)."""
    from tests.conftest import SHARED_DATA as shared_data

    if not shared_data.is_dir():
        pytest.skip(f"shared data not found at {shared_data} (clone with ../shared beside it)")
    rng = random.Random(14)
    pages = list(_page_pieces(shared_data, 6000))
    texts = rng.sample(pages, min(1500, len(pages)))
    corpus = shared_data / "offer-corpus" / "train.jsonl"
    with corpus.open(encoding="utf-8") as fh:
        records = [json.loads(line)["text"] for line in fh]
    texts += [t[:3000] for t in rng.sample(records, min(1500, len(records)))]
    tweets = json.loads((shared_data / "trace-telegram-twitter" / "imgs_0512.json").read_text())
    texts += [t["content"] for t in rng.sample(tweets, min(300, len(tweets))) if t.get("content")]
    return texts
