"""Migration 0002, lineage: the relations table and bills.found_via.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:58:46.665886
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.storage.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("object_court", sa.Integer(), nullable=False),
        sa.Column("object_number", sa.String(length=16), nullable=False),
        sa.Column("since", UTCDateTime(timezone=True), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_relations_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relations")),
        sa.UniqueConstraint(
            "bill_id",
            "type",
            "object_court",
            "object_number",
            name=op.f("uq_relations_bill_id_type_object_court_object_number"),
        ),
    )
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relations_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(
            "ix_relations_object", ["object_court", "object_number"], unique=False
        )

    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("found_via", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_column("found_via")

    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.drop_index("ix_relations_object")
        batch_op.drop_index(batch_op.f("ix_relations_bill_id"))

    op.drop_table("relations")
