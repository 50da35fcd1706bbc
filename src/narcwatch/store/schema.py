"""What schema a database is at, read without changing it (``narcwatch db status``).

Opening a :class:`~narcwatch.store.Store` migrates as needed; this only looks, so a status
check never creates a database file or upgrades a server's schema behind its operators.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from narcwatch.errors import StoreError
from narcwatch.store.migrate import current_revisions, head_revisions

__all__ = ["display_url", "head_revisions", "schema_revisions"]


def schema_revisions(url: str) -> set[str] | None:
    """The revisions the database at ``url`` is at: empty when it holds no narcwatch
    schema yet, None when it does not exist (a SQLite file that is not there)."""
    parsed = make_url(url)
    file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if file not in (None, "", ":memory:") and not Path(str(file)).is_file():
        return None
    engine = create_engine(url, future=True)
    try:
        return current_revisions(engine)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StoreError(f"cannot read the schema of {parsed!r}: {first}") from None
    finally:
        engine.dispose()


def display_url(url: str) -> str:
    """``url`` as it may be printed: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)
