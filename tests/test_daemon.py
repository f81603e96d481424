"""The daemon run for real as a process, `poll`, `sources`, locks and source health."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import Engine, func, select

from crawler.replay import Canned, ReplayServer
from models.config import Config, ScheduleSettings
from models.storage.db import make_engine, session_scope
from models.storage.schema import CrawlRun, Snapshot
from scheduler.locks import DatabaseLock

from .conftest import Project, Receiver, legistrack_bin, write_config

NOTE = """Made-up Senate note

S.1003 passed the Senate.

Last updated: Jun 1, 2025
"""
SCHEDULE = """
[schedule]
legislature = "every 2s"
timeout = 60
stop_grace = 5
failures_before_alert = 3
"""


@pytest.fixture
def daemon_project(
    tmp_path: Path, database_url: str, site: ReplayServer, receiver: Receiver
) -> Project:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "senate.txt").write_text(NOTE)
    config = write_config(tmp_path, database_url, site.url, {"Example": [(999, "S.1003")]})
    config.write_text(
        config.read_text()
        + SCHEDULE
        + f'\n[notes]\npaths = ["notes"]\n\n[alerts]\nnotify = ["json://{receiver.url}/hook"]\n'
    )
    return Project(tmp_path, config, database_url)


class Lines:
    """The daemon's stderr, read line by line as it comes."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, predicate: Any, limit: float = 60) -> list[str]:
        """Block until `predicate(lines)` holds (bounded, so a broken daemon fails the test)."""
        with self.changed:
            done = self.changed.wait_for(lambda: predicate(self.lines), timeout=limit)
            assert done, "\n".join(self.lines)
            return list(self.lines)


def start_daemon(project: Project) -> tuple[subprocess.Popen[str], Lines]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    proc = subprocess.Popen(
        [legistrack_bin(), "--config", str(project.config), "daemon"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    return proc, Lines(proc.stderr)


def jobs(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("legislature: ")]


def processes_using(config: Path) -> list[int]:
    """Processes whose command line names this config (the daemon's crawl children do)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(config) in cmdline:
                found.append(int(entry.name))
    return found


def test_daemon_crawls_alerts_notifies_refuses_a_twin_and_stops_cleanly(
    daemon_project: Project, site: ReplayServer, receiver: Receiver
) -> None:
    proc, out = start_daemon(daemon_project)
    try:
        first = out.wait_for(lambda lines: len(jobs(lines)) >= 1)
        assert jobs(first)[0].startswith("legislature: ok, 1 items, 1 changed, 0 failed, ")
        assert receiver.messages == []  # the note is right: nothing to say
        twin = daemon_project.run("daemon")
        assert twin.code == 2
        assert "a legistrack daemon is already running on this database" in twin.err
        # The record moves: the House passes S.1003 after the note's date.
        before = len(jobs(out.lines))
        path = site.root / "api/GeneralCourts/999/Documents/S1003/DocumentHistoryActions.json"
        rows = json.loads(path.read_text())
        action = "Read third and passed to be engrossed"
        rows.append(
            {"Date": "2025-06-12T11:00", "Branch": "House", "Action": action, "IsStricken": False}
        )
        path.write_text(json.dumps(rows))
        lines = out.wait_for(lambda lines: any("notified" in j for j in jobs(lines)[before:]))
        cycles = jobs(lines)[before:]
        assert len(cycles) <= 2, cycles  # the alert went out within two cycles
        assert "1 changed" in " ".join(cycles)
        alerts = json.loads(daemon_project.run("alerts", "--format", "json", check=True).out)
        titles = [str(m["title"]) for m in receiver.messages]
        assert {(a["subject"], a["rule"]) for a in alerts} == {
            ("999:S.1003", "changed_since_note")
        }, (alerts, titles)
        (message,) = receiver.messages
        assert "changed_since_note" in str(message["title"])
        assert "999:S.1003" in str(message["message"])
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0
    final = out.wait_for(lambda lines: "legistrack daemon: stopped" in lines)
    assert "legistrack daemon: SIGTERM: stopping" in final
    assert processes_using(daemon_project.config) == []  # no orphan crawl child


def test_a_failing_source_raises_source_failing_once_then_resolves(
    daemon_project: Project, site: ReplayServer, receiver: Receiver
) -> None:
    project = daemon_project
    project.run("crawl", check=True)
    engine = make_engine(project.database_url)

    def snapshots() -> int:
        with session_scope(engine) as session:
            return session.scalar(select(func.count()).select_from(Snapshot)) or 0

    stage = json.loads(project.run("status", "--format", "json", check=True).out)
    site.fail_all = Canned(503, b"down for maintenance", {"Retry-After": "0"})
    for attempt in range(4):
        result = project.run("crawl")
        assert result.code == 2
        alerts = json.loads(project.run("alerts", "--format", "json", check=True).out)
        failing = [a for a in alerts if a["rule"] == "source_failing"]
        assert len(failing) == (1 if attempt >= 2 else 0), attempt  # raised once, at the third
    assert failing[0]["subject"] == "legislature"
    assert (
        "failed 3 times in a row" in failing[0]["message"]
        or "failed 4 times" in failing[0]["message"]
    )
    assert "HTTP 503" in failing[0]["message"]
    notified = [m for m in receiver.messages if "source_failing" in str(m["title"])]
    assert len(notified) == 1
    assert snapshots() == 1  # nothing lost, nothing invented
    assert (
        json.loads(project.run("status", "--format", "json", check=True).out)["measures"]
        == (stage["measures"])
    )
    sources = project.run("sources", check=True).out
    assert "legislature" in sources and "  4  " in sources
    site.fail_all = None
    project.run("crawl", check=True)
    resolved = json.loads(project.run("alerts", "--state", "resolved", "--format", "json").out)
    assert [a["rule"] for a in resolved] == ["source_failing"]
    engine.dispose()


def test_a_crawl_refuses_while_another_crawl_of_the_source_runs(daemon_project: Project) -> None:
    with DatabaseLock(daemon_project.database_url, "crawl-legislature", "a crawl of legislature"):
        result = daemon_project.run("crawl")
    assert result.code == 2
    assert result.err.strip().startswith("legistrack: error: a crawl of legislature is already")


def test_poll_crawls_what_is_due(daemon_project: Project) -> None:
    config = daemon_project.config
    config.write_text(config.read_text().replace('"every 2s"', '"0 0 1 1 *"'))
    first = daemon_project.run("poll")
    assert first.code == 0, first.err
    assert "legislature: ok, 1 items, 1 changed, 0 failed" in first.err
    second = daemon_project.run("poll")
    assert second.code == 0 and "poll: no source is due" in second.err
    forced = daemon_project.run("poll", "--all")
    assert "legislature: ok, 1 items, 0 changed" in forced.err


def test_a_hung_crawl_is_ended_at_the_timeout_and_recorded(
    daemon_project: Project, site: ReplayServer
) -> None:
    config = daemon_project.config
    # Only the child's timeout can end it: its first request waits at the replay server's
    # closed gate for longer than the child may run. A child still starting when its time runs
    # out (a loaded machine) has not recorded its run yet: it timed out all the same, and says so.
    text = config.read_text().replace("timeout = 60", "timeout = 5")
    config.write_text(text.replace("download_timeout = 10.0", "download_timeout = 300.0"))
    site.open.clear()
    result = daemon_project.run("poll", "--all")
    site.open.set()
    assert result.code == 2
    assert "legislature: timeout, " in result.err
    sources = daemon_project.run("sources", check=True).out
    assert "timed out after 5 s" in sources
    assert processes_using(daemon_project.config) == []
    assert "1 bills checked" in daemon_project.run("crawl", check=True).out  # next crawl works


def test_a_child_still_starting_at_the_timeout_timed_out(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crawl child that never got to record its run (here: one that only sleeps) is a timeout
    with a run saying so, not a crawl that "did not start"."""
    from scheduler import jobs

    monkeypatch.setattr(jobs, "crawl_command", lambda config, source: [
        sys.executable, "-c", "import time; time.sleep(60)"
    ])  # fmt: skip
    schedule = ScheduleSettings(timeout=1.0, stop_grace=5.0)
    config = Config(path=None, database_url="sqlite://", schedule=schedule)  # constructed
    outcome = jobs.crawl_in_child(engine, config, "legislature")
    assert (outcome.outcome, outcome.failed) == ("timeout", 1)
    assert outcome.seconds < 30
    with session_scope(engine) as session:
        run = session.scalars(select(CrawlRun)).one()
        assert (run.status, run.finish_reason) == ("failed", "timed out after 1 s")
