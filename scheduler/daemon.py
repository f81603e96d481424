"""`legistrack daemon`: APScheduler's BlockingScheduler with one job per source; each job crawls
in a child process, then checks notes and sources and sends what is new. Stops cleanly on
SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import SQLAlchemyError

from models.config import Config, ConfigError, configured_sources
from models.storage.db import DatabaseUnavailable, describe, ensure_schema, make_engine, mask

from .checking import run_check
from .common import echo
from .jobs import Children, JobOutcome, crawl_in_child
from .locks import DatabaseLock, LockHeld
from .schedule import misfire_grace, triggers
from .textsafe import one_line

if TYPE_CHECKING:
    from .web.server import Background

logger = logging.getLogger(__name__)


class Daemon:
    def __init__(self, config: Config, say: Callable[[str], None]) -> None:
        self.config = config
        self.say = say  # one line per job, on stderr
        self.engine = make_engine(config.database_url, config.database_lock_timeout)
        self.said: set[str] = set()  # note errors already said: each is said once, not per job
        self.children = Children()
        self.checking = threading.Lock()  # one check at a time, whichever source just finished
        self.stopping = threading.Event()
        self.scheduler = BlockingScheduler(
            timezone=ZoneInfo(config.schedule.timezone),
            executors={"default": ThreadPoolExecutor(max_workers=3)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )

    def job(self, source: str) -> None:
        """Crawl one source in a child, then check notes and sources, then notify. Whatever
        fails (the database, a check) is this job's one line; the next job runs all the same."""
        try:
            self._job(source)
        except Exception as exc:
            logger.debug("job %s failed", source, exc_info=True)
            if isinstance(exc, SQLAlchemyError):
                message = describe(exc, self.config.database_url)
            elif isinstance(exc, (DatabaseUnavailable, LockHeld)):
                message = str(exc)
            else:
                message = mask(f"{type(exc).__name__}: {exc}", self.config.database_url)
            self.say(f"{source}: job failed: {one_line(message)}")

    def _job(self, source: str) -> None:
        if self.stopping.is_set():
            return
        outcome: JobOutcome = crawl_in_child(
            self.engine, self.config, source, self.children, self.stopping
        )
        if self.stopping.is_set():
            self.say(f"{outcome.line()} (stopping)")
            return
        with self.checking:
            if self.stopping.is_set():  # stopped while another job was checking
                self.say(f"{outcome.line()} (stopping)")
                return
            report = run_check(self.engine, self.config, datetime.now(UTC), stopping=self.stopping)
            for error in report.errors:
                if error not in self.said:
                    self.say(f"NOTE ERROR {one_line(error)}")
            self.said = set(report.errors)
        alerts = f", {len(report.new)} new alerts" if report.new else ""
        sent = f", {report.delivered} notified" if report.delivered else ""
        failed = f", notification failed: {report.delivery_error}" if report.delivery_error else ""
        self.say(f"{outcome.line()}{alerts}{sent}{failed}")

    def schedule(self) -> None:
        now = datetime.now(ZoneInfo(self.config.schedule.timezone))
        found = triggers(self.config.schedule)
        for source in configured_sources(self.config):
            trigger = found[source]
            self.scheduler.add_job(
                self.job,
                trigger,
                args=[source],
                id=f"crawl-{source}",
                name=f"crawl {source}",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=misfire_grace(trigger, now),
                next_run_time=now,  # a first crawl at start, then on the schedule
            )

    def stop(self, signum: int, _frame: FrameType | None) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.say(f"legistrack daemon: {signal.Signals(signum).name}: stopping")
        self.scheduler.shutdown(wait=False)

    def run(self) -> int:
        lock = DatabaseLock(self.config.database_url, "daemon", "a legistrack daemon").acquire()
        try:
            ensure_schema(self.engine)
            self.schedule()
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
            sources = ", ".join(configured_sources(self.config))
            self.say(f"legistrack daemon: started (pid {os.getpid()}), sources: {sources}")
            web = self._start_web()
            self.scheduler.start()  # blocks until stop() shuts it down
            if web is not None:
                web.stop()
            self.children.stop_all(self.config.schedule.stop_grace)
            _join_workers(self.config.schedule.stop_grace + 5)
            self.say("legistrack daemon: stopped")
            return 0
        finally:
            lock.release()
            self.engine.dispose()

    def _start_web(self) -> Background | None:
        """The review page on a thread, when [web] enabled = true."""
        if not self.config.web.enabled:
            return None
        from .web.security import SetupError
        from .web.server import Background  # the web stack loads only when asked for

        try:
            web = Background(self.config, self.say)
            web.start()
        except SetupError as exc:
            raise ConfigError(f"{self.config.path}: {exc}") from None
        return web


def _join_workers(timeout: float) -> None:
    """Let running job threads finish their bookkeeping after their child was ended."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(timeout)


def run_daemon(config: Config) -> int:
    return Daemon(config, lambda line: echo(line, err=True)).run()
