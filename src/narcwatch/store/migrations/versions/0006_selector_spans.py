"""Selector rows may have no span: a vendor read from the record's author field names no
stretch of the text (it was stored at [0, 0], which pointed at the wrong text).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot ALTER a column's nullability in place.
    with op.batch_alter_table("selector_hits") as batch:
        batch.alter_column("start", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("end", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute('UPDATE selector_hits SET start = 0, "end" = 0 WHERE start IS NULL')
    with op.batch_alter_table("selector_hits") as batch:
        batch.alter_column("start", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("end", existing_type=sa.Integer(), nullable=False)
