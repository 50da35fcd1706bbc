"""Incidents of the sharing server, and the one place their visibility becomes SQL.

Every read takes a :class:`Visibility` (required, keyword-only) and filters with
:func:`visible`, built from :data:`~narcwatch.store.visibility.AUDIENCES`: lists, gets,
counts, filters and the correlation lookups all go through it. An incident the caller
may not see is :class:`NotFoundError`, exactly like one that does not exist.

``incident_keys`` rows (:class:`Key`) come from :mod:`narcwatch.share.keys`; the store
only writes and looks them up by ``ident``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, bindparam, false, func, insert, or_, select, true

from narcwatch.errors import AccessError, NotFoundError
from narcwatch.results.feedback import SightingCounts, SightingKind
from narcwatch.results.incident import Incident, IncidentDraft, IncidentVersion, VersionReason
from narcwatch.store.audit import Event, run_audited, utc
from narcwatch.store.feedback_tables import CommentRow, SightingRow
from narcwatch.store.share_tables import IncidentKeyRow, IncidentRow, SharingGroupRow
from narcwatch.store.version_tables import IncidentVersionRow
from narcwatch.store.visibility import AUDIENCES, Audience, Visibility

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

__all__ = ["IncidentFilter", "IncidentRepository", "Key", "StoredIncident", "visible"]


@dataclass(frozen=True, slots=True)
class Key:
    """One index entry of an incident: ``kind`` selector | document | route | substance
    | country; ``ident`` the digest looked up; ``value`` the normalised value."""

    kind: str
    ident: str
    value: str


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """``idents``: keys the incident must all have (selector, substance, country)."""

    idents: tuple[str, ...] = ()
    kind: str | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredIncident:
    pk: int
    incident: Incident


def visible(vis: Visibility, table: type[IncidentRow] | Any = IncidentRow) -> ColumnElement[bool]:
    """The SQL form of :func:`~narcwatch.store.visibility.may_see` over ``table``
    (IncidentRow or an alias of it), built from the same rules."""
    if vis.organisation is None:
        return true()
    return _visible(vis.organisation, frozenset(vis.groups), table)


# Building the clause took half of the store's time on a read of one incident (SQLAlchemy
# constructs are costly to make); a clause is immutable, so one per caller is reused.
@lru_cache(maxsize=512)
def _visible(org: str, groups: frozenset[str], table: Any) -> ColumnElement[bool]:
    terms: list[ColumnElement[bool]] = []
    for tlp, audiences in AUDIENCES.items():
        who: list[ColumnElement[bool]] = []
        if Audience.SERVER in audiences:
            who.append(true())
        if Audience.OWNER in audiences:
            who.append(table.org == org)
        if Audience.GROUP in audiences and groups:
            who.append(table.sharing_group.in_(sorted(groups)))
        if Audience.SERVER_IF_NO_GROUP in audiences:
            who.append(table.sharing_group.is_(None))
        if who:
            terms.append(and_(table.tlp == tlp, or_(*who)))
    return or_(*terms) if terms else false()


def _incident(row: IncidentRow, counts: Sequence[int] = ()) -> Incident:
    """The stored incident; ``counts``: its comments and its sightings by kind, in the
    order of :data:`_COUNTS`, when the read selected them."""
    extra: dict[str, Any] = {}
    if counts:
        extra["comments_count"] = counts[0]
        extra["sightings"] = SightingCounts(
            seen=counts[1], false_positive=counts[2], expired=counts[3]
        )
    return Incident(
        **json.loads(row.body),
        id=row.id,
        org=row.org,
        created=utc(row.created),
        updated=utc(row.updated),
        **extra,
    )


def _count_of(table: Any, *where: ColumnElement[bool]) -> Any:
    return (
        select(func.count())
        .select_from(table)
        .where(table.incident_pk == IncidentRow.pk, *where)
        .correlate(IncidentRow)
        .scalar_subquery()
    )


# An incident's comments and sightings by kind, read in the same query as the incident
# (two more grouped queries per read were most of a read's cost).
_COUNTS = (
    _count_of(CommentRow),
    *(_count_of(SightingRow, SightingRow.kind == kind.value) for kind in SightingKind),
)


# A read of one incident is the server's most common request: its statement is built
# once per caller's visibility (building SQLAlchemy constructs is costly), the id bound.
@lru_cache(maxsize=512)
def _one_incident(org: str | None, groups: frozenset[str]) -> Any:
    allowed = true() if org is None else _visible(org, groups, IncidentRow)
    return select(IncidentRow, *_COUNTS).where(IncidentRow.id == bindparam("incident_id"), allowed)


def keep_version(session: Session, row: IncidentRow, reason: str, by: str) -> None:
    """Copy the incident's current version into ``incident_versions`` before a change."""
    last = session.scalar(
        select(func.max(IncidentVersionRow.version)).where(IncidentVersionRow.incident_pk == row.pk)
    )
    session.add(
        IncidentVersionRow(
            incident_pk=row.pk, version=(last or 0) + 1, org=row.org, tlp=row.tlp,
            sharing_group=row.sharing_group, reason=reason, replaced_by=by[:128],
            body=row.body, valid_from=row.updated, replaced=datetime.now(UTC),
        )
    )  # fmt: skip


def _version(v: IncidentVersionRow, row: IncidentRow) -> IncidentVersion:
    incident = Incident(
        **json.loads(v.body), id=row.id, org=v.org, created=utc(row.created),
        updated=utc(v.valid_from),
    )  # fmt: skip
    return IncidentVersion(
        version=v.version, reason=v.reason, replaced=utc(v.replaced),  # type: ignore[arg-type]
        replaced_by=v.replaced_by, incident=incident,
    )  # fmt: skip


def _key_rows(pk: int, org: str, keys: list[Key]) -> list[dict[str, Any]]:
    return [
        {"incident_pk": pk, "org": org, "kind": k.kind, "ident": k.ident, "value": k.value[:1024]}
        for k in keys
    ]


class IncidentRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- writes (audited) -------------------------------------------------------------
    def add(
        self,
        incident_id: str,
        org: str,
        draft: IncidentDraft,
        keys: list[Key],
        event: Event,
        *,
        also: Callable[[Session, IncidentRow], None] | None = None,
    ) -> StoredIncident:
        """Store a new incident; ``also(session, row)`` writes more in the same
        transaction (instance sync: where it came from)."""
        now = datetime.now(UTC)

        def body(session: Session) -> StoredIncident:
            self._check_group(session, draft)
            row = IncidentRow(
                id=incident_id,
                org=org,
                kind=draft.kind.value,
                tlp=draft.tlp.value,
                sharing_group=draft.sharing_group,
                status=draft.status.value,
                title=draft.title,
                body=draft.model_dump_json(),
                created=now,
                updated=now,
            )
            session.add(row)
            session.flush()
            if keys:
                session.execute(insert(IncidentKeyRow), _key_rows(row.pk, org, keys))
            if also is not None:
                also(session, row)
            return StoredIncident(row.pk, _incident(row))

        result: StoredIncident = run_audited(self.store, event, body)
        return result

    def update(
        self,
        incident_id: str,
        change: Callable[[IncidentDraft], IncidentDraft],
        keys_of: Callable[[IncidentDraft], list[Key]],
        event: Event,
        *,
        visibility: Visibility,
        also: Callable[[Session, IncidentRow], None] | None = None,
        reason: VersionReason = "edit",
    ) -> StoredIncident:
        """Apply ``change(draft) -> draft`` to the incident, if the caller's organisation
        owns it (others: 403 when they may see it, 404 when they may not), and replace
        its keys with ``keys_of(new draft)``; ``also(session, row)`` as for :meth:`add`.
        The version replaced is kept (:meth:`versions`), marked with ``reason``. The
        incident returned carries its comment and sighting counts, like :meth:`get`."""

        def body(session: Session) -> StoredIncident:
            row = session.scalars(
                select(IncidentRow).where(IncidentRow.id == incident_id, visible(visibility))
            ).first()
            if row is None:
                raise NotFoundError(f"no incident {incident_id!r}")
            if visibility.organisation is not None and row.org != visibility.organisation:
                raise AccessError("only the organisation that owns an incident may edit it")
            draft: IncidentDraft = change(IncidentDraft.model_validate_json(row.body))
            self._check_group(session, draft)
            keep_version(session, row, reason, event.org or "(server)")
            row.kind, row.tlp, row.status = draft.kind.value, draft.tlp.value, draft.status.value
            row.sharing_group, row.title = draft.sharing_group, draft.title
            row.body = draft.model_dump_json()
            row.updated = datetime.now(UTC)
            session.query(IncidentKeyRow).filter(IncidentKeyRow.incident_pk == row.pk).delete()
            keys = keys_of(draft)
            if keys:
                session.execute(insert(IncidentKeyRow), _key_rows(row.pk, row.org, keys))
            if also is not None:
                also(session, row)
            session.flush()
            counts = session.execute(
                select(*_COUNTS).select_from(IncidentRow).where(IncidentRow.pk == row.pk)
            ).one()
            return StoredIncident(row.pk, _incident(row, counts))

        result: StoredIncident = run_audited(self.store, event, body)
        return result

    @staticmethod
    def _check_group(session: Session, draft: IncidentDraft) -> None:
        if draft.sharing_group is not None and (
            session.get(SharingGroupRow, draft.sharing_group) is None
        ):
            raise NotFoundError(f"no sharing group {draft.sharing_group!r}")

    # -- reads (visibility required) --------------------------------------------------
    def get(self, incident_id: str, *, visibility: Visibility) -> StoredIncident:
        """The incident, with its comment and sighting counts."""
        query = _one_incident(visibility.organisation, frozenset(visibility.groups))
        with self.store.reading() as session:
            found = session.execute(query, {"incident_id": incident_id}).first()
            if found is None:
                raise NotFoundError(f"no incident {incident_id!r}")
            row, *counts = found
            return StoredIncident(row.pk, _incident(row, counts))

    def versions(self, incident_id: str, *, visibility: Visibility) -> list[IncidentVersion]:
        """The incident's earlier versions, oldest first: those the reader may see both
        now (the incident) and as they were (each version's own distribution)."""
        with self.store.session() as session:
            row = session.scalars(
                select(IncidentRow).where(IncidentRow.id == incident_id, visible(visibility))
            ).first()
            if row is None:
                raise NotFoundError(f"no incident {incident_id!r}")
            found = session.scalars(
                select(IncidentVersionRow)
                .where(
                    IncidentVersionRow.incident_pk == row.pk,
                    visible(visibility, IncidentVersionRow),
                )
                .order_by(IncidentVersionRow.version)
            )
            return [_version(v, row) for v in found]

    def visible_to(self, incident_pk: int, *, visibility: Visibility) -> bool:
        """Whether incident ``incident_pk`` is visible to ``visibility``."""
        with self.store.session() as session:
            found = session.scalar(
                select(IncidentRow.pk).where(IncidentRow.pk == incident_pk, visible(visibility))
            )
            return found is not None

    def _where(self, query: Any, visibility: Visibility, where: IncidentFilter) -> Any:
        query = query.where(visible(visibility))
        for ident in where.idents:
            query = query.where(
                IncidentRow.pk.in_(
                    select(IncidentKeyRow.incident_pk).where(IncidentKeyRow.ident == ident)
                )
            )
        if where.kind:
            query = query.where(IncidentRow.kind == where.kind)
        if where.since:
            query = query.where(IncidentRow.updated >= where.since)
        return query

    def page(
        self,
        *,
        visibility: Visibility,
        where: IncidentFilter = IncidentFilter(),
        limit: int = 50,
        before: int | None = None,
    ) -> tuple[list[StoredIncident], int | None]:
        """Newest first, with their comment and sighting counts; the second value is the
        ``before`` of the next page (None: last)."""
        query = self._where(select(IncidentRow, *_COUNTS), visibility, where)
        if before is not None:
            query = query.where(IncidentRow.pk < before)
        query = query.order_by(IncidentRow.pk.desc()).limit(limit + 1)
        with self.store.reading() as session:
            rows = list(session.execute(query))
        more = len(rows) > limit
        rows = rows[:limit]
        items = [StoredIncident(r[0].pk, _incident(r[0], r[1:])) for r in rows]
        return items, rows[-1][0].pk if more else None

    def changed(
        self,
        *,
        visibility: Visibility,
        since: datetime | None = None,
        group: str | None = None,
        limit: int = 1000,
    ) -> list[StoredIncident]:
        """Incidents updated at or after ``since`` (all: None), oldest change first, at
        most ``limit``; only those shared with sharing group ``group`` when named (a TAXII
        collection's incidents, read in the order they were added)."""
        query = select(IncidentRow).where(visible(visibility))
        if since is not None:
            query = query.where(IncidentRow.updated >= since)
        if group is not None:
            query = query.where(IncidentRow.sharing_group == group)
        query = query.order_by(IncidentRow.updated, IncidentRow.pk).limit(limit)
        with self.store.session() as session:
            return [StoredIncident(r.pk, _incident(r)) for r in session.scalars(query)]

    def count(self, *, visibility: Visibility, where: IncidentFilter = IncidentFilter()) -> int:
        query = self._where(select(func.count()).select_from(IncidentRow), visibility, where)
        with self.store.reading() as session:
            return int(session.scalar(query) or 0)
