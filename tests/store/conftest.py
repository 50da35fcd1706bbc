"""Store fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (trust auth). Each test session makes its own
database and drops it afterwards. Without a reachable server the PostgreSQL cases fail
under CI (``CI`` set) and are skipped with the reason otherwise.
"""

import uuid

import pytest

from narcwatch.store import Store
from tests.conftest import PG_HOST, PG_PORT, require_postgres


@pytest.fixture(scope="session")
def pg_url():
    require_postgres()
    import psycopg

    name = f"narcwatch_test_{uuid.uuid4().hex[:10]}"
    admin = f"host={PG_HOST} port={PG_PORT} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = Store.open(f"sqlite:///{tmp_path / 'home' / 'narcwatch.db'}")
    else:
        s = Store.open(request.getfixturevalue("pg_url"))
        # A fresh schema per test on the shared session database.
        from narcwatch.store.tables import Base

        Base.metadata.drop_all(s.engine)
        with s.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        s.close()
        s = Store.open(request.getfixturevalue("pg_url"))
    yield s
    s.close()
