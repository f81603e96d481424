"""Shared test fixtures: a database (SQLite file, or PostgreSQL when asked), the replay server,
config files, and running the real `legistrack` entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler.replay import ReplayServer

FIXTURES = Path(__file__).parent / "fixtures"
PG_ENV = "LEGISTRACK_TEST_DATABASE_URL"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A new SQLite file, or a new PostgreSQL database if $LEGISTRACK_TEST_DATABASE_URL is set."""
    server_url = os.environ.get(PG_ENV)
    if not server_url:
        yield f"sqlite:///{tmp_path / 'legistrack.db'}"
        return
    name = f"legistrack_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = server_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[ReplayServer]:
    """The legislature replay (tests/fixtures/site) copied so a test may edit it, served locally."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", root)
    with ReplayServer(root) as server:
        yield server


@dataclass
class Project:
    """A config file in a temporary folder, and a way to run the CLI against it."""

    folder: Path
    config: Path
    database_url: str

    def run(self, *args: str, check: bool = False, env: dict[str, str] | None = None) -> Result:
        return run_cli("--config", str(self.config), *args, check=check, env=env)


@dataclass
class Result:
    code: int
    out: str
    err: str


def legistrack_bin() -> str:
    """The installed console script (the entry point a user runs)."""
    candidate = Path(sys.executable).parent / "legistrack"
    found = str(candidate) if candidate.exists() else shutil.which("legistrack")
    assert found, "the legistrack console script is not installed (pip install -e .)"
    return found


def run_cli(
    *args: str, check: bool = False, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Result:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    full_env.update(env or {})
    proc = subprocess.run(
        [legistrack_bin(), *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=300,
    )
    result = Result(proc.returncode, proc.stdout, proc.stderr)
    if check:
        assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return result


def measures_toml(measures: dict[str, list[tuple[int, str]]]) -> str:
    parts = []
    for name, bills in measures.items():
        listed = ", ".join(f'{{court = {c}, number = "{n}"}}' for c, n in bills)
        parts.append(f'[[measures]]\nname = "{name}"\nbills = [{listed}]\n')
    return "\n".join(parts)


def write_config(
    folder: Path,
    database_url: str,
    server_url: str,
    measures: dict[str, list[tuple[int, str]]],
    extra: str = "",
    dormant_every_hours: float = 0,
) -> Path:
    """A test config; the dormancy policy is off (every crawl reads every bill) unless asked."""
    path = folder / "config.toml"
    path.write_text(
        f"""# test config
[database]
url = "{database_url}"

[legislature]
api_url = "{server_url}/api"
site_url = "{server_url}"
dormant_every_hours = {dormant_every_hours}

[crawl]
obey_robots_txt = false
autothrottle = false
download_delay = 0.0
retry_times = 0
download_timeout = 10.0
{extra}
{measures_toml(measures)}""",
        encoding="utf-8",
    )
    return path


DEFAULT_MEASURES = {
    "Made-up measure": [(999, "H.1001"), (999, "HD.2001")],
    "Made-up Senate bill": [(999, "S 1003")],
}


@pytest.fixture
def project(tmp_path: Path, database_url: str, site: ReplayServer) -> Project:
    config = write_config(tmp_path, database_url, site.url, DEFAULT_MEASURES)
    return Project(tmp_path, config, database_url)


@dataclass
class Receiver:
    """A local HTTP endpoint that records what apprise's json:// sends it."""

    url: str
    messages: list[dict[str, object]]
    status: list[int]  # the status to answer with (a list so tests can change it)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    messages: list[dict[str, object]] = []
    status = [200]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if status[0] == 200:
                messages.append({"path": self.path, **json.loads(body)})
            self.send_response(status[0])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(f"127.0.0.1:{server.server_address[1]}", messages, status)
    finally:
        server.shutdown()
        server.server_close()
