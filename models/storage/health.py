"""Source health from storage: each source's crawl runs read into its last success and failure
and its streak of failed runs (judged by models.rules.sources)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.rules.sources import SourceHealth
from models.storage.schema import CrawlRun, utcnow
from models.storage.store import is_problem

LOOK_BACK = 200  # runs read per source: more than any threshold anyone sets


def run_error(run: CrawlRun) -> str:
    """What went wrong in a failed run, in one line."""
    for error in run.errors:
        if not is_problem(error.message):
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
