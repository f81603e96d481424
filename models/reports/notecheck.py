"""From notes and the stored record to staleness findings: which subjects a note cites, and the
record of each subject (both read here, judged by models.rules.staleness)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from models.config import Config
from models.legislature.numbers import BillRef
from models.reports.status import gather, successor, version_host
from models.rules.staleness import (
    BillRecord,
    NewsRecord,
    OrderRecord,
    SubjectRecord,
)
from models.sources.orders import status_of
from models.storage.news import stories
from models.storage.orders import all_orders
from models.storage.records import StoredBills, stored_numbers
from models.storage.schema import Bill


def load_records(session: Session, config: Config, now: datetime) -> dict[str, SubjectRecord]:
    """Every stored bill as a subject, and every configured measure with its gathered bills: each
    bill read once (models.storage.records), its stages worked out when a rule first asks. An
    amendment text is judged by the bill it amends; a measure's position comes from its bills,
    not from the amendment texts of its bills."""
    stored = StoredBills.load(session)
    record_of = {bill.key: _bill_record(stored, bill) for bill in stored.bills}
    records = {key: SubjectRecord(key, "bill", (rec,)) for key, rec in record_of.items()}
    for bill in stored.bills:
        host = version_host(stored, bill)
        if host is not None and host.key in record_of:
            records[bill.key] = SubjectRecord(bill.key, "bill", (record_of[host.key],))
    for measure in config.measures:
        gathered = [b for b in gather(stored, measure, now) if b.stage is not None]
        keys = {b.key for b in gathered}
        members = tuple(
            record_of[b.key]
            for b in gathered
            if b.key in record_of and not (b.version_of is not None and b.version_of.key in keys)
        )
        records[measure.name] = SubjectRecord(measure.name, "measure", members)
    return records


def known_bills(session: Session, config: Config) -> list[BillRef]:
    """The stored bills citations resolve against, without loading the bills: every one, but for
    a bill whose key a measure's name equals (in `load_records` the measure's record takes that
    key)."""
    measures = {measure.name for measure in config.measures}
    return [
        BillRef(court, number)
        for court, number in stored_numbers(session)
        if f"{court}:{number}" not in measures
    ]


def _bill_record(stored: StoredBills, bill: Bill) -> BillRecord:
    return BillRecord(
        BillRef(bill.court, bill.number),
        stored.actions(bill),
        bill.url,
        successor(stored.relations(bill)),
    )


def load_orders(session: Session) -> list[OrderRecord]:
    """Every stored order with its status, as the rules read it."""
    stored = all_orders(session)
    records = []
    for order in stored:
        status = status_of(order, stored)
        records.append(
            OrderRecord(
                order.number,
                order.url,
                order.title,
                order.date,
                status.status,
                status.adjusted_by,
                status.since,
                tuple(k for k in order.keywords.split("; ") if k),
                order.is_new,
            )
        )
    return records


def load_news(session: Session) -> list[NewsRecord]:
    return [
        NewsRecord(s.key, s.feed, s.title, s.url, s.published, s.subjects) for s in stories(session)
    ]
