"""Messages between two organisations about an incident (sharing server, issue 17).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_messages",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_pk", sa.Integer(), nullable=False),
        sa.Column("thread_org", sa.String(128), nullable=False),
        sa.Column("sender_org", sa.String(128), nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_pk"],
            ["incidents.pk"],
            name="fk_incident_messages_incident_pk_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_incident_messages"),
    )
    op.create_index(
        "ix_incident_messages_thread", "incident_messages", ["incident_pk", "thread_org", "pk"]
    )


def downgrade() -> None:
    op.drop_table("incident_messages")
