"""Earlier versions of incidents (sharing server, issue 17; migration 0013).

Every change to an incident (an edit through the API, a newer version pulled by
instance sync, or a pulled version that replaces an edit made here, a conflict) first
copies the version it replaces here. A version keeps its own distribution (``org``,
``tlp``, ``sharing_group``), so a reader sees an earlier version only where it could
see that version as well as the incident now: narrowing an incident never reveals what
it said before to those it no longer reaches, nor widening it what it said then.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from narcwatch.store.tables import Base

__all__ = ["IncidentVersionRow"]


class IncidentVersionRow(Base):
    """``reason``: edit | sync | conflict (what replaced it); ``valid_from``: when that
    version was written, ``replaced``: when it stopped being current, and by which
    organisation's change (``replaced_by``)."""

    __tablename__ = "incident_versions"
    __table_args__ = (UniqueConstraint("incident_pk", "version"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_pk: Mapped[int] = mapped_column(ForeignKey("incidents.pk", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    org: Mapped[str] = mapped_column(String(128))
    tlp: Mapped[str] = mapped_column(String(16))
    sharing_group: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(16))
    replaced_by: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)  # the IncidentDraft as JSON, as it was
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced: Mapped[datetime] = mapped_column(DateTime(timezone=True))
