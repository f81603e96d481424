"""Migration 0010_web_notes: notes published on the web, each page with its validators and
failure streak, and its text snapshots (written only on change, history kept).

Revision ID: 0010_web_notes
Revises: 0009_review_outcomes
Create Date: 2026-12-03 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.storage.schema import UTCDateTime

revision = "0010_web_notes"
down_revision = "0009_review_outcomes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_note_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("sitemap_lastmod", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_checked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("failing_since", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_note_pages")),
        sa.UniqueConstraint("url", name=op.f("uq_web_note_pages_url")),
    )
    op.create_table(
        "web_note_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("taken_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("note_date", sa.String(length=10), nullable=True),
        sa.Column("date_source", sa.Text(), nullable=True),
        sa.Column("edit_url", sa.Text(), nullable=True),
        sa.Column("fetched_from", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["web_note_pages.id"],
            name=op.f("fk_web_note_snapshots_page_id_web_note_pages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_web_note_snapshots_crawl_run_id_crawl_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_note_snapshots")),
    )
    op.create_index(
        "ix_web_note_snapshots_page_id_taken_at",
        "web_note_snapshots",
        ["page_id", "taken_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_web_note_snapshots_page_id_taken_at", table_name="web_note_snapshots")
    op.drop_table("web_note_snapshots")
    op.drop_table("web_note_pages")
