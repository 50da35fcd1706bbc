"""Instance sync's state (issue 17): where each pulled incident came from, and how far
each remote collection has been read.

A pulled incident is an ordinary incident of the local organisation that stands for the
remote (its visibility is the incidents table's, like any other) plus one
:class:`~narcwatch.store.share_tables.SyncOriginRow`: the remote server, the STIX id of
its report there and the report's ``modified``. The incident and its origin are written
in one audited transaction, so a run stopped anywhere leaves no incident without origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from narcwatch.results.incident import IncidentDraft
from narcwatch.store.audit import Event, utc
from narcwatch.store.incidents import IncidentRepository, Key, StoredIncident
from narcwatch.store.share_tables import (
    IncidentRow,
    SyncCursorRow,
    SyncOriginRow,
)
from narcwatch.store.visibility import Visibility

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

__all__ = ["Origin", "SyncRepository"]


@dataclass(frozen=True, slots=True)
class Origin:
    """A pulled incident's origin: which remote report it is, as of which version."""

    remote: str
    remote_id: str
    remote_org: str
    remote_modified: datetime
    incident_id: str = ""
    edited_here: bool = False  # the local copy was edited after it was last pulled


class SyncRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.incidents = IncidentRepository(store)

    # -- cursors ----------------------------------------------------------------------
    def cursor(self, remote: str, collection: str) -> tuple[str, datetime | None] | None:
        """(the local organisation it is pulled as, the ``added_after`` to ask for next)
        of ``remote``'s ``collection``; None: never pulled."""
        with self.store.session() as session:
            row = session.get(SyncCursorRow, (remote, collection))
            if row is None:
                return None
            return row.org, utc(row.added_after) if row.added_after else None

    def set_cursor(
        self, remote: str, collection: str, org: str, added_after: datetime | None
    ) -> None:
        now = datetime.now(UTC)
        with self.store.session() as session, session.begin():
            row = session.get(SyncCursorRow, (remote, collection))
            if row is None:
                session.add(
                    SyncCursorRow(
                        remote=remote,
                        collection=collection,
                        org=org,
                        added_after=added_after,
                        updated=now,
                    )
                )
            else:
                row.org, row.added_after, row.updated = org, added_after, now

    # -- origins ----------------------------------------------------------------------
    def origin(self, remote: str, remote_id: str) -> Origin | None:
        """The local copy of ``remote``'s object ``remote_id``, if it was pulled."""
        with self.store.session() as session:
            found = session.execute(
                select(SyncOriginRow, IncidentRow.id, IncidentRow.updated)
                .join(IncidentRow, IncidentRow.pk == SyncOriginRow.incident_pk)
                .where(SyncOriginRow.remote == remote, SyncOriginRow.remote_id == remote_id)
            ).first()
            if found is None:
                return None
            row, incident_id, updated = found
            return Origin(row.remote, row.remote_id, row.remote_org, utc(row.remote_modified),
                          incident_id, utc(updated) > utc(row.synced))  # fmt: skip

    def incident_exists(self, incident_id: str) -> bool:
        """Whether an incident ``incident_id`` is stored here (of any organisation: the
        operator's question, as the job decides whether a pulled id is free)."""
        with self.store.session() as session:
            found = session.scalar(select(IncidentRow.pk).where(IncidentRow.id == incident_id))
            return found is not None

    # -- writes (audited) -------------------------------------------------------------
    def add(
        self,
        incident_id: str,
        org: str,
        draft: IncidentDraft,
        keys: list[Key],
        origin: Origin,
        event: Event,
    ) -> StoredIncident:
        """A pulled incident of ``org`` and its origin, in one transaction."""

        def also(session: Session, row: IncidentRow) -> None:
            session.add(
                SyncOriginRow(
                    incident_pk=row.pk, remote=origin.remote, remote_id=origin.remote_id,
                    remote_org=origin.remote_org, remote_modified=origin.remote_modified,
                    synced=datetime.now(UTC),
                )
            )  # fmt: skip

        return self.incidents.add(incident_id, org, draft, keys, event, also=also)

    def replace(
        self, incident_id: str, org: str, draft: IncidentDraft, keys: list[Key],
        origin: Origin, event: Event, *, conflict: bool = False,
    ) -> StoredIncident:  # fmt: skip
        """A pulled incident replaced by the remote's newer version (``org``'s only); the
        version replaced is kept, marked ``conflict`` when it was edited here."""

        def also(session: Session, row: IncidentRow) -> None:
            found = session.scalars(
                select(SyncOriginRow).where(SyncOriginRow.incident_pk == row.pk)
            ).one()
            found.remote_org, found.remote_modified = origin.remote_org, origin.remote_modified
            found.synced = datetime.now(UTC)

        return self.incidents.update(
            incident_id, lambda _old: draft, lambda _new: keys, event,
            visibility=Visibility(organisation=org), also=also,
            reason="conflict" if conflict else "sync",
        )  # fmt: skip
