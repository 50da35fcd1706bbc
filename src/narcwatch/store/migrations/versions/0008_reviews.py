"""The analysts' review decisions from the web UI's queue (issue 18).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("analyst", sa.String(320), nullable=False),
        sa.Column("org", sa.String(128), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_reviews"),
    )
    op.create_index("ix_reviews_doc_id_pk", "reviews", ["doc_id", "pk"])


def downgrade() -> None:
    op.drop_index("ix_reviews_doc_id_pk", table_name="reviews")
    op.drop_table("reviews")
