"""Migration 0005: unbounded text for crawl-error subjects, alert subjects and order and news
URLs and keys (PostgreSQL enforced the old lengths; a listing URL did not fit).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 06:51:16.586268
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.alter_column(
            "subject",
            existing_type=sa.VARCHAR(length=128),
            type_=sa.Text(),
            existing_nullable=False,
        )

    with op.batch_alter_table("crawl_errors", schema=None) as batch_op:
        batch_op.alter_column(
            "subject", existing_type=sa.VARCHAR(length=64), type_=sa.Text(), existing_nullable=False
        )

    with op.batch_alter_table("listed_orders", schema=None) as batch_op:
        batch_op.alter_column(
            "url", existing_type=sa.VARCHAR(length=512), type_=sa.Text(), existing_nullable=False
        )
        batch_op.alter_column(
            "listing_url",
            existing_type=sa.VARCHAR(length=512),
            type_=sa.Text(),
            existing_nullable=False,
        )

    with op.batch_alter_table("news_items", schema=None) as batch_op:
        batch_op.alter_column(
            "key", existing_type=sa.VARCHAR(length=600), type_=sa.Text(), existing_nullable=False
        )

    with op.batch_alter_table("order_adjustments", schema=None) as batch_op:
        batch_op.alter_column(
            "url", existing_type=sa.VARCHAR(length=512), type_=sa.Text(), existing_nullable=True
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column(
            "url", existing_type=sa.VARCHAR(length=512), type_=sa.Text(), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column(
            "url", existing_type=sa.Text(), type_=sa.VARCHAR(length=512), existing_nullable=False
        )

    with op.batch_alter_table("order_adjustments", schema=None) as batch_op:
        batch_op.alter_column(
            "url", existing_type=sa.Text(), type_=sa.VARCHAR(length=512), existing_nullable=True
        )

    with op.batch_alter_table("news_items", schema=None) as batch_op:
        batch_op.alter_column(
            "key", existing_type=sa.Text(), type_=sa.VARCHAR(length=600), existing_nullable=False
        )

    with op.batch_alter_table("listed_orders", schema=None) as batch_op:
        batch_op.alter_column(
            "listing_url",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=512),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "url", existing_type=sa.Text(), type_=sa.VARCHAR(length=512), existing_nullable=False
        )

    with op.batch_alter_table("crawl_errors", schema=None) as batch_op:
        batch_op.alter_column(
            "subject", existing_type=sa.Text(), type_=sa.VARCHAR(length=64), existing_nullable=False
        )

    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.alter_column(
            "subject",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=128),
            existing_nullable=False,
        )
