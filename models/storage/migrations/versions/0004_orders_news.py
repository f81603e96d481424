"""Migration 0004, orders and news: executive orders, their adjustments and snapshots, listed
order links, and news items.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 06:18:18.728853
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.storage.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listed_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=512), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("listing_url", sa.String(length=512), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listed_orders")),
        sa.UniqueConstraint("url", name=op.f("uq_listed_orders_url")),
    )
    with op.batch_alter_table("listed_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_listed_orders_listing_url"), ["listing_url"], unique=False
        )

    op.create_table(
        "news_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("feed", sa.String(length=128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", UTCDateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("subjects", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_items")),
        sa.UniqueConstraint("key", name=op.f("uq_news_items_key")),
    )
    with op.batch_alter_table("news_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_news_items_published"), ["published"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=512), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("mass_register", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tracked", sa.Boolean(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("is_new", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_checked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("url", name=op.f("uq_orders_url")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_number"), ["number"], unique=False)

    op.create_table(
        "order_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=512), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_adjustments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_adjustments")),
    )
    with op.batch_alter_table("order_adjustments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_order_adjustments_order_id"), ["order_id"], unique=False
        )

    op.create_table(
        "order_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_order_snapshots_crawl_run_id_crawl_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_snapshots_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_snapshots")),
    )
    with op.batch_alter_table("order_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_snapshots_order_id"), ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("order_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_snapshots_order_id"))

    op.drop_table("order_snapshots")
    with op.batch_alter_table("order_adjustments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_adjustments_order_id"))

    op.drop_table("order_adjustments")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_number"))

    op.drop_table("orders")
    with op.batch_alter_table("news_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_news_items_published"))

    op.drop_table("news_items")
    with op.batch_alter_table("listed_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listed_orders_listing_url"))

    op.drop_table("listed_orders")
