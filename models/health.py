"""Source health: from the crawl runs of each source, its last success and failure, its streak of
failed runs, and the `source_failing` findings for streaks that reached the threshold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .schema import CrawlRun, utcnow
from .staleness import Finding

SOURCES_NOTE = "(sources)"  # the "note" of source_failing alerts
LOOK_BACK = 200  # runs read per source: more than any threshold anyone sets


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    streak_start_run: int | None  # the first failed run of the current streak


def run_error(run: CrawlRun) -> str:
    """What went wrong in a failed run, in one line."""
    for error in run.errors:
        if not error.message.startswith("skipped: "):
            return f"{error.subject}: {error.message}"
    return run.finish_reason or "failed"


def source_health(session: Session, source: str) -> SourceHealth:
    runs = list(
        session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source == source, CrawlRun.status.not_in(("running", "interrupted")))
            .order_by(CrawlRun.id.desc())
            .limit(LOOK_BACK)
            .options(selectinload(CrawlRun.errors))
        )
    )
    streak = 0
    for run in runs:
        if run.status != "failed":
            break
        streak += 1
    success = next((r for r in runs if r.status in ("ok", "partial")), None)
    failure = next((r for r in runs if r.status == "failed"), None)
    return SourceHealth(
        source=source,
        last_run_at=runs[0].started_at if runs else None,
        last_success_at=success.finished_at if success else None,
        last_failure_at=failure.finished_at if failure else None,
        last_error=run_error(failure) if failure else None,
        consecutive_failures=streak,
        streak_start_run=runs[streak - 1].id if streak else None,
    )


def failing_findings(healths: Sequence[SourceHealth], threshold: int) -> list[Finding]:
    """One finding per source whose current streak reached `threshold`: the same evidence for
    the whole streak, so the alert is raised once and resolves itself on the next success."""
    return [
        Finding(
            "source_failing",
            h.source,
            "stale",
            f"source {h.source} failed {h.consecutive_failures} times in a row; "
            f"last error: {h.last_error}",
            "(no note: the source itself)",
            f"{h.consecutive_failures} consecutive failed crawls; last: {h.last_error}",
            h.last_failure_at.date() if h.last_failure_at else None,
            None,
            f"streak from run {h.streak_start_run}",
        )
        for h in healths
        if h.consecutive_failures >= threshold
    ]


def fail_unfinished(session: Session, source: str, reason: str, status: str = "failed") -> int:
    """Runs of `source` left `running` by a crawl process that died or was ended: failed now
    (or `interrupted`, when legistrack itself ended it while stopping)."""
    stale = list(
        session.scalars(
            select(CrawlRun).where(CrawlRun.source == source, CrawlRun.status == "running")
        )
    )
    for run in stale:
        run.status = status
        run.finish_reason = reason[:64]
        run.finished_at = utcnow()
    return len(stale)
