"""What a `legistrack` process loads before it works: every crawl in the tests (and every run of
the daemon's jobs) is a new process, so what it imports and does not need is paid each time.
Run in child processes, as a fresh `legistrack` would be."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from models.storage import db

CHILD = """
import sys
from models.storage.db import ensure_schema, make_engine, require_schema
import scheduler.cli, crawler.run
engine = make_engine(sys.argv[1])
ensure_schema(engine)
require_schema(engine)
print(" ".join(sorted(m for m in ("alembic", "apprise", "mako") if m in sys.modules)))
"""


def loaded_by_a_command(url: str) -> str:
    root = Path(__file__).parent.parent
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, url], capture_output=True, text=True, cwd=root, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_migrations_are_read_as_alembic_reads_them() -> None:
    """The revision check without alembic (its scripts' `revision` lines) agrees with alembic."""
    script = db._script()
    known = frozenset(revision.revision for revision in script.walk_revisions())
    assert db._linear_revisions() == (known, script.get_current_head())


def test_a_command_on_a_current_schema_loads_neither_alembic_nor_apprise(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'lt.db'}"
    db.upgrade(db.make_engine(url))
    assert loaded_by_a_command(url) == ""


def test_a_database_to_create_is_migrated_with_alembic(tmp_path: Path) -> None:
    assert loaded_by_a_command(f"sqlite:///{tmp_path / 'new.db'}") == "alembic mako"


def test_a_revision_this_version_does_not_know_is_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lt.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    with pytest.raises(db.DatabaseUnavailable, match="schema revision 0099_from_the_future"):
        db.ensure_schema(engine)
    engine.dispose()


def test_a_crawl_collects_cycles_less_often_and_restores_the_setting() -> None:
    from crawler.run import CRAWL_GC_THRESHOLD, fewer_collections

    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == (max(before[0], CRAWL_GC_THRESHOLD), *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a crawl that fails")
    assert gc.get_threshold() == before
