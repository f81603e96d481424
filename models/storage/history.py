"""A bill's history as legistrack saw it: its snapshots over time and what each one added."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.storage.schema import Bill, Snapshot


@dataclass(frozen=True)
class SnapshotChange:
    """One snapshot: when, from where, the stage then, and what differed from the one before."""

    taken_at: datetime
    source: str
    stage: str
    added: list[dict[str, str]]  # actions not in the previous snapshot
    removed: list[dict[str, str]]  # actions gone since (stricken, or reworded by the source)
    title_changed: tuple[str | None, str | None] | None
    number_changed: tuple[str, str] | None


def bills_numbered(session: Session, number: str, court: int | None) -> list[Bill]:
    """Stored bills with this bill or docket number, in one court or in all."""
    query = select(Bill).where((Bill.number == number) | (Bill.docket == number))
    if court is not None:
        query = query.where(Bill.court == court)
    return list(session.scalars(query.order_by(Bill.court)))


def snapshot_changes(session: Session, bill: Bill) -> list[SnapshotChange]:
    snapshots = session.scalars(
        select(Snapshot).where(Snapshot.bill_id == bill.id).order_by(Snapshot.id)
    ).all()
    changes: list[SnapshotChange] = []
    prev_actions: list[dict[str, str]] = []
    prev_title: str | None = None
    prev_number: str | None = None
    for snap in snapshots:
        content = json.loads(snap.content)
        old = Counter(_key(a) for a in prev_actions)
        new = Counter(_key(a) for a in content["actions"])
        first = prev_number is None
        changes.append(
            SnapshotChange(
                taken_at=snap.taken_at,
                source=snap.source,
                stage=snap.stage,
                added=[_row(k) for k in (new - old).elements()],
                removed=[_row(k) for k in (old - new).elements()],
                title_changed=None
                if first or prev_title == content["title"]
                else (prev_title, content["title"]),
                number_changed=None
                if first or prev_number == content["number"]
                else (prev_number or "", content["number"]),
            )
        )
        prev_actions, prev_title, prev_number = (
            content["actions"],
            content["title"],
            content["number"],
        )
    return changes


def _key(action: dict[str, str]) -> tuple[str, str, str]:
    return (action["date"], action["branch"], action["action"])


def _row(key: tuple[str, str, str]) -> dict[str, str]:
    return {"date": key[0], "branch": key[1], "action": key[2]}


@dataclass(frozen=True)
class SnapshotDiff:
    """What changed between two snapshots of one bill."""

    old_taken_at: datetime | None
    new_taken_at: datetime
    stage: tuple[str | None, str]
    added: list[dict[str, str]]
    removed: list[dict[str, str]]
    title: tuple[str | None, str | None] | None


class NothingToCompare(LookupError):
    """No snapshot at or before the date asked for."""


def diff_snapshots(
    session: Session, bill: Bill, since: datetime | None, until: datetime | None
) -> SnapshotDiff:
    """Compare the bill's last snapshot taken at or before `since` with the last at or before
    `until` (default: the newest). Without `since`, the one before the newer is the older."""
    snapshots = list(
        session.scalars(select(Snapshot).where(Snapshot.bill_id == bill.id).order_by(Snapshot.id))
    )
    newer_pool = [s for s in snapshots if until is None or s.taken_at <= until]
    if not newer_pool:
        raise NothingToCompare(f"no snapshot of {bill.key} at or before {until}")
    newer = newer_pool[-1]
    if since is None:
        index = snapshots.index(newer)
        older = snapshots[index - 1] if index else None
    else:
        older_pool = [s for s in snapshots if s.taken_at <= since]
        older = older_pool[-1] if older_pool else None
    old_content = json.loads(older.content) if older else {"actions": [], "title": None}
    new_content = json.loads(newer.content)
    old = Counter(_key(a) for a in old_content["actions"])
    new = Counter(_key(a) for a in new_content["actions"])
    title_change = (old_content["title"], new_content["title"])
    return SnapshotDiff(
        old_taken_at=older.taken_at if older else None,
        new_taken_at=newer.taken_at,
        stage=(older.stage if older else None, newer.stage),
        added=[_row(k) for k in (new - old).elements()],
        removed=[_row(k) for k in (old - new).elements()],
        title=title_change if title_change[0] != title_change[1] else None,
    )
