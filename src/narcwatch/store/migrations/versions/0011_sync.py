"""Instance sync (sharing server, issue 17): where pulled incidents came from, and how
far each remote collection has been read.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_origins",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_pk", sa.Integer(), nullable=False),
        sa.Column("remote", sa.String(512), nullable=False),
        sa.Column("remote_id", sa.String(256), nullable=False),
        sa.Column("remote_org", sa.String(128), nullable=False),
        sa.Column("remote_modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synced", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_pk"],
            ["incidents.pk"],
            name="fk_sync_origins_incident_pk_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_sync_origins"),
        sa.UniqueConstraint("incident_pk", name="uq_sync_origins_incident_pk"),
        sa.UniqueConstraint("remote", "remote_id", name="uq_sync_origins_remote"),
    )
    op.create_table(
        "sync_cursors",
        sa.Column("remote", sa.String(512), nullable=False),
        sa.Column("collection", sa.String(128), nullable=False),
        sa.Column("org", sa.String(128), nullable=False),
        sa.Column("added_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("remote", "collection", name="pk_sync_cursors"),
    )


def downgrade() -> None:
    op.drop_table("sync_cursors")
    op.drop_table("sync_origins")
