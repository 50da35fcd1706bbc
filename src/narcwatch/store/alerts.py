"""Correlation lookups and alerts of the sharing server.

Correlating one incident is two indexed queries on ``incident_keys`` (``ident`` index):
how many organisations use each of its keys (:meth:`AlertRepository.org_counts`, for
the common-value rule) and which other organisations' incidents share them
(:meth:`AlertRepository.matches`). What to alert is decided in
:mod:`narcwatch.share.correlate`; this module stores alerts and reads them back.

Reading is where visibility applies: an organisation reads only its own alerts, and
what it sees of the other incident is decided then, by the same rules as every other
read (:func:`~narcwatch.store.visibility.may_see`): the other incident's id and title
when the reader may see it now, else only who holds it, at what TLP, and whom to ask.
An alert about an incident that is RED now is not listed at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, distinct, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from narcwatch.results.incident import Tlp
from narcwatch.results.share import Alert, AlertOther
from narcwatch.store.audit import utc
from narcwatch.store.notify import notify_alerts
from narcwatch.store.share_tables import AlertRow, IncidentKeyRow, IncidentRow, OrganisationRow
from narcwatch.store.visibility import Visibility, may_see

if TYPE_CHECKING:
    from narcwatch.store import Store

__all__ = ["AlertDraft", "AlertRepository", "Match"]

_CHUNK = 500  # idents per IN (...)


@dataclass(frozen=True, slots=True)
class Match:
    """Another organisation's incident sharing key ``ident``."""

    ident: str
    kind: str
    value: str
    pk: int
    org: str
    tlp: str


@dataclass(frozen=True, slots=True)
class AlertDraft:
    org: str  # the organisation alerted
    incident_pk: int  # its own incident
    other_pk: int
    match_kind: str
    ident: str
    value: str


class AlertRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- correlation lookups (server-internal: they feed alerts, never a response) ----
    def org_counts(self, idents: list[str]) -> dict[str, int]:
        """How many organisations' incidents carry each key."""
        counts: dict[str, int] = {}
        with self.store.session() as session:
            for i in range(0, len(idents), _CHUNK):
                chunk = idents[i : i + _CHUNK]
                rows = session.execute(
                    select(IncidentKeyRow.ident, func.count(distinct(IncidentKeyRow.org)))
                    .where(IncidentKeyRow.ident.in_(chunk))
                    .group_by(IncidentKeyRow.ident)
                )
                counts.update({ident: int(n) for ident, n in rows})
        return counts

    def matches(self, idents: list[str], *, other_than: str) -> list[Match]:
        """Incidents of organisations other than ``other_than`` carrying these keys."""
        found: list[Match] = []
        with self.store.session() as session:
            for i in range(0, len(idents), _CHUNK):
                rows = session.execute(
                    select(
                        IncidentKeyRow.ident,
                        IncidentKeyRow.kind,
                        IncidentKeyRow.value,
                        IncidentRow.pk,
                        IncidentRow.org,
                        IncidentRow.tlp,
                    )
                    .join(IncidentRow, IncidentRow.pk == IncidentKeyRow.incident_pk)
                    .where(
                        IncidentKeyRow.ident.in_(idents[i : i + _CHUNK]),
                        IncidentKeyRow.org != other_than,
                    )
                )
                found += [Match(*row) for row in rows]
        return found

    def add(self, drafts: list[AlertDraft]) -> int:
        """Store the alerts not stored yet (re-correlating an edited incident raises no
        duplicates); returns how many are new."""
        if not drafts:
            return 0
        for attempt in range(5):
            try:
                with self.store.session() as session, session.begin():
                    pks = {d.incident_pk for d in drafts} | {d.other_pk for d in drafts}
                    existing = {
                        (org, incident_pk, other_pk, ident)
                        for org, incident_pk, other_pk, ident in session.execute(
                            select(
                                AlertRow.org, AlertRow.incident_pk, AlertRow.other_pk,
                                AlertRow.ident,
                            ).where(AlertRow.incident_pk.in_(pks))
                        )
                    }  # fmt: skip
                    now = datetime.now(UTC)
                    new, seen = [], set(existing)
                    for d in drafts:
                        key = (d.org, d.incident_pk, d.other_pk, d.ident)
                        if key in seen:
                            continue
                        seen.add(key)
                        new.append(
                            {"org": d.org, "incident_pk": d.incident_pk, "other_pk": d.other_pk,
                             "match_kind": d.match_kind, "ident": d.ident,
                             "value": d.value[:1024], "created": now}
                        )  # fmt: skip
                    if new:
                        session.execute(insert(AlertRow), new)
                        notify_alerts(session)
                if new:
                    self.store.alert_signal.fire()
                return len(new)
            except IntegrityError:
                if attempt == 4:
                    raise
                # A concurrent correlation stored some of the same alerts: read again.
        return 0  # pragma: no cover

    # -- reads (visibility required) --------------------------------------------------
    def other_of(self, alert_id: int, *, visibility: Visibility) -> tuple[int, str, bool] | None:
        """The other incident of the caller's alert ``alert_id``: (pk, id, whether the
        caller may see it); None when the alert is not the caller's or not listed."""
        other = aliased(IncidentRow)
        query = (
            select(other)
            .join(AlertRow, AlertRow.other_pk == other.pk)
            .where(AlertRow.pk == alert_id)
        )
        if visibility.organisation is not None:
            query = query.where(
                AlertRow.org == visibility.organisation,
                or_(other.tlp != Tlp.RED.value, other.org == visibility.organisation),
            )
        with self.store.session() as session:
            row = session.scalars(query).first()
            if row is None:
                return None
            seen = may_see(visibility, tlp=row.tlp, org=row.org, group=row.sharing_group)
            return row.pk, row.id, seen

    def page(self, *, visibility: Visibility, after: int = 0, limit: int = 100) -> list[Alert]:
        """Alerts of the caller's organisation (every organisation's for
        ``Visibility()``), oldest first, after alert id ``after``."""
        own, other = aliased(IncidentRow), aliased(IncidentRow)
        query = (
            select(AlertRow, own.id, other, OrganisationRow.contact)
            .join(own, own.pk == AlertRow.incident_pk)
            .join(other, other.pk == AlertRow.other_pk)
            .join(OrganisationRow, OrganisationRow.name == other.org)
            .where(AlertRow.pk > after)
            .order_by(AlertRow.pk)
            .limit(limit)
        )
        if visibility.organisation is not None:
            query = query.where(
                AlertRow.org == visibility.organisation,
                # Nothing at all about an incident that is RED now, unless it is ours.
                or_(other.tlp != Tlp.RED.value, and_(other.org == visibility.organisation)),
            )
        with self.store.session() as session:
            rows = session.execute(query).all()
        alerts = []
        for alert, own_id, theirs, contact in rows:
            seen = may_see(visibility, tlp=theirs.tlp, org=theirs.org, group=theirs.sharing_group)
            alerts.append(
                Alert(
                    id=alert.pk,
                    org=alert.org,
                    incident=own_id,
                    match_kind=alert.match_kind,
                    match_value=alert.value,
                    other_org=theirs.org,
                    other_tlp=Tlp(theirs.tlp),
                    other=AlertOther(id=theirs.id, title=theirs.title, kind=theirs.kind)
                    if seen
                    else None,
                    contact=contact,
                    created=utc(alert.created),
                )
            )
        return alerts
