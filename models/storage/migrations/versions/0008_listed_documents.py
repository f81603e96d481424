"""Migration 0008, listed documents: the committee filter's judgement of each document of a
`track_all` court (in scope, outside, or not yet referred), so a crawl need not read it again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.storage.schema import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listed_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("court", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("in_scope", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("judged_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listed_documents")),
        sa.UniqueConstraint("court", "number", name=op.f("uq_listed_documents_court_number")),
    )


def downgrade() -> None:
    op.drop_table("listed_documents")
