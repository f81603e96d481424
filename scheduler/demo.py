"""The offline demo: serve the bundled replay locally, crawl it into a new database, show status."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from crawler.replay import ReplayServer
from crawler.run import run_crawl
from models.config import load_config
from models.db import make_engine, session_scope, upgrade
from models.schema import CrawlRun

from .reports import render_status

DEMO_DATA = Path(__file__).parent / "demo_data"
PLACEHOLDER = "http://replay.invalid"


def write_demo_config(folder: Path, replay_url: str) -> Path:
    """The demo config, pointed at the running replay server, written into `folder`."""
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
        run_id = run_crawl(config, "legislature", log_level="ERROR")
        with session_scope(engine) as session:
            run = session.get(CrawlRun, run_id)
            assert run is not None
            for error in run.errors:
                echo(f"FAILED {error.subject}: {error.message}")
            echo(
                f"crawled {run.checked + run.failed} bills: {run.changed} changed, "
                f"{run.failed} failed"
            )
            failed = run.failed
        engine.dispose()
        echo("")
        echo(render_status(config, "table"))
    return 2 if failed else 0
