"""A database that is odd, damaged, locked, read-only, newer than the code, or mistyped (issue 15,
items 7-8): every command says so in one line, never a traceback, never a password, and a
reading command never creates a database. Run as real processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler.replay import ReplayServer
from scheduler.locks import DatabaseLock

from .conftest import Project, Result, legistrack_bin, run_cli, write_config

NOTE = "Made-up Senate note\n\nS.1003 is in committee.\n\nLast updated: Jun 1, 2025\n"
READING = [
    ["status"],
    ["alerts"],
    ["alerts", "show", "1"],
    ["history", "S.1003"],
    ["diff", "S.1003"],
    ["news"],
    ["sources"],
    ["notes", "check"],
]
WRITING = [["alerts", "ack", "1"], ["check"], ["crawl"], ["poll", "--all"]]
SECRET = "s3cr%t@(=#):pw"  # a PostgreSQL password with every character a URL must escape
SECRET_URL = "s3cr%25t%40(%3D%23)%3Apw"


def one_error_line(result: Result, *says: str) -> str:
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err, result.err
    lines = [line for line in result.err.splitlines() if line.startswith("legistrack: error: ")]
    assert len(lines) == 1, result.err
    for phrase in says:
        assert phrase in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def noted(tmp_path: Path, database_url: str, site: ReplayServer) -> Project:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "senate.txt").write_text(NOTE)
    config = write_config(tmp_path, database_url, site.url, {"M": [(999, "S.1003")]})
    config.write_text(config.read_text() + '\n[notes]\npaths = ["notes"]\n')
    return Project(tmp_path, config, database_url)


def test_sqlite_paths_with_url_characters_work(tmp_path: Path, site: ReplayServer) -> None:
    folder = tmp_path / "we(ird)%41=x#y"  # every character alembic's configparser choked on
    folder.mkdir()
    config = write_config(folder, "sqlite:///data/lt.db", site.url, {"M": [(999, "S.1003")]})
    project = Project(folder, config, "")
    assert "database ready" in project.run("init", check=True).out
    assert (folder / "data" / "lt.db").exists()  # `%41` is not read as a URL escape
    assert "1 bills checked, 1 changed" in project.run("crawl", check=True).out
    assert "S.1003 (999)" in project.run("status", check=True).out


def test_a_password_never_reaches_output(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    url = f"postgresql+psycopg://legistrack:{SECRET_URL}@127.0.0.1:1/none"
    config.write_text(f'[database]\nurl = "{url}"\n')
    for args in (["init"], ["-v", "status"], ["crawl"], ["check"], ["alerts"], ["daemon"]):
        result = run_cli("--config", str(config), *args)
        line = one_error_line(result, "database postgresql+psycopg://legistrack:***@127.0.0.1:1")
        for shown in (SECRET, SECRET_URL, "s3cr"):
            assert shown not in result.out + result.err, (args, line)
    bad = run_cli("init", env={"LEGISTRACK_DATABASE_URL": f"postgresql://u:{SECRET}@h:x/db"})
    assert "s3cr" not in bad.out + bad.err
    one_error_line(bad, "database")


@pytest.mark.backends("postgresql")
def test_a_postgresql_password_with_special_characters_works(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    role = f"lt_{tmp_path.name[-8:].replace('-', '_')}".lower()
    name = database_url.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        literal = SECRET.replace(":", "\\:")  # text() reads `:name` as a parameter
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{literal}'"))
        conn.execute(text(f'GRANT ALL ON DATABASE "{name}" TO {role}'))
        conn.execute(text(f"GRANT ALL ON SCHEMA public TO {role}"))
    admin.dispose()
    host = database_url.split("@", 1)[1]
    url = f"postgresql+psycopg://{role}:{SECRET_URL}@{host}"
    project = Project(
        tmp_path, write_config(tmp_path, url, site.url, {"M": [(999, "S.1003")]}), url
    )
    try:
        init = project.run("init", check=True)
        assert "s3cr" not in init.out + init.err and ":***@" in init.out
        assert "1 bills checked" in project.run("crawl", check=True).out
    finally:
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"REASSIGN OWNED BY {role} TO CURRENT_USER"))
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def test_reading_commands_never_create_a_database(tmp_path: Path, site: ReplayServer) -> None:
    (tmp_path / "notes").mkdir()
    mistyped = tmp_path / "typo" / "legistrak.db"
    config = write_config(tmp_path, f"sqlite:///{mistyped}", site.url, {"M": [(999, "S.1003")]})
    config.write_text(config.read_text() + '\n[notes]\npaths = ["notes"]\n')
    for args in [*READING, ["alerts", "ack", "1"], ["alerts", "resolve", "1"]]:
        result = run_cli("--config", str(config), *args)
        one_error_line(result, f"database {mistyped} does not exist", "legistrack init")
    assert not mistyped.parent.exists()


def test_a_database_without_the_schema_is_named(noted: Project) -> None:
    if noted.database_url.startswith("sqlite"):
        Path(noted.database_url.split("///", 1)[1]).touch()  # an empty file: no tables
    one_error_line(noted.run("status"), "has no legistrack schema", "legistrack init")


def test_a_database_from_a_newer_version_is_named_by_every_command(noted: Project) -> None:
    noted.run("crawl", check=True)
    engine = create_engine(noted.database_url)
    with engine.begin() as conn:
        known = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    for args in [["init"], *READING, *WRITING]:
        one_error_line(
            noted.run(*args),
            "schema revision 0099_from_the_future",
            f"this version of legistrack knows revisions up to {known}",
        )


def sqlite_file(project: Project) -> Path:
    return Path(project.database_url.split("///", 1)[1])


@pytest.mark.backends("sqlite")  # corrupting a file
def test_a_corrupted_database_is_named_and_init_checks_integrity(noted: Project) -> None:
    noted.run("crawl", check=True)
    noted.run("check", check=True)
    path = sqlite_file(noted)
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data) - page, 2 * page):  # scribble over b-tree page headers
        data[start : start + 300] = os.urandom(300)
    path.write_bytes(bytes(data))
    init = noted.run("init")
    one_error_line(init, "is damaged", "restore it from a backup")
    assert "database ready" not in init.out
    for args in [*READING, *WRITING]:
        result = noted.run(*args)
        assert "Traceback" not in result.err, (args, result.err)
    path.write_bytes(b"this is not a database file, it is text" * 200)
    for args in [["init"], ["status"], ["alerts"], ["crawl"], ["check"]]:
        one_error_line(noted.run(*args), "database")


def run_as_reader(project: Project, *args: str) -> Result:
    """The command as a user who may read the database but not write it: `nobody` when the
    tests run as root (who may write anything), else the same user with the file made read-only."""
    command = [legistrack_bin(), "--config", str(project.config), *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    env["HOME"] = str(project.folder)
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def readable_folder() -> Iterator[Path]:
    """A folder every user may enter (pytest's own tmp folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="legistrack-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder)


def test_a_read_only_database_is_one_line(
    readable_folder: Path, database_url: str, site: ReplayServer
) -> None:
    (readable_folder / "notes").mkdir(mode=0o755)
    (readable_folder / "notes" / "senate.txt").write_text(NOTE)
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{readable_folder / 'lt.db'}"
    config = write_config(readable_folder, database_url, site.url, {"M": [(999, "S.1003")]})
    config.write_text(config.read_text() + '\n[notes]\npaths = ["notes"]\n')
    project = Project(readable_folder, config, database_url)
    project.run("crawl", check=True)
    if database_url.startswith("sqlite"):
        for path in readable_folder.glob("lt.db*"):
            path.chmod(0o444)
        readable_folder.chmod(0o555)
    else:
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            name = database_url.rsplit("/", 1)[1]
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        engine.dispose()
    for args in WRITING:
        result = run_as_reader(project, *args)
        one_error_line(result, "database")
        assert "read-only" in result.err or "readonly" in result.err or "cannot" in result.err


@pytest.mark.backends("sqlite")  # an exclusive file lock (PostgreSQL waits on lock_timeout alike)
def test_a_locked_database_when_a_crawl_starts_is_one_line(noted: Project) -> None:
    noted.run("crawl", check=True)
    noted.config.write_text(
        noted.config.read_text().replace("[database]\n", "[database]\nlock_timeout = 1\n", 1)
    )
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"db = sqlite3.connect({str(sqlite_file(noted))!r}, isolation_level=None)\n"
            "db.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        for args in (["crawl"], ["check"], ["alerts", "ack", "1"]):
            one_error_line(noted.run(*args), "database is locked")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert "1 bills checked" in noted.run("crawl", check=True).out


def test_a_second_check_waits_for_the_first(noted: Project) -> None:
    noted.run("crawl", "--no-check", check=True)
    lock = DatabaseLock(noted.database_url, "check", "a check").acquire()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    proc = subprocess.Popen(
        [legistrack_bin(), "--config", str(noted.config), "check"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    try:
        line = proc.stderr.readline()
        assert "waiting for another check of this database to finish" in line, line
        assert proc.poll() is None
    finally:
        lock.release()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and "checked 1 notes" in out, err
    racing = [
        subprocess.Popen(
            [legistrack_bin(), "--config", str(noted.config), "check"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(3)
    ]
    for racer in racing:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0 and "Traceback" not in err, err


@pytest.mark.parametrize(
    "args",
    [
        ["alerts", "show", "99999999999999999999"],
        ["alerts", "ack", "9223372036854775808"],
        ["history", "S.1003", "--court", "99999999999999999999"],
        ["diff", "S.1003", "--court", "-99999999999999999999"],
        ["news", "--subject", "99999999999999999999:H.1"],
        ["news", "--subject", "one:H.1"],
    ],
)
def test_integers_out_of_range_are_refused_not_crashed(noted: Project, args: list[str]) -> None:
    noted.run("init", check=True)
    result = noted.run(*args)
    assert result.code == 2 and "Traceback" not in result.err, result.err
    assert "range" in result.err or "not a" in result.err, result.err
