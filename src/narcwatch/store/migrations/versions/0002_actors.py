"""Persisted actors for incremental linking: actors, actor_docs, link_keys,
link_overrides, actor_events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("merged_into", sa.String(16), nullable=True),
        sa.Column("n_docs", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_actors"),
    )
    op.create_index("ix_actors_status", "actors", ["status"])
    op.create_index("ix_actors_n_docs", "actors", ["n_docs"])
    op.create_table(
        "actor_docs",
        sa.Column("document_pk", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_pk"],
            ["documents.pk"],
            name="fk_actor_docs_document_pk_documents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_pk", name="pk_actor_docs"),
    )
    op.create_index("ix_actor_docs_actor_id", "actor_docs", ["actor_id"])
    op.create_table(
        "link_keys",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ident", sa.String(32), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("value", sa.String(1024), nullable=False),
        sa.Column("scope", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(16), nullable=True),
        sa.Column("n_docs", sa.Integer(), nullable=False),
        sa.Column("vendors", sa.Text(), nullable=False),
        sa.Column("platforms", sa.Text(), nullable=False),
        sa.Column("first_seen", TZ, nullable=False),
        sa.Column("last_seen", TZ, nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_link_keys"),
        sa.UniqueConstraint("ident", name="uq_link_keys_ident"),
    )
    op.create_index("ix_link_keys_status", "link_keys", ["status"])
    op.create_index("ix_link_keys_actor_id", "link_keys", ["actor_id"])
    op.create_table(
        "link_overrides",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ident", sa.String(32), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("value", sa.String(1024), nullable=False),
        sa.Column("scope", sa.String(128), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("analyst", sa.String(128), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_link_overrides"),
        sa.UniqueConstraint("ident", name="uq_link_overrides_ident"),
    )
    op.create_table(
        "actor_events",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(16), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_actor_events"),
    )
    op.create_index("ix_actor_events_actor_id", "actor_events", ["actor_id"])


def downgrade() -> None:
    for table in ("actor_events", "link_overrides", "link_keys", "actor_docs", "actors"):
        op.drop_table(table)
