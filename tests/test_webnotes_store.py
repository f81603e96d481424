"""Web notes in storage, on a real database: migration 0010_web_notes, versions only on change,
conditional-read state, failure streaks, the newest version per page, and pruning."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from models.storage.db import alembic_config, make_engine, session_scope
from models.storage.runs import prune_runs
from models.storage.schema import Base, WebNotePage
from models.storage.store import start_run
from models.storage.webnotes import (
    current_pages,
    is_gone,
    known_pages,
    page_failed,
    page_versions,
    save_page,
    touch_page,
)

T0 = datetime(2026, 4, 20, 12, tzinfo=UTC)
URL = "https://notes.example.org/wiki/made-up-s1003"


@dataclass(frozen=True)
class Read:
    """A page read (the shape of crawler.items.WebNoteRead), constructed."""

    url: str = URL
    fetched_from: str = URL
    title: str | None = "Made-up S.1003"
    text: str = "S.1003 is in committee."
    note_date: str | None = "2025-06-01"
    date_source: str | None = "'Last updated:' text"
    edit_url: str | None = URL + "/edit"
    etag: str | None = '"v1"'
    last_modified: str | None = None
    sitemap_lastmod: str | None = "2025-06-01"


def test_migration_creates_the_tables_as_the_models_declare(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        command.upgrade(alembic_config(engine), "0009_review_outcomes")
        assert "web_note_pages" not in inspect(engine).get_table_names()
        command.upgrade(alembic_config(engine), "0010_web_notes")
        with engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        mine = [d for d in diffs if "web_note" in repr(d)]
        assert mine == []
        command.downgrade(alembic_config(engine), "0009_review_outcomes")
        assert "web_note_snapshots" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_version_only_when_the_text_or_date_changed(engine: Engine) -> None:
    with session_scope(engine) as session:
        run = start_run(session, "notes", T0)
        assert save_page(session, run, Read(), T0)
        assert not save_page(session, run, replace(Read(), etag='"v1b"'), T0)  # same text
        assert save_page(session, run, replace(Read(), note_date="2025-06-03"), T0)
        edited = replace(Read(), note_date="2025-06-03", text="S.1003 passed the Senate.")
        assert save_page(session, run, edited, T0)
        assert (run.checked, run.changed) == (4, 3)
    with session_scope(engine) as session:
        versions = page_versions(session, URL)
        assert [v.version for v in versions] == [1, 2, 3]
        assert versions[0].text == "S.1003 is in committee."  # history kept
        (page,) = current_pages(session)
        assert (page.version, page.text, page.note_date) == (
            3, "S.1003 passed the Senate.", date(2025, 6, 3),
        )  # fmt: skip
        known = known_pages(session)[URL]
        assert (known.etag, known.sitemap_lastmod, known.stored) == ('"v1"', "2025-06-01", True)


def test_unchanged_reads_and_a_failure_streak(engine: Engine) -> None:
    with session_scope(engine) as session:
        run = start_run(session, "notes", T0)
        save_page(session, run, Read(), T0)
        touch_page(session, run, URL, True, False, '"v2"', None, "2025-06-02", T0)
        touch_page(session, run, URL, False, True, now=T0)
        assert (run.checked, run.not_modified, run.skipped) == (2, 1, 1)
        for day in range(3):
            page_failed(session, URL, 404, "HTTP 404 at ...", T0 + timedelta(days=day))
    with session_scope(engine) as session:
        (page,) = current_pages(session)
        assert (page.failures, page.last_status, page.version) == (3, 404, 1)
        assert is_gone(page.failures, page.last_status, 3) and not is_gone(3, 404, 4)
        row = session.get(WebNotePage, 1)
        assert row is not None and row.failing_since == T0 and row.etag == '"v2"'
        run = start_run(session, "notes", T0)
        touch_page(session, run, URL, True, False, now=T0)  # read again: the streak ends
        (page,) = current_pages(session)
        assert (page.failures, page.last_status) == (0, None)


def test_prune_keeps_the_run_that_wrote_a_web_note_version(engine: Engine) -> None:
    with session_scope(engine) as session:
        wrote = start_run(session, "notes", T0)
        save_page(session, wrote, Read(), T0)
        wrote.status = "ok"
        idle = start_run(session, "notes", T0 + timedelta(hours=1))
        idle.status = "ok"
        later = start_run(session, "notes", T0 + timedelta(days=200))
        later.status = "ok"
    with session_scope(engine) as session:
        pruned = prune_runs(session, T0 + timedelta(days=100))
        assert (pruned.runs, pruned.kept_for_snapshots) == (1, 1)
        assert page_versions(session, URL)[0].crawl_run_id == wrote.id
