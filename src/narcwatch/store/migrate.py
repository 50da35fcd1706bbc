"""Run the packaged Alembic migrations programmatically (no alembic.ini at run time).

Two processes opening a new store at once (two scans into a fresh home) must not both
create the tables: the first to arrive migrates while the other waits, then finds the
schema at head. SQLite has no lock that spans DDL, so a lock file beside the database
serialises the upgrade; PostgreSQL takes a transaction-scoped advisory lock.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: object | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


# Any constant: the advisory lock narcwatch's migrations take on PostgreSQL.
_PG_LOCK = 0x6E617263


def upgrade(engine: Engine, revision: str = "head", *, lock_file: Path | None = None) -> None:
    """Bring the schema to ``revision`` (creates it on an empty database). ``lock_file``
    (SQLite: beside the database) serialises concurrent upgrades across processes."""
    if revision == "head" and _at_head(engine):
        return  # the common case: nothing to do, no lock to take
    if lock_file is not None:
        try:
            lock = FileLock(lock_file, timeout=120)
            with lock:
                _upgrade(engine, revision)
            return
        except PermissionError:
            pass  # a read-only directory: nobody else can be writing the schema there
    _upgrade(engine, revision)


def head_revisions() -> set[str]:
    """The revisions the packaged migrations end at (one, unless they branch)."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """The revisions the database is at (empty: no narcwatch schema yet)."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def _at_head(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()


def _upgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        command.upgrade(alembic_config(connection), revision)
