"""Documents (versioned), substance hits and selector hits.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("doc_key", sa.String(1024), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("location", sa.String(256), nullable=False),
        sa.Column("source_id", sa.String(512), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("platform", sa.String(128), nullable=True),
        sa.Column("author", sa.String(512), nullable=True),
        sa.Column("published", sa.String(40), nullable=True),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("offer", sa.Boolean(), nullable=False),
        sa.Column("offer_score", sa.Float(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_documents"),
        sa.UniqueConstraint("doc_id", name="uq_documents_doc_id"),
    )
    op.create_index("ix_documents_doc_key", "documents", ["doc_key"])
    op.create_index("ix_documents_is_latest", "documents", ["is_latest"])
    op.create_index("ix_documents_platform", "documents", ["platform"])
    op.create_table(
        "substance_hits",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_pk", sa.Integer(), nullable=False),
        sa.Column("substance_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("matched", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("control", sa.String(256), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_pk"],
            ["documents.pk"],
            name="fk_substance_hits_document_pk_documents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_substance_hits"),
    )
    op.create_index("ix_substance_hits_document_pk", "substance_hits", ["document_pk"])
    op.create_index("ix_substance_hits_substance_id", "substance_hits", ["substance_id"])
    op.create_table(
        "selector_hits",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_pk", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("value", sa.String(1024), nullable=False),
        sa.Column("matched", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("strength", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_pk"],
            ["documents.pk"],
            name="fk_selector_hits_document_pk_documents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_selector_hits"),
    )
    op.create_index("ix_selector_hits_document_pk", "selector_hits", ["document_pk"])
    op.create_index("ix_selector_hits_type_value", "selector_hits", ["type", "value"])


def downgrade() -> None:
    op.drop_table("selector_hits")
    op.drop_table("substance_hits")
    op.drop_table("documents")
