"""Captures: where each document's archived capture lies (WARC file, offset, SHA-256).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "captures",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(64), nullable=True),
        sa.Column("job", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("warc_path", sa.Text(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("payload_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_captures"),
    )
    op.create_index("ix_captures_doc_id", "captures", ["doc_id"])
    op.create_index("ix_captures_job", "captures", ["job"])
    op.create_index("ix_captures_payload_sha256", "captures", ["payload_sha256"])


def downgrade() -> None:
    op.drop_table("captures")
