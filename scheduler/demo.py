"""The offline demo: replay the bundled sources locally, crawl them, show status and stale notes."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from crawler.replay import ReplayServer
from crawler.run import run_crawls
from models.config import configured_sources, load_config
from models.storage.alerts import list_alerts
from models.storage.db import make_engine, session_scope, upgrade
from models.storage.schema import Alert, CrawlRun

from .checking import run_check
from .crawl_report import crawl_summary
from .reports import render_status

DEMO_DATA = Path(__file__).parent / "demo_data"
PLACEHOLDER = "http://replay.invalid"


def write_demo_config(folder: Path, replay_url: str) -> Path:
    """The demo config, pointed at the running replay server, and its notes, put in `folder`."""
    notes = folder / "notes"
    notes.mkdir(exist_ok=True)
    for note in sorted((DEMO_DATA / "notes").iterdir()):
        if not (notes / note.name).exists():  # a maintainer's edit in a kept folder wins
            shutil.copyfile(note, notes / note.name)
    text = (DEMO_DATA / "config.toml").read_text(encoding="utf-8")
    path = folder / "config.toml"
    path.write_text(text.replace(PLACEHOLDER, replay_url), encoding="utf-8")
    return path


def run_demo(folder: Path | None, echo: Callable[[str], None]) -> int:
    """Returns the exit status: 0 when every bill was read, 2 when some failed."""
    folder = folder or Path(tempfile.mkdtemp(prefix="legistrack-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    with ReplayServer(DEMO_DATA / "site") as server:
        config = load_config(write_demo_config(folder, server.url))
        echo(f"legistrack demo: replaying the bundled sources at {server.url}")
        echo(f"config and database in {folder}")
        engine = make_engine(config.database_url)
        upgrade(engine)
        runs = run_crawls(config, configured_sources(config), log_level="ERROR")
        failed = 0
        with session_scope(engine) as session:
            for run_id in runs.values():
                run = session.get(CrawlRun, run_id)
                assert run is not None
                for error in run.errors:
                    echo(f"FAILED {error.subject}: {error.message}")
                echo(crawl_summary(run))
                failed += run.failed
        echo("")
        echo(render_status(config, "table"))
        echo("")
        report = run_check(engine, config, datetime.now(UTC), send=False)
        echo(f"checked {len(report.results)} notes: {len(report.stale)} stale")
        with session_scope(engine) as session:
            echo(render_alerts(list_alerts(session, "open")))
        engine.dispose()
    return 2 if failed else 0


def render_alerts(alerts: list[Alert]) -> str:
    """The open alerts, each with its evidence, as the demo's closing section."""
    if not alerts:
        return "no open alerts"
    lines = ["Open staleness alerts (legistrack alerts show ID for details):"]
    for alert in alerts:
        lines += [
            "",
            f"#{alert.id} [{alert.rule}] {alert.note} — {alert.subject}",
            f"  {alert.message}",
            f"  note says:   {alert.note_says}",
            f"  record says: {alert.record_says}",
            f"  source:      {alert.source_url or '-'}",
        ]
    return "\n".join(lines)
