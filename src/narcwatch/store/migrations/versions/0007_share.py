"""The sharing server (issue 17): organisations, users, API tokens, sharing groups,
incidents with their correlation index, alerts and the hash-chained audit log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("contact", sa.String(320), nullable=False),
        sa.Column("created", _TS, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_organisations"),
    )
    op.create_table(
        "users",
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("org", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("created", _TS, nullable=False),
        sa.ForeignKeyConstraint(["org"], ["organisations.name"], name="fk_users_org_organisations"),
        sa.PrimaryKeyConstraint("email", name="pk_users"),
    )
    op.create_index("ix_users_org", "users", ["org"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("created", _TS, nullable=False),
        sa.Column("expires", _TS, nullable=True),
        sa.Column("revoked", _TS, nullable=True),
        sa.ForeignKeyConstraint(["email"], ["users.email"], name="fk_api_tokens_email_users"),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_email", "api_tokens", ["email"])
    op.create_table(
        "sharing_groups",
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("created", _TS, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_sharing_groups"),
    )
    op.create_table(
        "sharing_group_members",
        sa.Column("group", sa.String(128), nullable=False),
        sa.Column("org", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(
            ["group"],
            ["sharing_groups.name"],
            name="fk_sharing_group_members_group_sharing_groups",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org"], ["organisations.name"], name="fk_sharing_group_members_org_organisations"
        ),
        sa.PrimaryKeyConstraint("group", "org", name="pk_sharing_group_members"),
    )
    op.create_table(
        "incidents",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("org", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("tlp", sa.String(16), nullable=False),
        sa.Column("sharing_group", sa.String(128), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created", _TS, nullable=False),
        sa.Column("updated", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["org"], ["organisations.name"], name="fk_incidents_org_organisations"
        ),
        sa.ForeignKeyConstraint(
            ["sharing_group"],
            ["sharing_groups.name"],
            name="fk_incidents_sharing_group_sharing_groups",
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_incidents"),
        sa.UniqueConstraint("id", name="uq_incidents_id"),
    )
    op.create_index("ix_incidents_kind", "incidents", ["kind"])
    op.create_index("ix_incidents_updated", "incidents", ["updated"])
    op.create_index("ix_incidents_org_tlp", "incidents", ["org", "tlp"])
    op.create_table(
        "incident_keys",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_pk", sa.Integer(), nullable=False),
        sa.Column("org", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ident", sa.String(32), nullable=False),
        sa.Column("value", sa.String(1024), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_pk"],
            ["incidents.pk"],
            name="fk_incident_keys_incident_pk_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_incident_keys"),
    )
    op.create_index("ix_incident_keys_incident_pk", "incident_keys", ["incident_pk"])
    op.create_index("ix_incident_keys_ident_org", "incident_keys", ["ident", "org"])
    op.create_table(
        "alerts",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org", sa.String(128), nullable=False),
        sa.Column("incident_pk", sa.Integer(), nullable=False),
        sa.Column("other_pk", sa.Integer(), nullable=False),
        sa.Column("match_kind", sa.String(16), nullable=False),
        sa.Column("ident", sa.String(32), nullable=False),
        sa.Column("value", sa.String(1024), nullable=False),
        sa.Column("created", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_pk"],
            ["incidents.pk"],
            name="fk_alerts_incident_pk_incidents",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_pk"], ["incidents.pk"], name="fk_alerts_other_pk_incidents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_alerts"),
        sa.UniqueConstraint("org", "incident_pk", "other_pk", "ident", name="uq_alerts_match"),
    )
    op.create_index("ix_alerts_org_pk", "alerts", ["org", "pk"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("org", sa.String(128), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(256), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "alerts",
        "incident_keys",
        "incidents",
        "sharing_group_members",
        "sharing_groups",
        "api_tokens",
        "users",
        "organisations",
    ):
        op.drop_table(table)
