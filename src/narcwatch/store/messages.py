"""Messages about an incident between its organisation and one other (issue 17).

A thread is (incident, ``thread_org``): the owner and that organisation read it, nobody
else, whatever the incident's TLP. Reads take a :class:`Visibility` like every read and
filter on it here; who may *write* where is the job's (:mod:`narcwatch.jobs.share`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from narcwatch.results.share import Message
from narcwatch.store.audit import Event, run_audited, utc
from narcwatch.store.share_tables import IncidentRow, MessageRow
from narcwatch.store.visibility import Visibility

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

__all__ = ["MessageRepository"]


class MessageRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def post(
        self, incident_pk: int, thread_org: str, sender_org: str, sender: str, body: str,
        event: Event,
    ) -> int:  # fmt: skip
        now = datetime.now(UTC)

        def write(session: Session) -> int:
            row = MessageRow(
                incident_pk=incident_pk,
                thread_org=thread_org,
                sender_org=sender_org,
                sender=sender,
                body=body,
                created=now,
            )
            session.add(row)
            session.flush()
            return row.pk

        pk: int = run_audited(self.store, event, write)
        return pk

    def has_thread(self, incident_pk: int, thread_org: str) -> bool:
        with self.store.session() as session:
            query = select(MessageRow.pk).where(
                MessageRow.incident_pk == incident_pk, MessageRow.thread_org == thread_org
            )
            return session.scalar(query.limit(1)) is not None

    def read(
        self, incident_pk: int, *, visibility: Visibility, show_incident: bool,
        thread_org: str | None = None,
    ) -> list[Message]:  # fmt: skip
        """The messages of incident ``incident_pk`` the reader may read (its own thread;
        every thread when it owns the incident), oldest first; ``thread_org`` narrows to
        one thread. ``show_incident``: whether the reader may see the incident's id."""
        query = (
            select(MessageRow, IncidentRow.id)
            .join(IncidentRow, IncidentRow.pk == MessageRow.incident_pk)
            .where(MessageRow.incident_pk == incident_pk)
            .order_by(MessageRow.pk)
        )
        if visibility.organisation is not None:
            query = query.where(
                or_(
                    MessageRow.thread_org == visibility.organisation,
                    IncidentRow.org == visibility.organisation,
                )
            )
        if thread_org is not None:
            query = query.where(MessageRow.thread_org == thread_org)
        with self.store.session() as session:
            rows = session.execute(query).all()
        return [
            Message(
                id=m.pk,
                incident=incident_id if show_incident else None,
                thread_org=m.thread_org,
                sender_org=m.sender_org,
                sender=m.sender,
                body=m.body,
                created=utc(m.created),
            )
            for m, incident_id in rows
        ]
