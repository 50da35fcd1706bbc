"""What the sharing server and its admin commands return (issue 17).

Organisations, users, tokens and sharing groups as ``narcwatch admin`` prints them;
correlation alerts as ``GET /api/v1/alerts`` serves them (the other side's incident only
where the reader may see it); the audit log and its verification. A user's password
hash and a token's hash never appear in any of these.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field

from narcwatch.results.base import Record
from narcwatch.results.incident import (
    Country,
    Incident,
    IncidentKind,
    IncidentSelector,
    IncidentStatus,
    IncidentSubstance,
    LinkedDocument,
    ModusOperandi,
    Tlp,
)

__all__ = [
    "Alert",
    "AlertOther",
    "AlertPage",
    "AuditEntry",
    "AuditReport",
    "CallerInfo",
    "Health",
    "ImportReport",
    "IncidentCount",
    "IncidentPage",
    "IncidentPatch",
    "IncidentWrite",
    "Login",
    "Message",
    "MessageDraft",
    "Organisation",
    "PushSummary",
    "Role",
    "SharingGroup",
    "SyncSummary",
    "TokenInfo",
    "TokenIssued",
    "User",
    "WebhookIssued",
    "WebhookRun",
]


class Role(StrEnum):
    """admin and analyst write their organisation's incidents; readers only read."""

    ADMIN = "admin"
    ANALYST = "analyst"
    READER = "reader"


class Organisation(Record):
    schema_id: ClassVar[str] = "narcwatch.organisation/1"
    columns: ClassVar[tuple[str, ...]] = ("name", "contact", "created")

    name: str
    contact: str = Field(default="", description="Whom other organisations ask (focal point)")
    created: datetime


class User(Record):
    schema_id: ClassVar[str] = "narcwatch.user/1"
    columns: ClassVar[tuple[str, ...]] = ("email", "org", "role", "created")

    email: str
    org: str
    role: Role
    created: datetime


class TokenIssued(Record):
    """A new API token: the secret is shown here once and stored only as a hash."""

    schema_id: ClassVar[str] = "narcwatch.token-issued/1"
    columns: ClassVar[tuple[str, ...]] = ("token", "id", "email", "expires")

    token: str = Field(description="The bearer token; not retrievable later")
    id: str = Field(description="The token's public id, for revoke-token")
    email: str
    expires: datetime | None


class TokenInfo(Record):
    schema_id: ClassVar[str] = "narcwatch.token-info/1"
    columns: ClassVar[tuple[str, ...]] = ("id", "email", "expires", "revoked")

    id: str
    email: str
    expires: datetime | None
    revoked: datetime | None


class SharingGroup(Record):
    schema_id: ClassVar[str] = "narcwatch.sharing-group/1"
    columns: ClassVar[tuple[str, ...]] = ("name", "members")

    name: str
    members: list[str]


class IncidentPage(Record):
    """One page of ``GET /api/v1/incidents``; ``next`` is the cursor of the next page."""

    schema_id: ClassVar[str] = "narcwatch.incident-page/1"

    items: list[Incident]
    next: str | None = None


class IncidentWrite(Record):
    """What creating or editing an incident did: the stored incident and the correlation
    alerts raised (``common_values``: matches not alerted because the value is common)."""

    schema_id: ClassVar[str] = "narcwatch.incident-write/1"

    incident: Incident
    alerts_raised: int = 0
    common_values: int = 0


class AlertOther(Record):
    """The other organisation's incident, as far as the reader may see it."""

    id: str
    title: str
    kind: str


class Alert(Record):
    """A correlation alert for one organisation: its incident shares ``match_kind``
    (selector, document or route) with an incident of ``other_org``. ``other`` is that
    incident when the reader may see it, else null: ask ``contact`` at ``other_org``."""

    schema_id: ClassVar[str] = "narcwatch.alert/1"
    columns: ClassVar[tuple[str, ...]] = (
        "id",
        "incident",
        "match_kind",
        "match_value",
        "other_org",
        "other_tlp",
        "created",
    )

    id: int
    org: str = Field(description="The organisation alerted")
    incident: str = Field(description="The alerted organisation's own incident")
    match_kind: str = Field(pattern=r"^(selector|document|route)$")
    match_value: str
    other_org: str
    other_tlp: Tlp
    other: AlertOther | None = None
    contact: str = ""
    created: datetime


class AlertPage(Record):
    schema_id: ClassVar[str] = "narcwatch.alert-page/1"

    items: list[Alert]
    next: int | None = Field(default=None, description="Pass as ?after= for the next page")


class AuditEntry(Record):
    """One hash-chained audit entry: ``hash`` = SHA-256 of ``prev`` and the entry's
    canonical JSON, so changing, removing or reordering any entry breaks the chain."""

    schema_id: ClassVar[str] = "narcwatch.audit-entry/1"
    columns: ClassVar[tuple[str, ...]] = ("seq", "at", "actor", "org", "action", "target")

    seq: int
    at: datetime
    actor: str
    org: str | None = None
    action: str
    target: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    prev: str
    hash: str = ""

    def canonical(self) -> bytes:
        """What the hash covers: every field but ``hash``, as sorted compact JSON."""
        import json

        data = self.model_dump(mode="json", exclude={"hash"})
        return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()

    def chain_hash(self) -> str:
        import hashlib

        return hashlib.sha256(self.prev.encode() + b"\n" + self.canonical()).hexdigest()


class AuditReport(Record):
    """``narcwatch audit verify``: ``ok`` unless an entry's hash or link is wrong;
    ``first_broken`` is the sequence number of the first bad entry."""

    schema_id: ClassVar[str] = "narcwatch.audit-report/1"
    columns: ClassVar[tuple[str, ...]] = ("ok", "entries", "first_broken", "reason")

    ok: bool
    entries: int
    first_broken: int | None = None
    reason: str | None = None


class Health(Record):
    schema_id: ClassVar[str] = "narcwatch.health/1"

    status: str
    version: str
    database: str


class IncidentPatch(Record):
    """``PATCH /api/v1/incidents/{id}``: the fields to change (absent: unchanged)."""

    schema_id: ClassVar[str] = "narcwatch.incident-patch/1"

    kind: IncidentKind | None = None
    title: str | None = Field(default=None, min_length=1, max_length=500)
    tlp: Tlp | None = None
    sharing_group: str | None = None
    status: IncidentStatus | None = None
    substances: list[IncidentSubstance] | None = Field(default=None, max_length=200)
    selectors: list[IncidentSelector] | None = Field(default=None, max_length=1000)
    countries: list[Country] | None = Field(default=None, max_length=50)
    occurred: date | None = None
    modus_operandi: ModusOperandi | None = None
    documents: list[LinkedDocument] | None = Field(default=None, max_length=1000)
    notes: str | None = Field(default=None, max_length=100_000)


class Login(Record):
    """``POST /api/v1/login``: an e-mail and password for a short-lived token."""

    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class IncidentCount(Record):
    """``GET /api/v1/incidents/count``: how many incidents the caller may see match."""

    schema_id: ClassVar[str] = "narcwatch.incident-count/1"

    count: int


class CallerInfo(Record):
    """``GET /api/v1/me``: who the token acts as."""

    schema_id: ClassVar[str] = "narcwatch.caller/1"

    email: str
    org: str
    role: Role
    groups: list[str]


class PushSummary(Record):
    """``narcwatch share push``: stored findings sent to a sharing server as drafts."""

    schema_id: ClassVar[str] = "narcwatch.push-summary/1"
    columns: ClassVar[tuple[str, ...]] = ("server", "sent", "already", "skipped", "failed")

    server: str
    sent: int = Field(default=0, description="Draft incidents created")
    already: int = Field(default=0, description="Documents our organisation had shared already")
    skipped: int = Field(
        default=0, description="Findings with no offer, substance or strong selector"
    )
    failed: int = 0
    alerts_raised: int = 0
    errors: list[str] = Field(default_factory=list, description="The first failures")
    incidents: list[str] = Field(default_factory=list, description="Ids of the new drafts")


class SyncSummary(Record):
    """``narcwatch sync pull``: incidents a remote narcwatch server shares with us, pulled
    over TAXII 2.1 as the local organisation standing for that server."""

    schema_id: ClassVar[str] = "narcwatch.sync-summary/1"
    columns: ClassVar[tuple[str, ...]] = (
        "remote", "collection", "org", "created", "updated", "unchanged", "refused", "complete",
    )  # fmt: skip

    remote: str = Field(description="The remote server's base URL")
    collection: str = Field(description="The remote TAXII collection read")
    org: str = Field(description="The local organisation the pulled incidents belong to")
    pages: int = Field(default=0, description="TAXII pages read")
    objects: int = Field(default=0, description="STIX objects received")
    created: int = Field(default=0, description="Incidents pulled for the first time")
    updated: int = Field(default=0, description="Local copies updated to a newer remote version")
    unchanged: int = Field(default=0, description="Reports already pulled at that version")
    refused: int = Field(
        default=0,
        description="Reports not imported (RED, an unknown sharing group, invalid data, or "
        "an incident that is this server's own): each named in errors",
    )
    conflicts: int = Field(
        default=0,
        description="Updated copies that had been edited here too (the remote's version "
        "wins; each named in errors)",
    )
    alerts_raised: int = 0
    added_after: datetime | None = Field(
        default=None, description="The cursor kept for the next run (TAXII added_after)"
    )
    complete: bool = Field(default=True, description="False: stopped by a remote error")
    errors: list[str] = Field(default_factory=list, description="The first problems")
    incidents: list[str] = Field(
        default_factory=list, description="Ids of the local incidents created or updated"
    )


class WebhookIssued(Record):
    """A new webhook: its signing secret is shown here once."""

    schema_id: ClassVar[str] = "narcwatch.webhook-issued/1"
    columns: ClassVar[tuple[str, ...]] = ("id", "org", "url", "secret")

    id: str
    org: str
    url: str
    secret: str = Field(description="HMAC-SHA256 key of X-Narcwatch-Signature; not shown again")


class WebhookRun(Record):
    """One pass of webhook delivery: alerts delivered, webhooks that failed (retried later
    with exponential backoff)."""

    schema_id: ClassVar[str] = "narcwatch.webhook-run/1"
    columns: ClassVar[tuple[str, ...]] = ("delivered", "failed")

    delivered: int = 0
    failed: int = 0


class ImportReport(Record):
    """``POST /api/v1/import``: incidents created from a STIX, MISP or narcwatch JSON
    document (owned by the caller's organisation), and what could not be imported."""

    schema_id: ClassVar[str] = "narcwatch.import-report/1"

    created: list[str] = Field(default_factory=list, description="Ids of the new incidents")
    alerts_raised: int = 0
    errors: list[str] = Field(default_factory=list, description="What could not be imported")


class MessageDraft(Record):
    """``POST .../messages``: a message; ``to`` only when the incident's own organisation
    answers (the organisation whose thread it is)."""

    body: str = Field(min_length=1, max_length=10_000)
    to: str | None = Field(default=None, max_length=128)


class Message(Record):
    """A message between an incident's organisation and ``thread_org``. ``incident`` is
    null for a reader who may not see the incident (it asked through an alert)."""

    schema_id: ClassVar[str] = "narcwatch.message/1"
    columns: ClassVar[tuple[str, ...]] = ("id", "thread_org", "sender_org", "sender", "created")

    id: int
    incident: str | None
    thread_org: str
    sender_org: str
    sender: str
    body: str
    created: datetime
