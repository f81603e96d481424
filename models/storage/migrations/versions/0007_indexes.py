"""Migration 0007, indexes for a whole court: bills by the date of their newest action (the
polling policy's dormancy order), a source's crawl runs newest first.

The other lookups a court-wide check and status make were covered already: bills by (court,
number) and (court, docket), relations by bill and by object, actions by (bill, position),
snapshots by (bill, taken_at), alerts by (note, subject, rule, evidence) and by state, alert
events by alert, crawl errors by run.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index("ix_bills_last_action_at", ["last_action_at"], unique=False)
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.create_index("ix_crawl_runs_source_id", ["source", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_crawl_runs_source_id")
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_index("ix_bills_last_action_at")
