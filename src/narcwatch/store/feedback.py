"""Comments and sightings on incidents (sharing server, issue 17).

Every read takes the reader's :class:`Visibility` and joins the incident under the same
rule as :class:`~narcwatch.store.incidents.IncidentRepository` (``visible``): what the
reader may not see, it reads nothing of, not even counts. Writes are audited; who may
write where is the job's (:mod:`narcwatch.jobs.share_feedback`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from narcwatch.results.feedback import Comment, Sighting, SightingKind
from narcwatch.store.audit import Event, run_audited, utc
from narcwatch.store.feedback_tables import CommentRow, SightingRow
from narcwatch.store.incidents import visible
from narcwatch.store.share_tables import IncidentRow
from narcwatch.store.visibility import Visibility

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

__all__ = ["FeedbackRepository"]


def _comment(row: CommentRow, incident_id: str) -> Comment:
    return Comment(
        id=row.pk, incident=incident_id, org=row.org, author=row.author, body=row.body,
        created=utc(row.created),
    )  # fmt: skip


def _sighting(row: SightingRow, incident_id: str) -> Sighting:
    return Sighting(
        id=row.pk, incident=incident_id, org=row.org, author=row.author,
        kind=SightingKind(row.kind), seen=row.seen_on, country=row.country, note=row.note,
        created=utc(row.created),
    )  # fmt: skip


class FeedbackRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- writes (audited) -------------------------------------------------------------
    def add_comment(
        self, incident_pk: int, incident_id: str, org: str, author: str, body: str,
        event: Event,
    ) -> Comment:  # fmt: skip
        now = datetime.now(UTC)

        def write(session: Session) -> Comment:
            row = CommentRow(incident_pk=incident_pk, org=org, author=author, body=body,
                             created=now)  # fmt: skip
            session.add(row)
            session.flush()
            event.detail = {**event.detail, "comment": row.pk}
            return _comment(row, incident_id)

        result: Comment = run_audited(self.store, event, write)
        return result

    def add_sighting(
        self, incident_pk: int, incident_id: str, org: str, author: str, *,
        kind: SightingKind, seen: date | None, country: str | None, note: str, event: Event,
    ) -> Sighting:  # fmt: skip
        now = datetime.now(UTC)

        def write(session: Session) -> Sighting:
            row = SightingRow(
                incident_pk=incident_pk, org=org, author=author, kind=kind.value,
                seen_on=seen, country=country, note=note, created=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            event.detail = {**event.detail, "sighting": row.pk}
            return _sighting(row, incident_id)

        result: Sighting = run_audited(self.store, event, write)
        return result

    # -- reads (visibility required) --------------------------------------------------
    def comments(
        self, incident_pk: int, *, visibility: Visibility, after: int = 0, limit: int = 100
    ) -> list[Comment]:
        """The comments on incident ``incident_pk``, oldest first, after comment id
        ``after``; none when the reader may not see the incident."""
        query = (
            select(CommentRow, IncidentRow.id)
            .join(IncidentRow, IncidentRow.pk == CommentRow.incident_pk)
            .where(CommentRow.incident_pk == incident_pk, CommentRow.pk > after)
            .where(visible(visibility))
            .order_by(CommentRow.pk)
            .limit(limit)
        )
        with self.store.session() as session:
            return [_comment(row, incident_id) for row, incident_id in session.execute(query)]

    def sightings(
        self, incident_pk: int, *, visibility: Visibility, after: int = 0, limit: int = 100
    ) -> list[Sighting]:
        """The sightings of incident ``incident_pk``, oldest first, as :meth:`comments`."""
        query = (
            select(SightingRow, IncidentRow.id)
            .join(IncidentRow, IncidentRow.pk == SightingRow.incident_pk)
            .where(SightingRow.incident_pk == incident_pk, SightingRow.pk > after)
            .where(visible(visibility))
            .order_by(SightingRow.pk)
            .limit(limit)
        )
        with self.store.session() as session:
            return [_sighting(row, incident_id) for row, incident_id in session.execute(query)]

    def seen_in(
        self, incident_ids: Sequence[str], *, visibility: Visibility, limit: int = 100_000
    ) -> list[Sighting]:
        """The ``seen`` sightings of the incidents ``incident_ids`` the reader may see
        (for the STIX export), oldest first, at most ``limit``."""
        if not incident_ids:
            return []
        query = (
            select(SightingRow, IncidentRow.id)
            .join(IncidentRow, IncidentRow.pk == SightingRow.incident_pk)
            .where(IncidentRow.id.in_(sorted(set(incident_ids))), visible(visibility))
            .where(SightingRow.kind == SightingKind.SEEN.value)
            .order_by(SightingRow.pk)
            .limit(limit)
        )
        with self.store.session() as session:
            return [_sighting(row, incident_id) for row, incident_id in session.execute(query)]
