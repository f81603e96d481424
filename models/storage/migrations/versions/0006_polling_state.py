"""Migration 0006, polling state: per bill the stored history's hash, the source's validators
(ETag, Last-Modified) and the newest action's date; per crawl run the 304s and policy skips.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 11:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.storage.schema import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("history_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("history_etag", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("history_last_modified", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_action_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("not_modified", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("skipped", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("skipped")
        batch_op.drop_column("not_modified")
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_column("last_action_at")
        batch_op.drop_column("history_last_modified")
        batch_op.drop_column("history_etag")
        batch_op.drop_column("history_hash")
