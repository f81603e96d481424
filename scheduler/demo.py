"""The offline demo: replay the bundled sources locally, crawl them, show status and stale notes."""

from __future__ import annotations

import shlex
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from sqlalchemy import Engine, select

from crawler.replay import Canned, ReplayServer
from crawler.run import run_crawls
from models.config import Config, configured_sources, load_config
from models.storage.alerts import list_alerts
from models.storage.db import make_engine, session_scope, upgrade
from models.storage.schema import Alert, CrawlRun
from models.storage.webnotes import edit_links

from .checking import run_check
from .crawl_report import crawl_summary
from .jobs import crawl_in_child
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


def run_demo(folder: Path | None, echo: Callable[[str], None], serve: bool = False) -> int:
    """Returns the exit status: 0 when every bill was read, 2 when some failed. With `serve`,
    the replay server keeps running after the demo until SIGTERM or SIGINT."""
    folder = folder or Path(tempfile.mkdtemp(prefix="legistrack-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    with ReplayServer(DEMO_DATA / "site") as server:
        server.validators = "etag"  # so that a second crawl can be answered 304
        serve_sitemap(server, SITEMAP.read_text(encoding="utf-8"))
        config = load_config(write_demo_config(folder, server.url))
        echo(f"legistrack demo: replaying the bundled sources at {server.url}")
        echo(f"config and database in {folder}")
        engine = make_engine(config.database_url, config.database_lock_timeout)
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
            found = list_alerts(session, "open")
            echo(render_alerts(found, edit_links(session, {a.note for a in found})))
        echo("")
        failed += edit_web_note(server, engine, config, echo)
        engine.dispose()
        echo("")
        review = f"  {review_command(config.path or folder / 'config.toml')}"
        if serve:
            echo(f"legistrack demo: still replaying the bundled sources at {server.url}; try")
            echo(f"  legistrack --config {folder / 'config.toml'} crawl   (or poll, daemon)")
            echo("and review the alerts in your browser (then open http://127.0.0.1:8150/):")
            echo(review)
            echo("legistrack demo: Ctrl-C or SIGTERM stops the replay server")
            _wait_for_stop()
            echo("legistrack demo: replay server stopped")
            return 2 if failed else 0
    echo(
        "legistrack demo: the replay server has stopped; `status`, `alerts`, `history` and "
        "`notes` work on this folder, but `crawl`, `poll` and `daemon` need "
        "`legistrack demo --dir DIR --serve` running"
    )
    echo("")
    echo("Review these alerts in your browser (then open http://127.0.0.1:8150/):")
    echo(review)
    return 2 if failed else 0


SITEMAP = DEMO_DATA / "site" / "notes-site" / "sitemap.xml"
EDITED = "/notes-site/wiki/protect-act"


def serve_sitemap(server: ReplayServer, text: str) -> None:
    """The notes site's sitemap, its URLs pointed at the running replay server."""
    body = text.replace(PLACEHOLDER, server.url).encode()
    server.overrides["/notes-site/sitemap.xml"] = Canned(200, body, {"Content-Type": "text/xml"})


def edit_web_note(
    server: ReplayServer, engine: Engine, config: Config, echo: Callable[[str], None]
) -> int:
    """A maintainer edits the stale web note; the notes site is crawled again (in a child: the
    reactor ran once here) and checked. Returns the failures of that crawl."""
    echo(f"A maintainer edits the web note {server.url}{EDITED}; the notes site is crawled again:")
    body = (DEMO_DATA / "notes_site_edits" / "protect-act.html").read_bytes()
    server.overrides[EDITED] = Canned(200, body, {"Content-Type": "text/html; charset=utf-8"})
    serve_sitemap(server, SITEMAP.read_text(encoding="utf-8").replace("2026-04-20", "2026-08-20"))
    outcome = crawl_in_child(engine, config, "notes")
    with session_scope(engine) as session:
        run = session.scalars(
            select(CrawlRun).where(CrawlRun.source == "notes").order_by(CrawlRun.id.desc())
        ).first()
        echo(crawl_summary(run) if run is not None else outcome.line())
    report = run_check(engine, config, datetime.now(UTC), send=False)
    echo(f"checked {len(report.results)} notes: {len(report.stale)} stale, "
         f"{len(report.resolved)} alerts resolved by the edit")  # fmt: skip
    with session_scope(engine) as session:
        for alert in session.scalars(select(Alert).where(Alert.id.in_(report.resolved))):
            echo(f"  resolved #{alert.id} [{alert.rule}] {alert.note} — {alert.subject}")
    return outcome.failed


def review_command(config: Path) -> str:
    """The one command that serves the review page on the demo's database."""
    program = Path(sys.argv[0])
    name = str(program) if program.name == "legistrack" else "legistrack"
    return f"{shlex.quote(name)} --config {shlex.quote(str(config))} serve"


def _wait_for_stop() -> None:
    """Block until SIGTERM or SIGINT (Ctrl-C)."""
    stopped = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopped.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopped.wait(1.0):  # the timeout only bounds how long a missed wake-up lasts
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def render_alerts(alerts: list[Alert], edits: Mapping[str, str] | None = None) -> str:
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
        if edits and alert.note in edits:
            lines.append(f"  edit note:   {edits[alert.note]}")
    return "\n".join(lines)
