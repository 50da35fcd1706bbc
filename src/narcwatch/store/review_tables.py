"""The analysts' review decisions (issue 18): one row per decision, never overwritten, so
the queue shows the latest and the history stays (who changed their mind, and when)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from narcwatch.store.tables import Base


class ReviewRow(Base):
    """An analyst's decision on a document (by its content hash ``doc_id``): ``confirm``
    (a drug offer), ``dismiss`` (not one) or ``escalate`` (needs a second look)."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_doc_id_pk", "doc_id", "pk"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    analyst: Mapped[str] = mapped_column(String(320))
    org: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
