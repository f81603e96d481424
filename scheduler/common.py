"""What every command shares: the one-line error exit, and loading the config named by --config."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from models.config import Config, ConfigError, find_config_path, load_config
from models.legislature.numbers import BadNumber
from models.storage.alerts import AlertError
from models.storage.db import DatabaseUnavailable

from .locks import LockHeld

F = TypeVar("F", bound=Callable[..., Any])
EXIT_FAILED = 2


def fail(message: str) -> NoReturn:
    """One clear line on stderr, exit status 2: the CLI's only way out of an error."""
    click.echo(f"legistrack: error: {message}", err=True)
    sys.exit(EXIT_FAILED)


def one_line_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, DatabaseUnavailable, BadNumber, AlertError, LockHeld) as exc:
            fail(str(exc))
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
    return load_config(find_config_path(ctx.find_root().obj["config"]))
