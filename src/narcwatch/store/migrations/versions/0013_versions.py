"""Earlier versions of incidents: edits, pulled versions and sync conflicts (issue 17).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_versions",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_pk", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org", sa.String(128), nullable=False),
        sa.Column("tlp", sa.String(16), nullable=False),
        sa.Column("sharing_group", sa.String(128), nullable=True),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("replaced_by", sa.String(128), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_pk"],
            ["incidents.pk"],
            name="fk_incident_versions_incident_pk_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_incident_versions"),
        sa.UniqueConstraint("incident_pk", "version", name="uq_incident_versions_incident_pk"),
    )


def downgrade() -> None:
    op.drop_table("incident_versions")
