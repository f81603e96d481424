"""Migration 0009 (review outcomes): the verdict a reviewer gives when resolving an alert
(note_updated, false_alarm, will_not_fix), on the alert and on the event that recorded it.

Revision ID: 0009_review_outcomes
Revises: 0008
Create Date: 2026-12-03 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_review_outcomes"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.drop_column("outcome")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_column("outcome")
