"""What every command shares: the one-line error exit, and loading the config named by --config."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from models.config import Config, ConfigError, find_config_path, load_config
from models.legislature.numbers import BadNumber
from models.storage.alerts import AlertError
from models.storage.db import (
    DatabaseUnavailable,
    check_writable,
    describe,
    ensure_schema,
    make_engine,
    require_schema,
)

from .locks import LockHeld
from .textsafe import one_line, terminal_safe

F = TypeVar("F", bound=Callable[..., Any])
EXIT_FAILED = 2
# Ids and court numbers typed on the command line: what every database's INTEGER column holds
# (SQLite raises OverflowError past 2**63, PostgreSQL's integer ends at 2**31).
DB_INT = click.IntRange(1, 2**31 - 1)


_opened: list[str] = []  # the database URL of this command's config, to name it in errors


def fail(message: str) -> NoReturn:
    """One clear line on stderr, exit status 2: the CLI's only way out of an error. The line is
    cut to a few hundred characters and holds no control character, whatever it quotes."""
    click.echo(f"legistrack: error: {one_line(message)}", err=True)
    sys.exit(EXIT_FAILED)


def echo(text: str = "", err: bool = False) -> None:
    """Print for a person: every command's output goes through here, so that text from a
    source or a note (a bill title, an action, a feed entry, a note's line) cannot send the
    terminal a control sequence (an OSC 8 link, a bell, a backspace, a right-to-left override)."""
    click.echo(terminal_safe(text), err=err)


def open_database(config: Config, writes: bool = False) -> Engine:
    """The configured database for a command. A command that writes creates or upgrades the
    schema; one that only reads needs an existing legistrack database (a mistyped path is an
    error, never a new empty database)."""
    engine = make_engine(config.database_url, config.database_lock_timeout, create=writes)
    if writes:
        ensure_schema(engine)
        check_writable(engine)
    else:
        require_schema(engine)
    return engine


def one_line_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, DatabaseUnavailable, BadNumber, AlertError, LockHeld) as exc:
            fail(str(exc))
        except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_FAILED)
        except SQLAlchemyError as exc:  # read-only, locked, damaged, gone: named in one line
            fail(describe(exc, _opened[0] if _opened else ""))
        except OSError as exc:
            fail(f"{exc.filename or 'legistrack'}: {exc.strerror or exc}")
        except Exception as exc:
            if not isinstance(exc, _crawl_errors()):
                raise
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


def _crawl_errors() -> tuple[type[Exception], ...]:
    """crawler.run.CrawlDidNotRun, if a command imported the crawler (only those can raise it):
    commands that do not crawl start without loading Scrapy."""
    run = sys.modules.get("crawler.run")
    return (run.CrawlDidNotRun,) if run is not None else ()


def load(ctx: click.Context) -> Config:
    config = load_config(find_config_path(ctx.find_root().obj["config"]))
    _opened[:] = [config.database_url]
    return config
