"""Webhooks of the sharing server: where each organisation's alerts are POSTed.

The alerts themselves are read through :class:`~narcwatch.store.alerts.AlertRepository`
with the organisation's own :class:`Visibility`, like every other read; this module keeps
only each webhook's delivery state (cursor, attempts, next attempt).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update

from narcwatch.errors import NotFoundError
from narcwatch.store.audit import Event, run_audited, utc
from narcwatch.store.share_tables import OrganisationRow, WebhookRow
from narcwatch.store.visibility import Visibility

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

__all__ = ["Webhook", "WebhookRepository"]


@dataclass(frozen=True, slots=True)
class Webhook:
    id: str
    org: str
    url: str
    secret: str
    cursor: int
    attempts: int
    next_attempt: datetime | None
    last_error: str | None


def _hook(row: WebhookRow) -> Webhook:
    return Webhook(
        row.id, row.org, row.url, row.secret, row.cursor, row.attempts,
        utc(row.next_attempt) if row.next_attempt else None, row.last_error,
    )  # fmt: skip


class WebhookRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, hook_id: str, org: str, url: str, secret: str, event: Event) -> Webhook:
        now = datetime.now(UTC)

        def body(session: Session) -> Webhook:
            if session.get(OrganisationRow, org) is None:
                raise NotFoundError(f"no organisation {org!r}")
            row = WebhookRow(id=hook_id, org=org, url=url, secret=secret, created=now,
                             cursor=0, attempts=0)  # fmt: skip
            session.add(row)
            return _hook(row)

        result: Webhook = run_audited(self.store, event, body)
        return result

    def due(self, now: datetime, *, visibility: Visibility) -> list[Webhook]:
        """Active webhooks whose next attempt is due (the caller's organisation's only,
        every organisation's for ``Visibility()``: the server's dispatcher)."""
        query = select(WebhookRow).where(
            WebhookRow.revoked.is_(None),
            or_(WebhookRow.next_attempt.is_(None), WebhookRow.next_attempt <= now),
        )
        if visibility.organisation is not None:
            query = query.where(WebhookRow.org == visibility.organisation)
        with self.store.session() as session:
            return [_hook(r) for r in session.scalars(query.order_by(WebhookRow.id))]

    def delivered(self, hook_id: str, cursor: int) -> None:
        self._set(hook_id, cursor=cursor, attempts=0, next_attempt=None, last_error=None)

    def failed(self, hook_id: str, attempts: int, next_attempt: datetime, error: str) -> None:
        self._set(hook_id, attempts=attempts, next_attempt=next_attempt, last_error=error[:500])

    def _set(self, hook_id: str, **values: object) -> None:
        with self.store.session() as session, session.begin():
            session.execute(update(WebhookRow).where(WebhookRow.id == hook_id).values(**values))
