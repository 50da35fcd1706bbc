"""The sharing server's tables (issue 17), on the same metadata as the scan's tables.

Organisations and sharing groups are keyed by name (what the API and ``Incident.org``
carry). An incident is one row: the columns the server filters and authorizes on, and
the whole draft as JSON (``body``). ``incident_keys`` is the index correlation and the
list filters read: one row per normalised selector, document hash, substance+route,
substance and country of each incident, looked up by ``ident`` (a digest of kind and
value), so correlating one incident is a few indexed IN lookups, never a scan.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from narcwatch.store.tables import Base

__all__ = [
    "AlertRow",
    "AuditRow",
    "GroupMemberRow",
    "IncidentKeyRow",
    "IncidentRow",
    "MessageRow",
    "OrganisationRow",
    "SharingGroupRow",
    "SyncCursorRow",
    "SyncOriginRow",
    "TokenRow",
    "UserRow",
    "WebhookRow",
]


class OrganisationRow(Base):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    contact: Mapped[str] = mapped_column(String(320), default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    org: Mapped[str] = mapped_column(ForeignKey("organisations.name"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))  # argon2id, PHC string
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TokenRow(Base):
    """An API token: only its SHA-256 is kept (tokens are 256 random bits, so a fast hash
    is as safe as a slow one and keeps each request's lookup one indexed equality)."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(ForeignKey("users.email"), index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SharingGroupRow(Base):
    __tablename__ = "sharing_groups"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GroupMemberRow(Base):
    __tablename__ = "sharing_group_members"

    group: Mapped[str] = mapped_column(
        ForeignKey("sharing_groups.name", ondelete="CASCADE"), primary_key=True
    )
    org: Mapped[str] = mapped_column(ForeignKey("organisations.name"), primary_key=True)


class IncidentRow(Base):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_org_tlp", "org", "tlp"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    org: Mapped[str] = mapped_column(ForeignKey("organisations.name"))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    tlp: Mapped[str] = mapped_column(String(16))
    sharing_group: Mapped[str | None] = mapped_column(ForeignKey("sharing_groups.name"))
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)  # the IncidentDraft as JSON
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class IncidentKeyRow(Base):
    """``kind``: selector | document | route (correlate) | substance | country (filter)."""

    __tablename__ = "incident_keys"
    __table_args__ = (Index("ix_incident_keys_ident_org", "ident", "org"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_pk: Mapped[int] = mapped_column(
        ForeignKey("incidents.pk", ondelete="CASCADE"), index=True
    )
    org: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    ident: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(1024))


class AlertRow(Base):
    """A correlation alert for ``org``: its incident ``incident_pk`` shares ``ident``
    with ``other_pk`` (another organisation's). What the reader may see of the other
    incident is decided when the alert is read, not when it is raised."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("org", "incident_pk", "other_pk", "ident", name="uq_alerts_match"),
        Index("ix_alerts_org_pk", "org", "pk"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org: Mapped[str] = mapped_column(String(128))
    incident_pk: Mapped[int] = mapped_column(ForeignKey("incidents.pk", ondelete="CASCADE"))
    other_pk: Mapped[int] = mapped_column(ForeignKey("incidents.pk", ondelete="CASCADE"))
    match_kind: Mapped[str] = mapped_column(String(16))
    ident: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(1024))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """The hash-chained audit log; ``seq`` is unique, so two writers can never fork the
    chain (the loser of a race retries on the new tail)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(320))
    org: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(256))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class WebhookRow(Base):
    """Where an organisation's alerts are POSTed, signed with ``secret`` (HMAC-SHA256; the
    server must keep the secret itself to sign, unlike a token). ``cursor`` is the last
    alert delivered: delivery is in order and at least once. After a failure the next try
    waits ``next_attempt`` (exponential backoff over ``attempts``)."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org: Mapped[str] = mapped_column(ForeignKey("organisations.name"), index=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(128))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    revoked: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MessageRow(Base):
    """A message in the thread between an incident's organisation and one other
    (``thread_org``): IONICS's targeted communication. Only those two read it."""

    __tablename__ = "incident_messages"
    __table_args__ = (Index("ix_incident_messages_thread", "incident_pk", "thread_org", "pk"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_pk: Mapped[int] = mapped_column(ForeignKey("incidents.pk", ondelete="CASCADE"))
    thread_org: Mapped[str] = mapped_column(String(128))
    sender_org: Mapped[str] = mapped_column(String(128))
    sender: Mapped[str] = mapped_column(String(320))
    body: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SyncOriginRow(Base):
    """Where a pulled incident came from (instance sync): the remote server, the STIX id
    of its report there and that report's ``modified`` when last pulled. One row per
    (remote, remote_id): a re-run updates the incident instead of adding another."""

    __tablename__ = "sync_origins"
    __table_args__ = (UniqueConstraint("remote", "remote_id", name="uq_sync_origins_remote"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_pk: Mapped[int] = mapped_column(
        ForeignKey("incidents.pk", ondelete="CASCADE"), unique=True
    )
    remote: Mapped[str] = mapped_column(String(512))
    remote_id: Mapped[str] = mapped_column(String(256))
    remote_org: Mapped[str] = mapped_column(String(128))
    remote_modified: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    synced: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SyncCursorRow(Base):
    """How far instance sync has read a remote collection: its TAXII ``added_after``."""

    __tablename__ = "sync_cursors"

    remote: Mapped[str] = mapped_column(String(512), primary_key=True)
    collection: Mapped[str] = mapped_column(String(128), primary_key=True)
    org: Mapped[str] = mapped_column(String(128))
    added_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))
