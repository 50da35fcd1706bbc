"""Comments and sightings on incidents (sharing server, issue 17), on the same metadata
as the other tables (migration 0012). Both are read by whoever may see the incident."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from narcwatch.store.tables import Base

__all__ = ["CommentRow", "SightingRow"]


class CommentRow(Base):
    __tablename__ = "incident_comments"
    __table_args__ = (Index("ix_incident_comments_incident", "incident_pk", "pk"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_pk: Mapped[int] = mapped_column(ForeignKey("incidents.pk", ondelete="CASCADE"))
    org: Mapped[str] = mapped_column(String(128))
    author: Mapped[str] = mapped_column(String(320))
    body: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SightingRow(Base):
    """``kind``: seen | false_positive | expired; ``seen_on`` and ``country`` if known."""

    __tablename__ = "incident_sightings"
    __table_args__ = (Index("ix_incident_sightings_incident", "incident_pk", "pk"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_pk: Mapped[int] = mapped_column(ForeignKey("incidents.pk", ondelete="CASCADE"))
    org: Mapped[str] = mapped_column(String(128))
    author: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(16))
    seen_on: Mapped[date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(2))
    note: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
