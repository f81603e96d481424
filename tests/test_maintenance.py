"""`prune`, `alerts test-notify`, `--version` and the JSON formats of history, diff and sources.

The database is real (a SQLite file, or PostgreSQL when asked); commands run in-process through
click's CliRunner. Bills are made up (court 999)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from models.storage.db import make_engine, session_scope, upgrade
from models.storage.schema import Bill, CrawlError, CrawlRun, Snapshot
from scheduler.cli import cli
from tests.conftest import Receiver

NOW = datetime.now(UTC)


def _config(tmp_path: Path, database_url: str, notify: str = "") -> Path:
    path = tmp_path / "config.toml"
    alerts = f'[alerts]\nnotify = ["{notify}"]\n' if notify else ""
    path.write_text(f'[database]\nurl = "{database_url}"\n{alerts}', encoding="utf-8")
    return path


def _invoke(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _run(session: object, source: str, status: str, days_ago: float, errors: int = 0) -> CrawlRun:
    started = NOW - timedelta(days=days_ago)
    run = CrawlRun(source=source, status=status, started_at=started, finished_at=started)
    run.errors = [CrawlError(subject=f"999:H.{i}", message="HTTP 500") for i in range(errors)]
    session.add(run)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return run


def test_prune_keeps_snapshot_runs_and_the_current_streak(
    tmp_path: Path, database_url: str
) -> None:
    config = _config(tmp_path, database_url)
    engine = make_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        old_ok = _run(session, "legislature", "ok", 200)
        wrote = _run(session, "legislature", "ok", 190)
        bill = Bill(court=999, number="H.1", first_seen_at=NOW)
        session.add(bill)
        session.flush()
        session.add(
            Snapshot(
                bill_id=bill.id,
                crawl_run_id=wrote.id,
                taken_at=wrote.started_at,
                content_hash="x",
                content="{}",
                source="api",
                stage="filed",
            )
        )
        _run(session, "legislature", "failed", 180, errors=2)
        last_ok = _run(session, "news", "ok", 150)
        streak = _run(session, "news", "failed", 120, errors=1)  # news is failing since then
        recent = _run(session, "legislature", "ok", 1)
        ids = {
            "old_ok": old_ok.id,
            "wrote": wrote.id,
            "last_ok": last_ok.id,
            "streak": streak.id,
            "recent": recent.id,
        }

    code, out, _ = _invoke(config, "prune", "--older-than", "90", "--dry-run")
    assert code == 0
    assert out.startswith("would prune 2 crawl runs") and "(2 error rows)" in out
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(CrawlRun)) == 6

    code, out, _ = _invoke(config, "prune", "--older-than", "90")
    assert code == 0, out
    assert "pruned 2 crawl runs" in out and "kept 1 that wrote snapshots" in out
    assert "and 2 that source health reads" in out
    with session_scope(engine) as session:
        left = set(session.scalars(select(CrawlRun.id)))
        assert left == {ids["wrote"], ids["last_ok"], ids["streak"], ids["recent"]}
        assert session.scalar(select(func.count()).select_from(CrawlError)) == 1
        assert session.scalar(select(func.count()).select_from(Snapshot)) == 1
    engine.dispose()


def test_test_notify_reports_each_channel_without_its_url(
    tmp_path: Path, database_url: str, receiver: Receiver
) -> None:
    config = _config(tmp_path, database_url, notify=f"json://{receiver.url}/hook?token=s3cret")
    code, out, err = _invoke(config, "alerts", "test-notify")
    assert code == 0, err
    assert out.strip() == "channel 0 (json): delivered"
    assert receiver.messages and receiver.messages[0]["title"] == "legistrack: test notification"
    receiver.status[0] = 500
    code, out, err = _invoke(config, "alerts", "test-notify")
    assert code == 2
    assert "channel 0 (json)" in err and "s3cret" not in out + err


def test_test_notify_without_any_channel_is_one_line(tmp_path: Path, database_url: str) -> None:
    code, _, err = _invoke(_config(tmp_path, database_url), "alerts", "test-notify")
    assert code == 2
    assert err.strip().startswith("legistrack: error: no channel")


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("legistrack, version ")


def test_history_diff_and_sources_as_json(tmp_path: Path, database_url: str) -> None:
    config = _config(tmp_path, database_url)
    engine = make_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        run = _run(session, "legislature", "ok", 2)
        bill = Bill(court=999, number="H.7", title="An Act made up for a test", first_seen_at=NOW)
        session.add(bill)
        session.flush()
        rows = [
            {"date": "2025-01-10T00:00:00+00:00", "branch": "House", "action": "Referred to x"},
            {"date": "2025-03-01T00:00:00+00:00", "branch": "House", "action": "Reported"},
        ]
        for taken, count, stage in ((3, 1, "in_committee"), (1, 2, "reported_favorably")):
            content = {"number": "H.7", "title": bill.title, "actions": rows[:count]}
            session.add(
                Snapshot(
                    bill_id=bill.id,
                    crawl_run_id=run.id,
                    source="api",
                    stage=stage,
                    taken_at=NOW - timedelta(days=taken),
                    content_hash=str(count),
                    content=json.dumps(content),
                )
            )
    engine.dispose()

    code, out, err = _invoke(config, "history", "H.7", "--format", "json")
    assert code == 0, err
    history = json.loads(out)
    assert history["bill"]["number"] == "H.7" and history["bill"]["court"] == 999
    assert [s["stage"] for s in history["snapshots"]] == ["in_committee", "reported_favorably"]
    assert [a["action"] for a in history["snapshots"][1]["added"]] == ["Reported"]

    code, out, err = _invoke(config, "diff", "H.7", "--format", "json")
    assert code == 0, err
    diff = json.loads(out)
    assert diff["stage"] == {"from": "in_committee", "to": "reported_favorably"}
    assert [a["action"] for a in diff["added"]] == ["Reported"] and diff["removed"] == []

    code, out, err = _invoke(config, "sources", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["sources"] == []  # nothing configured to read


NOTE = """Constructed note, written for a test
Posted on March 2, 2026

H.1005 is still in committee.
"""


def test_notes_check_and_show_as_json(tmp_path: Path, database_url: str) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "dated.txt").write_text(NOTE, encoding="utf-8")
    (notes / "undated.txt").write_text("H.1005 is pending.\n", encoding="utf-8")
    config = _config(tmp_path, database_url)
    config.write_text(
        config.read_text()
        + '[notes]\npaths = ["notes"]\n\n[[measures]]\nname = "Made-up bill"\n'
        + 'bills = [{court = 999, number = "H.1005"}]\n',
        encoding="utf-8",
    )
    assert _invoke(config, "init")[0] == 0

    code, out, err = _invoke(config, "notes", "check", "--format", "json")
    assert code == 0, err
    checked = json.loads(out)
    assert (checked["checked"], checked["stale"], checked["undated"]) == (2, 0, 1)
    by_name = {n["name"]: n for n in checked["notes"]}
    assert by_name["notes/dated.txt"]["date"] == "2026-03-02"
    assert by_name["notes/dated.txt"]["undated"] is False
    assert by_name["notes/undated.txt"]["undated"] is True
    assert all(n["status"] == "ok" and n["findings"] == [] for n in checked["notes"])

    code, out, err = _invoke(config, "notes", "show", str(notes / "dated.txt"), "--format", "json")
    assert code == 0, err
    [shown] = json.loads(out)["notes"]
    assert shown["date"] == "2026-03-02" and shown["date_source"] == "text"
    [subject] = shown["subjects"]
    assert (subject["key"], subject["claim"]) == ("999:H.1005", "in_committee")

    code, out, err = _invoke(config, "notes", "show", "--format", "json")
    assert code == 0, err
    listed = json.loads(out)
    assert listed["undated"] == ["notes/undated.txt"]
    assert {n["name"] for n in listed["notes"]} == {"notes/dated.txt", "notes/undated.txt"}
