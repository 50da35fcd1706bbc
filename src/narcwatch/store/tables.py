"""The store's tables (SQLAlchemy 2). Alembic migrations in ``migrations/`` create them;
a test proves migrations and these models agree.

One row per document *version*: ``doc_id`` is the SHA-256 of the content (so re-scanning
adds nothing), ``doc_key`` the identity across versions (the record's own id on its
platform, else its URL, else file and location), ``is_latest`` marks the current version.
Substance and selector hits are rows of their own so reports and links are SQL GROUP BYs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DocumentRow(Base):
    __tablename__ = "documents"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(64), unique=True)
    doc_key: Mapped[str] = mapped_column(String(1024), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    source: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(256))
    source_id: Mapped[str | None] = mapped_column(String(512))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    platform: Mapped[str | None] = mapped_column(String(128), index=True)
    author: Mapped[str | None] = mapped_column(String(512))
    published: Mapped[str | None] = mapped_column(String(40))
    lang: Mapped[str | None] = mapped_column(String(8))
    offer: Mapped[bool] = mapped_column(Boolean, default=False)
    offer_score: Mapped[float] = mapped_column(Float, default=0.0)
    risk: Mapped[float] = mapped_column(Float, default=0.0)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finding: Mapped[str] = mapped_column(Text)  # the full finding as JSON


class SubstanceHitRow(Base):
    __tablename__ = "substance_hits"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_pk: Mapped[int] = mapped_column(
        ForeignKey("documents.pk", ondelete="CASCADE"), index=True
    )
    substance_id: Mapped[str] = mapped_column(String(128), index=True)
    name: Mapped[str] = mapped_column(String(256))
    matched: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(64))
    control: Mapped[str] = mapped_column(String(256), default="")  # "1961-I,1961-IV"


class SelectorHitRow(Base):
    __tablename__ = "selector_hits"
    __table_args__ = (Index("ix_selector_hits_type_value", "type", "value"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_pk: Mapped[int] = mapped_column(
        ForeignKey("documents.pk", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(1024))
    matched: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    strength: Mapped[str] = mapped_column(String(16))
