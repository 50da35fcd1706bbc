"""The frontier's claim order as an index: best priority first, then newest.

``ix_crawl_urls_job_state_priority`` held the priority only, and claims ordered ties by
``pk`` ascending, so every claim sorted all queued URLs of equal priority (a whole
breadth-first level) again: claims grew slower as the frontier grew. Claims now order by
``priority DESC, pk DESC``, which this index serves read backwards with no sort.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_crawl_urls_job_state_priority", table_name="crawl_urls")
    op.create_index(
        "ix_crawl_urls_claim",
        "crawl_urls",
        ["job", "state", "priority", "pk"],
    )


def downgrade() -> None:
    op.drop_index("ix_crawl_urls_claim", table_name="crawl_urls")
    op.create_index("ix_crawl_urls_job_state_priority", "crawl_urls", ["job", "state", "priority"])
