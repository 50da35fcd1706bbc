"""Database jobs: the schema's revision, and migrating it (``narcwatch db``).

Every command that writes migrates its store on opening; a server operator runs
``db upgrade`` explicitly at deployment (before starting several workers) and ``db status``
to see where a database stands, without changing it.
"""

from __future__ import annotations

from narcwatch.jobs.context import Context
from narcwatch.results.db import SchemaStatus
from narcwatch.store.schema import display_url, head_revisions, schema_revisions

__all__ = ["db_status", "db_upgrade"]


def _status(url: str, revisions: set[str] | None) -> SchemaStatus:
    head = ",".join(sorted(head_revisions()))
    revision = ",".join(sorted(revisions)) if revisions else None
    return SchemaStatus(
        database=display_url(url),
        exists=revisions is not None,
        revision=revision,
        head=head,
        at_head=revision == head,
    )


def db_status(ctx: Context) -> SchemaStatus:
    """Where the context's database stands; reads only."""
    return _status(ctx.database_url, schema_revisions(ctx.database_url))


def db_upgrade(ctx: Context) -> SchemaStatus:
    """Create or migrate the context's database to the head revision (idempotent)."""
    before = schema_revisions(ctx.database_url)
    with ctx.open_store():
        pass  # opening migrates, under the cross-process migration lock
    after = _status(ctx.database_url, schema_revisions(ctx.database_url))
    previous = ",".join(sorted(before)) if before else None
    if previous != after.revision:
        after.upgraded_from = previous or "none"
    return after
