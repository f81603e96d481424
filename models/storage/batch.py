"""Saving a crawl's bills in batches: many bills per transaction, new bills by Core executemany.

`save_bill` (models.storage.store) stores one bill through the ORM: a lookup, objects, flushes.
A whole court is 11,600 bills, nearly all new on a first crawl and nearly all unchanged on the
next, so a crawl hands its bills here a batch at a time:

- one lookup per batch (by number, then by docket, each on its unique index) tells stored bills
  from new ones;
- a new bill is written with a few statements for the whole batch (bills with RETURNING, then
  their history rows, snapshots and relations), after the same checks `save_bill` makes (a row
  from the future or from before its court is refused);
- a stored bill goes through `save_bill` itself, with its empty-history and lost-rows guards;
- bills read unchanged get one UPDATE of `last_checked_at` for the batch.

Each entry's outcome is returned in order: its `SaveResult`, or the reason it was refused. The
caller commits the batch as one transaction; if the database refuses it, nothing of it is
written and the caller stores the entries again one at a time, so one bad bill never loses the
others.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from models.legislature.polling import history_digest
from models.legislature.stages import categorize, stage_of
from models.storage.schema import Action, Bill, BillRelation, CrawlRun, Snapshot, utcnow
from models.storage.store import (
    BillData,
    SaveResult,
    SourceFailure,
    content_hash,
    refuse_impossible,
    relations_of,
    save_bill,
)

CHUNK = 500  # numbers per IN (...) lookup: well inside every database's parameter limit

BILLS = cast(Table, Bill.__table__)
ACTIONS = cast(Table, Action.__table__)
SNAPSHOTS = cast(Table, Snapshot.__table__)
RELATIONS = cast(Table, BillRelation.__table__)


class CheckData(Protocol):
    """A stored bill read again unchanged (crawler.items.BillChecked satisfies it)."""

    @property
    def bill_id(self) -> int: ...
    @property
    def not_modified(self) -> bool: ...
    @property
    def history_etag(self) -> str | None: ...
    @property
    def history_last_modified(self) -> str | None: ...


@dataclass(frozen=True)
class Refused:
    """An entry not stored, and why (a source failure, or an error in its own data)."""

    message: str


Outcome = SaveResult | Refused


def _chunks(values: Sequence[str], size: int = CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _numbers(data: BillData) -> set[str]:
    return {n for n in (data.bill_number, data.docket_number, data.tracked_number) if n}


def stored_numbers(session: Session, wanted: dict[int, set[str]]) -> dict[int, set[str]]:
    """Of the numbers wanted per court, those a stored bill holds as its number or docket: two
    indexed lookups per court and chunk, never one per bill."""
    found: dict[int, set[str]] = {}
    for court, numbers in wanted.items():
        ordered = sorted(numbers)
        hits = found.setdefault(court, set())
        for column in (BILLS.c.number, BILLS.c.docket):
            for chunk in _chunks(ordered):
                query = select(column).where(BILLS.c.court == court, column.in_(chunk))
                hits.update(value for value in session.scalars(query) if value)
    return found


def save_bills(
    session: Session, run: CrawlRun, items: Sequence[BillData], now: datetime | None = None
) -> list[Outcome]:
    """Store the bills read, in the caller's transaction; one outcome per item, in order.

    Raises only what the database raises (SQLAlchemyError): the caller then rolls the batch
    back and stores its entries one at a time."""
    now = now or utcnow()
    outcomes: list[Outcome | None] = [None] * len(items)
    wanted: dict[int, set[str]] = {}
    for item in items:
        wanted.setdefault(item.court, set()).update(_numbers(item))
    stored = stored_numbers(session, wanted)
    fresh: list[tuple[int, BillData]] = []  # new bills, for the bulk path
    known: list[tuple[int, BillData]] = []  # stored bills (or repeats in this batch): one by one
    claimed: dict[int, set[str]] = {}
    for index, item in enumerate(items):
        numbers = _numbers(item)
        taken = claimed.setdefault(item.court, set())
        if numbers & stored.get(item.court, set()) or numbers & taken:
            known.append((index, item))
        else:
            taken.update(numbers)
            fresh.append((index, item))
    for index, result in _insert_new(session, run, fresh, now):
        outcomes[index] = result
    for index, item in known:
        try:
            outcomes[index] = save_bill(session, run, item, now)
        except SourceFailure as exc:
            outcomes[index] = Refused(str(exc))
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass
class _NewBill:
    index: int
    data: BillData
    row: dict[str, object]
    content: dict[str, object]
    digest: str
    stage: str


def _prepare(data: BillData, now: datetime) -> _NewBill | Refused:
    """A new bill's row, content and stage, as `save_bill` would store them; or why not."""
    try:
        refuse_impossible(data, max(now, utcnow()))
    except SourceFailure as exc:
        return Refused(str(exc))
    number = data.bill_number or data.docket_number or data.tracked_number
    row: dict[str, object] = {
        "court": data.court,
        "number": number,
        "docket": data.docket_number,
        "title": data.title,
        "pinslip": data.pinslip,
        "sponsor": data.sponsor,
        "url": data.url,
        "source": data.source,
        "first_seen_at": now,
        "last_checked_at": now,
        "changed_at": now,
        "found_via": data.found_via,
        "history_hash": history_digest(data.actions),
        "history_etag": data.history_etag,
        "history_last_modified": data.history_last_modified,
        "last_action_at": max((a.date for a in data.actions), default=None),
    }
    content: dict[str, object] = {
        "court": data.court,
        "number": number,
        "docket": data.docket_number,
        "title": data.title,
        "actions": [
            {"date": a.date.isoformat(), "branch": a.branch, "action": a.action}
            for a in data.actions
        ],
    }
    digest = content_hash(content)
    stage = stage_of(data.actions, data.court, now).stage
    row.update(content_hash=digest, stage=stage)
    return _NewBill(0, data, row, content, digest, stage)


def _insert_new(
    session: Session, run: CrawlRun, fresh: list[tuple[int, BillData]], now: datetime
) -> list[tuple[int, Outcome]]:
    """New bills: one INSERT ... RETURNING for the bills, one executemany per other table."""
    results: list[tuple[int, Outcome]] = []
    ready: list[_NewBill] = []
    for index, data in fresh:
        try:
            prepared = _prepare(data, now)
        except Exception as exc:  # one bill's odd data is its failure, never the batch's
            prepared = Refused(f"internal error while storing: {exc!r}")
        if isinstance(prepared, Refused):
            results.append((index, prepared))
        else:
            prepared.index = index
            ready.append(prepared)
    if not ready:
        return results
    ids = session.execute(
        insert(BILLS).returning(BILLS.c.id, sort_by_parameter_order=True),
        [new.row for new in ready],
    ).scalars().all()  # fmt: skip
    actions: list[dict[str, object]] = []
    snapshots: list[dict[str, object]] = []
    relations: list[dict[str, object]] = []
    for bill_id, new in zip(ids, ready, strict=True):
        data = new.data
        actions.extend(
            {
                "bill_id": bill_id,
                "position": position,
                "date": row.date,
                "branch": row.branch,
                "text": row.action,
                "category": categorize(row.action, row.branch),
            }
            for position, row in enumerate(data.actions)
        )
        snapshots.append(
            {
                "bill_id": bill_id,
                "crawl_run_id": run.id,
                "taken_at": now,
                "content_hash": new.digest,
                "content": json.dumps(new.content, sort_keys=True),
                "source": data.source,
                "fetched_from": data.fetched_from,
                "stage": new.stage,
            }
        )
        # As sync_relations: one relation per (type, court, number), the last one stated.
        stated = {(r.type, r.court, r.number): r for r in relations_of(data, now)}
        relations.extend(
            {
                "bill_id": bill_id,
                "type": r.type,
                "object_court": r.court,
                "object_number": r.number,
                "since": r.since,
                "evidence": r.evidence,
                "first_seen_at": now,
            }
            for r in stated.values()
        )
        key = f"{data.court}:{new.row['number']}"
        results.append((new.index, SaveResult(bill_id, key, changed=True, stage=new.stage)))
    for table, rows in ((ACTIONS, actions), (SNAPSHOTS, snapshots), (RELATIONS, relations)):
        if rows:
            session.execute(insert(table), rows)
    run.checked += len(ready)
    run.changed += len(ready)
    return results


def touch_bills(
    session: Session, run: CrawlRun, checks: Sequence[CheckData], now: datetime | None = None
) -> list[Refused | None]:
    """Stored bills read again and found unchanged: `last_checked_at` for all of them in one
    UPDATE (and any new validators, one executemany); None per bill touched, or why not."""
    now = now or utcnow()
    ids = sorted({check.bill_id for check in checks})
    present: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        present.update(session.scalars(select(BILLS.c.id).where(BILLS.c.id.in_(chunk))))
    plain = sorted(
        {c.bill_id for c in checks if c.bill_id in present}
        - {c.bill_id for c in checks if c.history_etag or c.history_last_modified}
    )
    for start in range(0, len(plain), CHUNK):
        chunk = plain[start : start + CHUNK]
        session.execute(update(BILLS).where(BILLS.c.id.in_(chunk)).values(last_checked_at=now))
    validated = [
        {
            "b_id": c.bill_id,
            "last_checked_at": now,
            "history_etag": c.history_etag,
            "history_last_modified": c.history_last_modified,
        }
        for c in checks
        if c.bill_id in present and (c.history_etag or c.history_last_modified)
    ]
    if validated:
        session.execute(update(BILLS).where(BILLS.c.id == bindparam("b_id")), validated)
    outcomes: list[Refused | None] = []
    for check in checks:
        if check.bill_id not in present:
            message = f"bill #{check.bill_id} is no longer stored; read it again next crawl"
            outcomes.append(Refused(message))
            continue
        run.checked += 1
        run.not_modified += 1 if check.not_modified else 0
        outcomes.append(None)
    return outcomes
