"""Sharing-server fixtures: every server test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (trust auth, database ``test``); each test
gets a schema of its own (``search_path`` in the URL), so parallel workers never meet.
Without a reachable server the PostgreSQL cases fail under CI (``CI`` set) and are
skipped with the reason otherwise.

``hub`` is a server with three organisations: A and B in sharing group ``AB``, C alone;
users ``a`` (A, analyst), ``a_reader`` (A, reader), ``b`` (B, analyst), ``c`` (C,
analyst), each with a token (``hub.headers["b"]``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from narcwatch.jobs.context import Context
from narcwatch.jobs.share import Caller, ShareService
from tests.conftest import PG_HOST, PG_PORT, require_postgres

PG_DB = "test"
PASSWORD = "a long test password"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'share.db'}"
        return
    require_postgres()
    import psycopg

    schema = f"nw_{uuid.uuid4().hex[:12]}"
    conninfo = f"host={PG_HOST} port={PG_PORT} user=postgres dbname={PG_DB}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield (
        f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{PG_DB}"
        f"?options=-csearch_path%3D{schema}"
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@dataclass
class Hub:
    service: ShareService
    ctx: Context
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, dict[str, str]]:
        return {who: {"Authorization": f"Bearer {t}"} for who, t in self.tokens.items()}

    def caller(self, who: str) -> Caller:
        return self.service.authenticate(self.tokens[who])


USERS = {"a": ("A", "analyst"), "a_reader": ("A", "reader"), "b": ("B", "analyst"),
         "c": ("C", "analyst")}  # fmt: skip


@pytest.fixture
def hub(db_url: str, tmp_path: Path):
    ctx = Context.build(home=tmp_path / "home", db=db_url)
    service = ShareService.open(ctx)
    for org in ("A", "B", "C"):
        service.create_org(org, contact=f"desk@{org.lower()}.example")
    service.create_group("AB", ["A", "B"])
    found = Hub(service, ctx)
    for who, (org, role) in USERS.items():
        email = f"{who}@{org.lower()}.example"
        service.create_user(email, org, role, PASSWORD)
        found.tokens[who] = service.create_token(email).token
    yield found
    service.close()


@pytest.fixture
def client(hub: Hub):
    from fastapi.testclient import TestClient

    from narcwatch.server import ServerSettings, create_app

    app = create_app(ServerSettings(poll_seconds=0.05, webhook_seconds=0), service=hub.service)
    with TestClient(app) as c:
        yield c


def draft(**fields: object) -> dict[str, object]:
    """An incident body: an online offer, AMBER, with fields overridden."""
    body: dict[str, object] = {"kind": "online_offer", "title": "offer", "tlp": "AMBER"}
    body.update(fields)
    return body


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its minimum cost: the tests check the flow, not the work factor (the
    defaults cost ~0.1 s a hash, times four users per test, times two databases)."""
    from argon2 import PasswordHasher

    from narcwatch.share import credentials

    monkeypatch.setattr(
        credentials, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
