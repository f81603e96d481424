"""Saving what a crawl read: bills, actions, snapshots (only on change), runs and their errors."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from models.legislature import lineage, sanity
from models.legislature.calendar import EASTERN
from models.legislature.polling import history_digest
from models.legislature.stages import ActionLike, categorize, stage_of
from models.storage.schema import (
    Action,
    Bill,
    BillRelation,
    CrawlError,
    CrawlRun,
    ListedDocument,
    Snapshot,
    utcnow,
)

logger = logging.getLogger(__name__)
MAX_ERROR = 1000  # characters of an error message stored


class SourceFailure(Exception):
    """A read that must not be stored (e.g. an empty history where there was one)."""


class BillData(Protocol):
    """What storage needs of a bill read from a source (crawler.items.BillItem satisfies it)."""

    @property
    def court(self) -> int: ...
    @property
    def tracked_number(self) -> str: ...
    @property
    def bill_number(self) -> str | None: ...
    @property
    def docket_number(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def pinslip(self) -> str | None: ...
    @property
    def sponsor(self) -> str | None: ...
    @property
    def document_text(self) -> str | None: ...
    @property
    def found_via(self) -> str | None: ...
    @property
    def actions(self) -> Sequence[ActionLike]: ...
    @property
    def source(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def fetched_from(self) -> str: ...
    @property
    def history_etag(self) -> str | None: ...
    @property
    def history_last_modified(self) -> str | None: ...
    @property
    def action_relations(self) -> Sequence[lineage.Relation] | None: ...


@dataclass(frozen=True)
class SaveResult:
    bill_id: int
    key: str
    changed: bool
    stage: str


def start_run(session: Session, source: str, now: datetime | None = None) -> CrawlRun:
    run = CrawlRun(source=source, started_at=now or utcnow(), status="running")
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run: CrawlRun, reason: str, now: datetime | None = None) -> None:
    """Close a run: `ok` if nothing failed, `partial` if some items did, `failed` if all did,
    or if it read nothing where the source's last good run read something."""
    run.finished_at = now or utcnow()
    run.finish_reason = reason
    if run.checked == 0 and run.failed == 0 and run.skipped == 0:
        before = session.scalars(
            select(CrawlRun.checked)
            .where(CrawlRun.source == run.source, CrawlRun.status.in_(("ok", "partial")))
            .order_by(CrawlRun.id.desc())
        ).first()
        if before:
            session.add(
                CrawlError(
                    run_id=run.id,
                    subject=run.source,
                    message=f"read nothing where the last good run read {before} items",
                )
            )
            run.failed += 1
    if run.failed and run.failed >= run.checked + run.failed:
        run.status = "failed"
    elif run.failed or reason != "finished":
        run.status = "partial"
    else:
        run.status = "ok"


def capped(message: str, limit: int = MAX_ERROR) -> str:
    """An error message as stored: at most `limit` characters (a source's text it quotes can be
    any length), saying how much was cut."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]}… [{len(message) - limit} more characters cut]"


def record_failure(
    session: Session, run: CrawlRun, subject: str, message: str, url: str | None
) -> None:
    message = capped(message)
    session.add(CrawlError(run_id=run.id, subject=subject, url=url, message=message))
    run.failed += 1
    logger.info("%s failed: %s", subject, message)  # the CLI prints each failure once


PROBLEM_KINDS = ("skipped", "warning")  # the prefix of a CrawlError that is not a failure


def record_problem(
    session: Session,
    run: CrawlRun,
    subject: str,
    message: str,
    url: str | None,
    kind: str = "skipped",
) -> None:
    """A part of a source skipped (a malformed feed entry), or read with a reservation (a feed
    that is not well-formed, a page over a cap: `kind` "warning"): recorded, shown, and not a
    failure of the source."""
    assert kind in PROBLEM_KINDS
    message = capped(message)
    session.add(CrawlError(run_id=run.id, subject=subject, url=url, message=f"{kind}: {message}"))
    logger.info("%s: %s: %s", subject, kind, message)


def is_problem(message: str) -> bool:
    """Whether a recorded CrawlError message is a skip or a warning, not a failure."""
    return message.startswith(tuple(f"{kind}: " for kind in PROBLEM_KINDS))


def find_bill(session: Session, court: int, numbers: Sequence[str | None]) -> Bill | None:
    """The stored bill of `court` known by any of `numbers`, as bill number or as docket."""
    wanted = [n for n in numbers if n]
    if not wanted:
        return None
    # Two lookups, each on its unique index: an OR of both columns makes SQLite scan the table,
    # which a whole court (11,600 bills) turns into minutes.
    for column in (Bill.number, Bill.docket):
        found = session.scalars(select(Bill).where(Bill.court == court, column.in_(wanted))).first()
        if found is not None:
            return found
    return None


def save_bill(
    session: Session, run: CrawlRun, data: BillData, now: datetime | None = None
) -> SaveResult:
    """Store one bill read: update `last_checked_at`; write a snapshot only when content changed.

    Raises SourceFailure (nothing written) when the read would erase what was known.
    """
    now = now or utcnow()
    numbers = (data.bill_number, data.docket_number, data.tracked_number)
    bill = find_bill(session, data.court, numbers)
    if bill is not None and not data.actions:
        had = stored_action_count(session, bill.id)
        if had:
            raise SourceFailure(
                f"{data.source} returned an empty history for {bill.key}, which had "
                f"{had} actions: treated as a source failure, nothing stored"
            )
    # `now` may be a fixed bookkeeping time (tests, replays): a row is from the future only when
    # it is after both that and the clock.
    refuse_impossible(data, max(now, utcnow()))
    if bill is not None:
        refuse_lost_rows(session, bill, data)
    if bill is None:
        number = data.bill_number or data.docket_number or data.tracked_number
        # Empty collections given: a new bill has no rows to lazy-load.
        bill = Bill(court=data.court, number=number, first_seen_at=now, actions=[], relations=[])
        session.add(bill)
    # A source that omits a field (bill pages lose their title for days) keeps what we had.
    bill.number = data.bill_number or bill.number
    bill.docket = data.docket_number or bill.docket
    bill.title = data.title or bill.title
    bill.pinslip = data.pinslip or bill.pinslip
    bill.sponsor = data.sponsor or bill.sponsor
    bill.url = data.url
    bill.found_via = data.found_via
    bill.last_checked_at = now
    bill.history_hash = history_digest(data.actions)
    bill.history_etag = data.history_etag
    bill.history_last_modified = data.history_last_modified
    bill.last_action_at = max((row.date for row in data.actions), default=None)
    run.checked += 1
    sync_relations(session, bill, relations_of(data, bill.first_seen_at))
    content = bill_content(bill, data.actions)
    digest = content_hash(content)
    stage = stage_of(data.actions, data.court, now).stage
    if digest == bill.content_hash:
        session.flush()
        return SaveResult(bill.id, bill.key, changed=False, stage=bill.stage or stage)
    bill.source = data.source
    bill.content_hash = digest
    bill.changed_at = now
    bill.stage = stage
    replace_actions(session, bill, data.actions)
    session.add(
        Snapshot(
            bill_id=bill.id,
            crawl_run_id=run.id,
            taken_at=now,
            content_hash=digest,
            content=json.dumps(content, sort_keys=True),
            source=data.source,
            fetched_from=data.fetched_from,
            stage=stage,
        )
    )
    run.changed += 1
    session.flush()
    return SaveResult(bill.id, bill.key, changed=True, stage=stage)


def refuse_impossible(data: BillData, now: datetime) -> None:
    """A history with a row dated after now or before its court began is not the record."""
    wrong = sanity.impossible_date((row.date for row in data.actions), data.court, now)
    if wrong:
        raise SourceFailure(
            f"{data.source} returned a history for {data.court}:{data.tracked_number} with "
            f"{wrong}: treated as a source failure, nothing stored"
        )


def refuse_lost_rows(session: Session, bill: Bill, data: BillData) -> None:
    """A read that no longer shows rows the stored history has (and does not show them
    stricken) lost them: a truncated or partial history, never a change."""
    stored = [
        _StoredRow(when, branch, text)
        for when, branch, text in session.execute(
            select(Action.date, Action.branch, Action.text).where(Action.bill_id == bill.id)
        )
    ]
    lost = sanity.lost_rows(stored, data.actions, getattr(data, "stricken", ()))
    if lost:
        day, branch, action = lost[0]
        more = f" and {len(lost) - 1} more" if len(lost) > 1 else ""
        raise SourceFailure(
            f"{data.source} returned a history of {len(data.actions)} rows for {bill.key} "
            f"without {len(lost)} of its {len(stored)} stored rows (not stricken), e.g. "
            f"{day} {branch}: {action[:80]}{more}: treated as a source failure, nothing stored"
        )


@dataclass(frozen=True, slots=True)
class _StoredRow:
    date: datetime
    branch: str
    action: str


def stored_action_count(session: Session, bill_id: int) -> int:
    return session.scalar(select(func.count()).where(Action.bill_id == bill_id)) or 0


def replace_actions(session: Session, bill: Bill, actions: Sequence[ActionLike]) -> None:
    """The bill's history rows become `actions`, in two statements (not one ORM object per row:
    a whole court is ~350,000 rows)."""
    session.flush()
    session.execute(delete(Action).where(Action.bill_id == bill.id))
    if actions:
        session.execute(
            insert(Action),
            [
                {
                    "bill_id": bill.id,
                    "position": index,
                    "date": row.date,
                    "branch": row.branch,
                    "text": row.action,
                    "category": categorize(row.action, row.branch),
                }
                for index, row in enumerate(actions)
            ],
        )
    session.expire(bill, ["actions"])  # read again from the table when next asked for


def touch_bill(
    session: Session,
    run: CrawlRun,
    bill_id: int,
    not_modified: bool,
    etag: str | None = None,
    last_modified: str | None = None,
    now: datetime | None = None,
) -> None:
    """A stored bill read again and found unchanged: only `last_checked_at` (and any new
    validators the source sent with the same history) change; no snapshot is written."""
    values: dict[str, object] = {"last_checked_at": now or utcnow()}
    if etag or last_modified:
        values.update(history_etag=etag, history_last_modified=last_modified)
    updated = session.execute(update(Bill).where(Bill.id == bill_id).values(**values))
    if getattr(updated, "rowcount", 1) != 1:
        raise SourceFailure(f"bill #{bill_id} is no longer stored; read it again next crawl")
    run.checked += 1
    if not_modified:
        run.not_modified += 1


def record_listed(
    session: Session,
    court: int,
    number: str,
    in_scope: bool | None,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Keep the committee filter's judgement of a listed document (one row per document)."""
    row = session.scalars(
        select(ListedDocument).where(ListedDocument.court == court, ListedDocument.number == number)
    ).first()
    if row is None:
        row = ListedDocument(court=court, number=number)
        session.add(row)
    row.in_scope, row.reason, row.judged_at = in_scope, reason, now or utcnow()
    session.flush()


def relations_of(data: BillData, first_seen: datetime | None) -> list[lineage.Relation]:
    """Everything the read states about other bills: its rows, its docket, a refile note."""
    number = data.bill_number or data.docket_number or data.tracked_number
    stated = data.action_relations
    if stated is None:
        stated = lineage.relations_from_actions(data.court, data.actions, number)
    return list(stated) + (
        lineage.relations_from_document(
            data.court,
            data.bill_number,
            data.docket_number,
            [data.pinslip, data.document_text],
            data.actions[0].date if data.actions else first_seen,
        )
    )


def sync_relations(session: Session, bill: Bill, found: list[lineage.Relation]) -> None:
    """Add the relations newly stated; drop those the record no longer states (a stricken row).

    A relation is dropped only when the source that states it was read: a bill page gives no
    document text, so a refile note read from the API is kept when the HTML page is read.
    """
    wanted = {(r.type, r.court, r.number): r for r in found}
    for stored in list(bill.relations):
        key = (stored.type, stored.object_court, stored.object_number)
        if key in wanted:
            wanted.pop(key)
        elif stored.type in ("replaced_by", "study_order", "accompanied_by", "other_version"):
            session.delete(stored)
    for relation in wanted.values():
        bill.relations.append(
            BillRelation(
                type=relation.type,
                object_court=relation.court,
                object_number=relation.number,
                since=relation.since,
                evidence=relation.evidence,
            )
        )


def bill_content(bill: Bill, actions: Sequence[ActionLike]) -> dict[str, object]:
    """The content a snapshot keeps: numbers, title and the history with full timestamps."""
    return {
        "court": bill.court,
        "number": bill.number,
        "docket": bill.docket,
        "title": bill.title,
        "actions": [
            {"date": row.date.isoformat(), "branch": row.branch, "action": row.action}
            for row in actions
        ],
    }


def content_hash(content: dict[str, object]) -> str:
    """Hash of what can change on the record, comparable across the API and the HTML page.

    Dates count by their Eastern calendar day only, because bill pages show no times.
    """
    actions = content["actions"]
    assert isinstance(actions, list)
    basis = {
        "number": content["number"],
        "docket": content["docket"],
        "title": content["title"],
        "actions": [
            [
                datetime.fromisoformat(a["date"]).astimezone(EASTERN).date().isoformat(),
                a["branch"],
                a["action"],
            ]
            for a in actions
        ],
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()
