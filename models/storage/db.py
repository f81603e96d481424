"""Database connections: engines with SQLite pragmas, sessions, and upgrading the schema."""

from __future__ import annotations

import fcntl
import functools
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_plus

from sqlalchemy import URL, Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:  # alembic is imported when a schema is made or upgraded (0.3 s a process)
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
# `revision = "0010_web_notes"` / `down_revision = "0009_review_outcomes"` in a migration script.
_REVISION_LINE = re.compile(
    r"""^(?P<key>revision|down_revision)\s*(?::[^=]*)?=\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)'|None)\s*$""",
    re.MULTILINE,
)
_PASSWORD = re.compile(r"^(?P<head>[^:/?#]+://[^:/?#@]*):(?P<password>.*)@(?P<host>[^@]*)$")


class DatabaseUnavailable(Exception):
    """The database URL cannot be opened or used; the message is one line for the operator,
    never holding a password."""


def make_engine(url: str, lock_timeout: float = 30.0, create: bool = True) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout on every connection,
    PostgreSQL a lock timeout: a database another process holds locked is an error after
    `lock_timeout` seconds, never an endless wait. With `create`, a SQLite file's folder is made."""
    kwargs: dict[str, Any] = {}
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        raise DatabaseUnavailable(f"database {redact(url)}: not a database URL") from None
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": lock_timeout}
        path = sqlite_path(parsed)
        if create and path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(f"database {path}: {exc.strerror or exc}") from None
    elif parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"options": f"-c lock_timeout={int(lock_timeout * 1000)}"}
    try:
        engine = create_engine(parsed, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise DatabaseUnavailable(f"database {redact(url)}: {mask(str(exc), url)}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (None for memory databases and other backends)."""
    parsed = make_url(url) if isinstance(url, str) else url
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    return Path(database.removeprefix("file:")) if database.startswith("file:") else Path(database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def redact(url: str) -> str:
    """The URL with any password replaced, for messages and logs (even a URL that does not
    parse: everything between the user's `:` and the last `@` is the password)."""
    match = _PASSWORD.match(url.strip())
    if match is None:
        return url
    return f"{match.group('head')}:***@{match.group('host')}"


def mask(text: str, url: str) -> str:
    """`text` (an error message) with the URL's password removed, in every spelling it may
    take there: as written in the URL, decoded, or inside the whole URL."""
    match = _PASSWORD.match(url.strip())
    if match is None:
        return text
    raw = match.group("password")
    for secret in sorted({raw, unquote(raw), unquote_plus(raw)}, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return text


def alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    # Alembic's options pass through configparser, where `%` starts an interpolation: escaped.
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    rendered = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return cfg


@functools.cache
def _script() -> ScriptDirectory:
    """The migration scripts, read once per process (every command asks which revision is in
    force, and reading them is most of what that costs)."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return ScriptDirectory.from_config(cfg)


@functools.cache
def _linear_revisions() -> tuple[frozenset[str], str] | None:
    """The migrations' revisions and their one head, read from each script's `revision` and
    `down_revision` lines without importing alembic (what a command that finds its schema current
    costs). None when the scripts are not one plain chain (a merge, a branch, a line written
    otherwise): alembic then reads them."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = {m["key"]: m["d"] or m["s"] for m in _REVISION_LINE.finditer(path.read_text())}
        if path.name == "__init__.py" and not found:
            continue
        if set(found) != {"revision", "down_revision"} or not found["revision"]:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1 or not parents <= revisions:
        return None
    return frozenset(revisions), heads.pop()


@functools.cache
def _known_revisions() -> frozenset[str]:
    linear = _linear_revisions()
    if linear is not None:
        return linear[0]
    return frozenset(revision.revision for revision in _script().walk_revisions())


def head_revision(_engine: Engine | None = None) -> str | None:
    linear = _linear_revisions()
    return linear[1] if linear is not None else _script().get_current_head()


def _stored_revision(connection: Connection) -> str | None:
    """What alembic's version table says (None: no table, no row). Read with one query; alembic
    is asked only when the table holds more than one row (it names that error)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) <= 1:
        return rows[0] if rows else None
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _current_revision(engine: Engine) -> str | None:
    """The schema revision in force, checked to be one this version knows."""
    try:
        with engine.connect() as connection:
            current = _stored_revision(connection)
    except SQLAlchemyError as exc:
        raise _unavailable(engine, exc) from None
    if current is not None and current not in _known_revisions():
        raise DatabaseUnavailable(
            f"database {redact(str(engine.url))}: schema revision {current} comes from a newer "
            f"legistrack (this version of legistrack knows revisions up to "
            f"{head_revision()}): upgrade legistrack, or check database.url"
        )
    return current


def check_integrity(engine: Engine) -> None:
    """A SQLite file's own integrity check (`PRAGMA quick_check`); a damaged file is named."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.connect() as connection:
            problems = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA quick_check")]
    except SQLAlchemyError as exc:
        raise _unavailable(engine, exc) from None
    if problems != ["ok"]:
        raise DatabaseUnavailable(
            f"database {redact(str(engine.url))} is damaged ({len(problems)} problems, first: "
            f"{problems[0][:200]}): restore it from a backup"
        )


def upgrade(engine: Engine) -> str | None:
    """Create or upgrade the schema to the newest migration; returns the revision now in force.

    Serialized between processes (two first runs at once must not both create the tables): a
    lock file beside a SQLite database, a transaction advisory lock on PostgreSQL.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    cfg = alembic_config(engine)
    _current_revision(engine)  # a newer schema is named, never "upgraded" by this version
    try:
        with _migration_file_lock(engine), engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(7395442817)"))
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise _unavailable(engine, exc) from None
    except OSError as exc:  # the migration lock file beside the database cannot be made
        where = exc.filename or redact(str(engine.url))
        raise DatabaseUnavailable(f"database {where}: {exc.strerror or exc}") from None


@contextmanager
def _migration_file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database or ""
    if engine.dialect.name != "sqlite" or database in ("", ":memory:"):
        yield
        return
    with open(f"{database}.migrate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits for the other process's migration
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def needs_upgrade(engine: Engine) -> bool:
    """True when the database is missing tables or behind the newest migration."""
    return _current_revision(engine) != head_revision(engine)


def ensure_schema(engine: Engine) -> None:
    """For commands that write: create or upgrade the schema as needed."""
    if needs_upgrade(engine):
        upgrade(engine)


def check_writable(engine: Engine) -> None:
    """Before a command that writes starts work: the database takes a write now (SQLite: a write
    lock, waited for up to the busy timeout; PostgreSQL: not a read-only session), so a locked
    or read-only database is one line at the start, not a failure inside a crawl."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                raw = connection.connection.dbapi_connection
                assert raw is not None
                cursor = raw.cursor()
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    cursor.execute("ROLLBACK")
                finally:
                    cursor.close()
            elif (
                engine.dialect.name == "postgresql"
                and connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            ):
                raise DatabaseUnavailable(describe(Exception("read-only transaction"), url))
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(describe(exc, url)) from None
    except SQLAlchemyError as exc:
        raise _unavailable(engine, exc) from None


def require_schema(engine: Engine) -> None:
    """For commands that only read: the database must exist and hold legistrack's schema (an
    older one is upgraded). A mistyped path is named, never created as an empty database."""
    path = sqlite_path(engine.url)
    if path is not None and not path.exists():
        raise DatabaseUnavailable(
            f"database {path} does not exist: run `legistrack init` to create it, "
            "or check database.url"
        )
    current = _current_revision(engine)
    if current is None:
        raise DatabaseUnavailable(
            f"database {redact(str(engine.url))} has no legistrack schema: run `legistrack init` "
            "to create it, or check database.url"
        )
    if current != head_revision(engine):
        upgrade(engine)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _unavailable(engine: Engine, exc: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(describe(exc, str(engine.url.render_as_string(False))))


def describe(exc: BaseException, url: str) -> str:
    """One line for a database error: which database, what happened in words, no password."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    line = mask(line, url)[:300]
    lowered = line.lower()
    where = f"database {redact(url)}"
    if "readonly database" in lowered or "read-only transaction" in lowered:
        return f"{where} is read-only for this user ({line}): nothing was changed"
    if "database is locked" in lowered or "lock timeout" in lowered:
        return f"{where}: database is locked by another process ({line}); try again later"
    if "malformed" in lowered or "not a database" in lowered:
        return f"{where} is damaged ({line}): restore it from a backup"
    return f"{where}: {line}"
