"""Fixtures of the link tests: a store (SQLite and PostgreSQL, as the store tests), and the
synthetic market of ``market.py`` in it."""

from __future__ import annotations

import pytest

from tests.link.market import market_docs
from tests.store.conftest import pg_url, store  # noqa: F401  (the same stores)


@pytest.fixture
def market(store):  # noqa: F811  (pytest injects the imported fixture)
    docs = market_docs()
    store.save(list(docs.values()))
    return store, {k: f.doc.id for k, f in docs.items()}
