"""Reading the polling state of stored bills: what each crawl's decisions are made from."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.legislature import lineage
from models.legislature.numbers import BillRef
from models.legislature.polling import (
    SKIP_DORMANT,
    SKIP_FINAL,
    KnownBill,
    Listed,
    PollingSummary,
    PollPolicy,
    decide,
)
from models.storage.schema import Bill, BillRelation, ListedDocument


def load_known(session: Session) -> dict[BillRef, KnownBill]:
    """Every stored bill, keyed by its bill number and by its docket."""
    query = select(
        Bill.id,
        Bill.court,
        Bill.number,
        Bill.docket,
        Bill.title,
        Bill.history_hash,
        Bill.history_etag,
        Bill.history_last_modified,
        Bill.last_action_at,
        Bill.last_checked_at,
    )
    relations = select(
        BillRelation.bill_id,
        BillRelation.type,
        BillRelation.object_court,
        BillRelation.object_number,
    ).where(BillRelation.type.in_(sorted(lineage.FOLLOWED)))
    followed: dict[int, list[tuple[str, int, str]]] = {}
    for bill_id, kind, object_court, object_number in session.execute(relations):
        followed.setdefault(bill_id, []).append((kind, object_court, object_number))
    known: dict[BillRef, KnownBill] = {}
    for row in session.execute(query):
        bill = KnownBill(*tuple(row), followed=tuple(followed.get(row[0], ())))  # type: ignore[misc]
        known[bill.ref] = bill
        if bill.docket:
            known.setdefault(BillRef(bill.court, bill.docket), bill)
    return known


def load_listed(session: Session, courts: Iterable[int]) -> dict[BillRef, Listed]:
    query = select(ListedDocument).where(ListedDocument.court.in_(sorted(set(courts))))
    return {
        BillRef(row.court, row.number): Listed(row.in_scope, row.reason, row.judged_at)
        for row in session.scalars(query)
    }


def polling_summary(session: Session, policy: PollPolicy, now: datetime) -> PollingSummary:
    bills = {known.bill_id: known for known in load_known(session).values()}.values()
    actions = [decide(known, policy, now).action for known in bills]
    return PollingSummary(
        len(actions),
        sum(1 for known in bills if known.etag),
        sum(1 for known in bills if known.last_modified),
        actions.count(SKIP_DORMANT),
        actions.count(SKIP_FINAL),
    )
