"""The hash-chained audit log, and the transactions the sharing server writes in.

Every write of the sharing server runs in :func:`run_audited`: the change and its audit
entry commit together or not at all. The entry's ``seq`` is the tail's plus one and is
the primary key, so two writers racing for the same tail cannot fork the chain: the
loser's transaction fails on the key and is retried whole on the new tail.

    run_audited(store, Event("cli", None, "org.create", "Customs-FR"),
                lambda session: session.add(OrganisationRow(...)))
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from narcwatch.results.share import AuditEntry
from narcwatch.store.share_tables import AuditRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

__all__ = ["GENESIS", "AuditRepository", "Event", "run_audited", "utc"]

GENESIS = "0" * 64  # the ``prev`` of the first entry
_ATTEMPTS = 8


def utc(value: datetime) -> datetime:
    """Timezone-aware UTC (SQLite hands back naive datetimes stored in UTC; PostgreSQL
    hands them back in the session's time zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(slots=True)
class Event:
    """What an audit entry records: who (user e-mail or ``cli``), their organisation,
    what, on what. ``detail`` is never a secret (no tokens, no passwords)."""

    actor: str
    org: str | None
    action: str
    target: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


# Any constant: the transaction-scoped advisory lock audit appends take on PostgreSQL.
_PG_AUDIT_LOCK = 0x6E776175


def _append(session: Session, event: Event, now: datetime) -> AuditEntry:
    if session.get_bind().dialect.name == "postgresql":
        # Writers queue for the chain's tail (held until commit, which follows at once)
        # instead of racing for it and retrying: 50 concurrent writers exhausted the
        # retries. SQLite needs none: the transaction holds the database's write lock.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    tail = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    seq, prev = (tail[0] + 1, tail[1]) if tail else (1, GENESIS)
    entry = AuditEntry(
        seq=seq,
        at=now,
        actor=event.actor,
        org=event.org,
        action=event.action,
        target=event.target,
        detail=event.detail,
        prev=prev,
    )
    entry = entry.model_copy(update={"hash": entry.chain_hash()})
    session.add(
        AuditRow(
            seq=seq,
            at=now,
            actor=event.actor[:320],
            org=event.org,
            action=event.action,
            target=event.target[:256] if event.target else None,
            detail=json.dumps(event.detail, sort_keys=True),
            prev=prev,
            hash=entry.hash,
        )
    )
    return entry


def _conflict(exc: Exception) -> bool:
    message = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, IntegrityError):
        return "audit_log" in message or "alerts" in message
    return "locked" in message or "busy" in message or "could not serialize" in message


def run_audited(store: Store, event: Event, body: Any) -> Any:
    """Run ``body(session)`` and append ``event`` in one transaction, retried whole when
    another writer won the race for the chain's tail; returns what ``body`` returned.
    ``body`` may set ``event.detail``/``event.target`` (it runs before the append)."""
    for attempt in range(_ATTEMPTS):
        try:
            with store.session() as session, session.begin():
                result = body(session)
                session.flush()
                _append(session, event, datetime.now(UTC))
            return result
        except (IntegrityError, OperationalError) as exc:
            if attempt + 1 == _ATTEMPTS or not _conflict(exc):
                raise
            # Jitter so racing writers do not collide again in lockstep.
            time.sleep(0.01 * (attempt + 1) * (1 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover


class AuditRepository:
    """Reads of the audit log, oldest first (the admin's; the API serves none)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def entries(self, *, after: int = 0, batch: int = 1000) -> Iterator[AuditEntry]:
        while True:
            with self.store.session() as session:
                rows = list(
                    session.scalars(
                        select(AuditRow)
                        .where(AuditRow.seq > after)
                        .order_by(AuditRow.seq)
                        .limit(batch)
                    )
                )
            for row in rows:
                yield AuditEntry(
                    seq=row.seq,
                    at=utc(row.at),
                    actor=row.actor,
                    org=row.org,
                    action=row.action,
                    target=row.target,
                    detail=json.loads(row.detail),
                    prev=row.prev,
                    hash=row.hash,
                )
            if len(rows) < batch:
                return
            after = rows[-1].seq
