"""Incidents: what organisations share on the sharing server, export as STIX 2.1 or MISP
and sync between servers (issue 17).

One model for every door: the server's ``/api/v1/incidents`` bodies, ``narcwatch share
push`` drafts, STIX and MISP converters, and instance sync all read and write
:class:`Incident`. Distribution is TLP 2.0 plus an optional sharing group (a named set of
organisations); who may see an incident is decided in the store's read methods, never
here.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field

from narcwatch.results.base import Record
from narcwatch.results.feedback import SightingCounts

__all__ = [
    "Country",
    "Incident",
    "IncidentDraft",
    "IncidentKind",
    "IncidentSelector",
    "IncidentStatus",
    "IncidentSubstance",
    "IncidentVersion",
    "LinkedDocument",
    "ModusOperandi",
    "Tlp",
    "VersionReason",
]


class IncidentKind(StrEnum):
    ONLINE_OFFER = "online_offer"
    SUSPICIOUS_SHIPMENT = "suspicious_shipment"
    SEIZURE = "seizure"
    PRECURSOR_DIVERSION = "precursor_diversion"
    CLANDESTINE_LAB = "clandestine_lab"


class Tlp(StrEnum):
    """Traffic Light Protocol 2.0 (FIRST), least to most restricted."""

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"


class IncidentStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class IncidentSubstance(Record):
    """A substance by knowledge-base id, with an optional quantity."""

    id: str = Field(description="Knowledge-base substance id, e.g. 'cocaine'")
    quantity: float | None = Field(default=None, ge=0)
    unit: str | None = Field(default=None, description="g, kg, ml, l, tablet, ...")


class IncidentSelector(Record):
    """A selector (contact or payment identifier) as narcwatch normalises it."""

    type: str = Field(description="Selector type: email, phone, btc, xmr, url, onion, ...")
    value: str


class Country(Record):
    """A country's role in the route, as an ISO 3166-1 alpha-2 code."""

    code: str = Field(pattern=r"^[A-Z]{2}$")
    role: str = Field(pattern=r"^(origin|transit|destination|seen)$")


class ModusOperandi(Record):
    concealment: str | None = None
    transport: str | None = Field(default=None, description="courier, postal, air, ...")
    platform: str | None = Field(default=None, description="market, social network, site")


class LinkedDocument(Record):
    """A document in a narcwatch store, by its content hash, with its evidence hash."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    url: str | None = None
    evidence_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class IncidentDraft(Record):
    """What a client sends to create an incident (the server fills the rest)."""

    schema_id: ClassVar[str] = "narcwatch.incident-draft/1"

    kind: IncidentKind
    title: str = Field(min_length=1, max_length=500)
    tlp: Tlp = Tlp.AMBER
    sharing_group: str | None = None
    status: IncidentStatus = IncidentStatus.OPEN
    substances: list[IncidentSubstance] = Field(default_factory=list, max_length=200)
    selectors: list[IncidentSelector] = Field(default_factory=list, max_length=1000)
    countries: list[Country] = Field(default_factory=list, max_length=50)
    occurred: date | None = None
    modus_operandi: ModusOperandi = Field(default_factory=ModusOperandi)
    documents: list[LinkedDocument] = Field(default_factory=list, max_length=1000)
    notes: str = Field(default="", max_length=100_000)


class Incident(IncidentDraft):
    """A stored incident, as the API returns it."""

    schema_id: ClassVar[str] = "narcwatch.incident/1"
    columns: ClassVar[tuple[str, ...]] = (
        "id",
        "kind",
        "title",
        "tlp",
        "sharing_group",
        "org",
        "status",
        "substances",
        "selectors",
        "countries",
        "created",
        "updated",
    )

    id: str
    org: str = Field(description="The organisation that owns the incident")
    created: datetime
    updated: datetime
    comments_count: int = Field(default=0, ge=0, description="Comments on the incident")
    sightings: SightingCounts = Field(
        default_factory=SightingCounts, description="Sightings by kind (seen, false_positive, ...)"
    )


VersionReason = Literal["edit", "sync", "conflict"]


class IncidentVersion(Record):
    """An earlier version of an incident, kept when it was replaced: by an edit here
    (``edit``), by a newer version pulled from the server it came from (``sync``), or by
    a pulled version although it had been edited here since the last pull
    (``conflict``: the edit here is this version, and the remote's is current).
    ``incident`` is the version as it was, its ``updated`` when it was written."""

    schema_id: ClassVar[str] = "narcwatch.incident-version/1"
    columns: ClassVar[tuple[str, ...]] = (
        "version",
        "reason",
        "replaced",
        "replaced_by",
        "incident",
    )

    version: int = Field(ge=1, description="1 for the first version, then in order")
    reason: VersionReason
    replaced: datetime = Field(description="When a newer version replaced it")
    replaced_by: str = Field(description="The organisation whose change replaced it")
    incident: Incident
