"""Pruning the crawl-run log: old runs and their errors go; snapshots and source health stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models.storage.schema import CrawlError, CrawlRun, OrderSnapshot, Snapshot


@dataclass(frozen=True)
class Pruned:
    runs: int
    errors: int
    kept_for_snapshots: int  # old runs kept because a snapshot names them
    kept_for_health: int  # old runs kept because a source's current state needs them


def prune_runs(session: Session, before: datetime, dry_run: bool = False) -> Pruned:
    """Delete crawl runs that started before `before`, except the runs that wrote a snapshot
    (a snapshot says which run took it) and, per source, its last successful run and every run
    after it (source health reads its current streak of failures from them)."""
    query = select(CrawlRun.id, CrawlRun.source).where(CrawlRun.started_at < before)
    source_of = {run_id: source for run_id, source in session.execute(query)}
    old = set(source_of)
    snapshot_runs = set(session.scalars(select(Snapshot.crawl_run_id).distinct())) | set(
        session.scalars(select(OrderSnapshot.crawl_run_id).distinct())
    )
    health_floor = {
        source: last_ok
        for source, last_ok in session.execute(
            select(CrawlRun.source, func.max(CrawlRun.id))
            .where(CrawlRun.status.in_(("ok", "partial")))
            .group_by(CrawlRun.source)
        )
    }
    for_snapshots = old & snapshot_runs
    for_health = {run for run in old - for_snapshots if run >= health_floor.get(source_of[run], 0)}
    doomed = sorted(old - for_snapshots - for_health)
    errors = 0
    for start in range(0, len(doomed), 500):
        chunk = doomed[start : start + 500]
        errors += (
            session.scalar(
                select(func.count()).select_from(CrawlError).where(CrawlError.run_id.in_(chunk))
            )
            or 0
        )
        if not dry_run:
            session.execute(delete(CrawlError).where(CrawlError.run_id.in_(chunk)))
            session.execute(delete(CrawlRun).where(CrawlRun.id.in_(chunk)))
    return Pruned(len(doomed), errors, len(for_snapshots), len(for_health))
