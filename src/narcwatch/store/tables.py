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
    UniqueConstraint,
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
    # NULL: a value read from an input field (the vendor from the author field), not text.
    start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    strength: Mapped[str] = mapped_column(String(16))


# --- The link stage (narcwatch link): actors persisted so linking is incremental. ---


class ActorRow(Base):
    """An actor: documents that share linking selectors. ``status`` is ``active``, or
    ``merged`` (into ``merged_into``) or ``empty`` once its documents went elsewhere."""

    __tablename__ = "actors"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    merged_into: Mapped[str | None] = mapped_column(String(16))
    n_docs: Mapped[int] = mapped_column(Integer, default=0, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ActorDocRow(Base):
    """Which actor a (latest) document belongs to; one row per document."""

    __tablename__ = "actor_docs"

    document_pk: Mapped[int] = mapped_column(
        ForeignKey("documents.pk", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[str] = mapped_column(String(16), index=True)


class LinkKeyRow(Base):
    """A selector as the link stage sees it: ``scope`` is empty for strong selectors and
    the platform for vendor names (a name links only within its platform). ``ident`` is a
    digest of (type, scope, value) so lookups are one indexed IN.

    ``status``: ``linking``; ``market`` (seen with too many vendor names or platforms);
    ``known`` (a known market/exchange/documentation selector, from the knowledge base);
    ``rejected`` (an analyst marked the link wrong). Only ``linking`` keys link documents.
    ``vendors``/``platforms`` hold the distinct names seen, capped just past the limits.
    """

    __tablename__ = "link_keys"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ident: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(1024))
    scope: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(16), default="linking", index=True)
    actor_id: Mapped[str | None] = mapped_column(String(16), index=True)
    n_docs: Mapped[int] = mapped_column(Integer, default=0)
    vendors: Mapped[str] = mapped_column(Text, default="[]")
    platforms: Mapped[str] = mapped_column(Text, default="[]")
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LinkOverrideRow(Base):
    """An analyst's verdict on a selector: ``reject`` means it must never link documents
    (kept across re-runs and rebuilds until removed with ``narcwatch link restore``)."""

    __tablename__ = "link_overrides"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ident: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(1024))
    scope: Mapped[str] = mapped_column(String(128), default="")
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    analyst: Mapped[str] = mapped_column(String(128), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ActorEventRow(Base):
    """The history of actors: create (counted, not one row each), merge, split, override,
    rebuild; ``detail`` is JSON (other actor ids, the selector, document counts)."""

    __tablename__ = "actor_events"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(16), index=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")


# --- Evidence (issue 7): where each stored document's capture lies in the WARC archives. ---


class CaptureRow(Base):
    """One archived capture (crawled page or imported file) and the document read from it.
    ``doc_id`` is the document's SHA-256 id (several captures may give the same document);
    ``warc_path`` is relative to ``HOME/archive`` when under it, else absolute."""

    __tablename__ = "captures"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str | None] = mapped_column(String(64), index=True)
    job: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # crawl | import
    url: Mapped[str] = mapped_column(Text)
    warc_path: Mapped[str] = mapped_column(Text)
    offset: Mapped[int] = mapped_column(Integer)
    length: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[str] = mapped_column(String(128))
    payload_sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- The crawler (narcwatch crawl): jobs and their frontier, so --resume continues. ---


class CrawlJobRow(Base):
    """One crawl: its seeds and settings (JSON) so ``--resume`` continues it as started.
    ``status``: running | finished | stopped (a limit or an interruption)."""

    __tablename__ = "crawl_jobs"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seeds: Mapped[str] = mapped_column(Text, default="[]")
    settings: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CrawlUrlRow(Base):
    """A URL of a crawl, by canonical form (unique per job).
    ``state``: queued | fetching | done | failed | skipped."""

    __tablename__ = "crawl_urls"
    __table_args__ = (
        UniqueConstraint("job", "url", name="uq_crawl_urls_job_url"),
        # Read backwards, the claim order (migration 0005): best priority, then newest.
        Index("ix_crawl_urls_claim", "job", "state", "priority", "pk"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(128))
    url: Mapped[str] = mapped_column(Text)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
