"""Comments and sightings on incidents (sharing server, issue 17).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _common() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_pk", sa.Integer(), nullable=False),
        sa.Column("org", sa.String(128), nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
    ]


def _tail(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_pk"],
            ["incidents.pk"],
            name=f"fk_{table}_incident_pk_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "incident_comments",
        *_common(),
        sa.Column("body", sa.Text(), nullable=False),
        *_tail("incident_comments"),
    )
    op.create_index("ix_incident_comments_incident", "incident_comments", ["incident_pk", "pk"])
    op.create_table(
        "incident_sightings",
        *_common(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_tail("incident_sightings"),
    )
    op.create_index("ix_incident_sightings_incident", "incident_sightings", ["incident_pk", "pk"])


def downgrade() -> None:
    op.drop_table("incident_sightings")
    op.drop_table("incident_comments")
