"""Shared test fixtures: a database (SQLite file, or PostgreSQL when asked), databases crawled once
and copied per test, the replay server, config files, and running the `legistrack` CLI.

Databases: every test that uses `database_url` (directly or through `project`, `crawled`, ...)
runs once per backend: on SQLite, and again on PostgreSQL when $LEGISTRACK_TEST_DATABASE_URL names
a server (its id then ends in `[sqlite]` or `[postgresql]`). Tests that use no database run once
whatever the backends, so one pytest session (one set of xdist workers) covers both databases.
$LEGISTRACK_TEST_BACKENDS (`sqlite`, `postgresql` or both, comma-separated) narrows the choice.
`@pytest.mark.backends("sqlite")` limits a test to the backends it is about."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from crawler.replay import ReplayServer
from models.storage.db import make_engine, upgrade

from .running import Result, legistrack_bin, run_cli

__all__ = ["Result", "legistrack_bin", "run_cli"]

FIXTURES = Path(__file__).parent / "fixtures"
PG_ENV = "LEGISTRACK_TEST_DATABASE_URL"
BACKENDS_ENV = "LEGISTRACK_TEST_BACKENDS"
PG_URL = os.environ.get(PG_ENV) or None


def backends() -> tuple[str, ...]:
    """The databases this session tests: SQLite, plus PostgreSQL when a server is named."""
    available = ("sqlite", "postgresql") if PG_URL else ("sqlite",)
    asked = [b.strip() for b in os.environ.get(BACKENDS_ENV, "").split(",") if b.strip()]
    unknown = set(asked) - {"sqlite", "postgresql"}
    if unknown:
        raise pytest.UsageError(f"${BACKENDS_ENV}: unknown backend {sorted(unknown)[0]!r}")
    if "postgresql" in asked and not PG_URL:
        raise pytest.UsageError(f"${BACKENDS_ENV} asks for postgresql: set ${PG_ENV}")
    return tuple(b for b in available if b in asked) if asked else available


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends(*names): run only on these databases (sqlite, postgresql)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that uses a database runs once per backend (see the module's docstring)."""
    if "database_url" not in metafunc.fixturenames:
        return
    chosen = backends()
    marker = metafunc.definition.get_closest_marker("backends")
    wanted = chosen if marker is None else tuple(b for b in chosen if b in marker.args)
    if not wanted:
        names = ", ".join(marker.args) if marker else ""
        skip = pytest.mark.skip(reason=f"needs {names}, not among the backends tested")
        metafunc.parametrize("backend", [pytest.param(names, marks=skip)], indirect=True)
    elif len(chosen) > 1 or marker is not None:
        metafunc.parametrize("backend", wanted, indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use a database (most of them crawl in child processes) first: the quick pure
    tests then fill the workers' tails instead of a crawl starting last."""
    items.sort(key=lambda item: "database_url" not in getattr(item, "fixturenames", ()))


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database this test runs on: `sqlite` or `postgresql`."""
    return str(getattr(request, "param", None) or backends()[0])


@pytest.fixture
def database_url(tmp_path: Path, backend: str) -> Iterator[str]:
    """A new SQLite file, or a new PostgreSQL database on the `postgresql` backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'legistrack.db'}"
        return
    assert PG_URL, f"the postgresql backend needs ${PG_ENV}"
    name = f"legistrack_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on `database_url`, its schema migrated to the newest revision."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def replay_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplayServer]:
    """One replay server per test session (per xdist worker); `site` resets it for each test."""
    with ReplayServer(tmp_path_factory.mktemp("replay")) as server:
        yield server


@pytest.fixture
def site(tmp_path: Path, replay_server: ReplayServer) -> ReplayServer:
    """The legislature replay (tests/fixtures/site) copied so a test may edit it, served locally:
    the session's server, reset to serve this copy with no override, delay or request seen."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", root)
    replay_server.reset(root)
    return replay_server


class Templates:
    """Databases filled once per session (per xdist worker and backend), copied into a test's
    database: a file copy for SQLite, `CREATE DATABASE ... TEMPLATE` for PostgreSQL."""

    def __init__(self, folder: Path, server_url: str | None) -> None:
        self.folder = folder
        self.server_url = server_url
        self.made: dict[tuple[str, str], str] = {}

    def copy(self, key: str, url: str, build: Callable[[Path, str], None]) -> None:
        """Fill the empty database at `url` with the template `key` (on `url`'s backend), made by
        `build(folder, template_url)` the first time it is asked for."""
        postgresql = not url.startswith("sqlite")
        made = (key, "postgresql" if postgresql else "sqlite")
        if made not in self.made:
            folder = self.folder / f"template-{len(self.made)}"
            folder.mkdir()
            template = self._new_database(folder, postgresql)
            build(folder, template)
            self.made[made] = template
        template = self.made[made]
        if not postgresql:
            with (
                sqlite3.connect(sqlite_path(template)) as src,
                sqlite3.connect(sqlite_path(url)) as dst,
            ):
                src.backup(dst)
            return
        assert self.server_url
        name, source = url.rpartition("/")[2], template.rpartition("/")[2]
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        admin.dispose()

    def _new_database(self, folder: Path, postgresql: bool) -> str:
        if not postgresql:
            return f"sqlite:///{folder / 'template.db'}"
        assert self.server_url, f"the postgresql backend needs ${PG_ENV}"
        name = f"legistrack_template_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"{self.server_url.rpartition('/')[0]}/{name}"

    def drop(self) -> None:
        kept = [t for t in self.made.values() if not t.startswith("sqlite")]
        if not self.server_url or not kept:
            return
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for template in kept:
                name = template.rpartition("/")[2]
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1]


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"), PG_URL)
    try:
        yield made
    finally:
        made.drop()


@dataclass
class Project:
    """A config file in a temporary folder, and a way to run the CLI against it."""

    folder: Path
    config: Path
    database_url: str

    def run(
        self,
        *args: str,
        check: bool = False,
        env: dict[str, str] | None = None,
        process: bool | None = None,
    ) -> Result:
        """`legistrack --config <config> ARGS` (see run_cli: in-process unless it crawls, or
        `process=True` asks for the real console script)."""
        return run_cli("--config", str(self.config), *args, check=check, env=env, process=process)


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


@pytest.fixture
def crawled(project: Project, site: ReplayServer, templates: Templates) -> Project:
    """`project` after one good crawl of the replay: the crawl is made once per session (a real
    `legistrack crawl`) and its database copied here."""

    def build(folder: Path, url: str) -> None:
        config = write_config(folder, url, site.url, DEFAULT_MEASURES)
        Project(folder, config, url).run("crawl", check=True)

    templates.copy("project: one good crawl", project.database_url, build)
    return project


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
