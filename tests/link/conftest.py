"""Fixtures of the link tests: a store, and the synthetic market of ``market.py`` in it."""

from __future__ import annotations

import pytest

from narcwatch.store import Store
from tests.link.market import market_docs


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'n.db'}")
    yield s
    s.close()


@pytest.fixture
def market(store):
    docs = market_docs()
    store.save(list(docs.values()))
    return store, {k: f.doc.id for k, f in docs.items()}
