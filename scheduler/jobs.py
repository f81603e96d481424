"""One scheduled job: crawl a source in a child process (with a timeout), then check the notes,
judge the sources' health and send what is new. Shared by the daemon and `poll`."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from models.config import Config
from models.storage.db import session_scope
from models.storage.health import fail_unfinished
from models.storage.schema import CrawlRun

logger = logging.getLogger(__name__)
EXIT_LOCKED = 3  # `crawl` refusing because another crawl of the source runs


@dataclass(frozen=True)
class JobOutcome:
    source: str
    outcome: str  # ok, partial, failed, timeout, busy (another crawl held the source)
    items: int
    changed: int
    failed: int
    seconds: float

    def line(self) -> str:
        return (
            f"{self.source}: {self.outcome}, {self.items} items, {self.changed} changed, "
            f"{self.failed} failed, {self.seconds:.1f} s"
        )


class Children:
    """The crawl processes running now, so that a stopping daemon can end them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[str]] = set()

    def add(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.add(proc)

    def discard(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.discard(proc)

    def stop_all(self, grace: float) -> None:
        """SIGTERM to each child's process group; SIGKILL to whatever is left after `grace`."""
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()


def _signal_group(proc: subprocess.Popen[str], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(proc.pid, sig)


def crawl_command(config: Config, source: str) -> list[str]:
    """The child's command line: this Python, this config; no shell anywhere."""
    assert config.path is not None
    return [
        sys.executable, "-m", "scheduler", "--config", str(config.path),
        "crawl", "--source", source, "--no-check", "--busy-exit", str(EXIT_LOCKED),
    ]  # fmt: skip


def crawl_in_child(
    engine: Engine,
    config: Config,
    source: str,
    children: Children | None = None,
    stopping: threading.Event | None = None,
) -> JobOutcome:
    """Run `legistrack crawl --source SOURCE` as a child; end it after the configured timeout.

    A child ended because the daemon is stopping leaves an `interrupted` run: not the source's
    failure.
    """
    started = time.monotonic()
    since = datetime.now(UTC)
    proc = subprocess.Popen(
        crawl_command(config, source),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: ended with everything it started
    )
    if children:
        children.add(proc)
    timed_out = False
    try:
        _, err = proc.communicate(timeout=config.schedule.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=config.schedule.stop_grace)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        err = ""
    finally:
        if children:
            children.discard(proc)
    seconds = time.monotonic() - started
    if proc.returncode == EXIT_LOCKED:
        return JobOutcome(source, "busy", 0, 0, 0, seconds)
    with session_scope(engine) as session:
        if stopping is not None and stopping.is_set():
            fail_unfinished(session, source, "ended: the daemon stopped", status="interrupted")
            return JobOutcome(source, "interrupted", 0, 0, 0, seconds)
        if timed_out:
            reason = f"timed out after {config.schedule.timeout:.0f} s"
        else:
            reason = f"crawl process exited with status {proc.returncode}"
        fail_unfinished(session, source, reason)
        run = session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source == source, CrawlRun.started_at >= since)
            .order_by(CrawlRun.id.desc())
        ).first()
        if run is None:  # ended before it recorded its start: a run says what happened
            detail = (err or "").strip().splitlines()[-1:] or [reason]
            session.add(
                CrawlRun(source=source, status="failed", finish_reason=reason[:64],
                         started_at=since, finished_at=datetime.now(UTC), failed=1)
            )  # fmt: skip
            if timed_out:  # a child still starting when its time ran out timed out all the same
                logger.warning("%s: %s, before the crawl recorded its start", source, reason)
                return JobOutcome(source, "timeout", 0, 0, 1, seconds)
            logger.warning("%s: the crawl did not start: %s", source, detail[0][:500])
            return JobOutcome(source, "failed", 0, 0, 1, seconds)
        outcome = "timeout" if timed_out else run.status
        return JobOutcome(source, outcome, run.checked, run.changed, run.failed, seconds)
