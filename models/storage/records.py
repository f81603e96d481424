"""Stored bills read in bulk: each bill, its history rows and its relations read once per report."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from models.legislature import lineage
from models.legislature.numbers import BillRef
from models.storage.schema import Action, Bill, BillRelation


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One history row as the stage rules read it (models.legislature.stages.ActionLike)."""

    date: datetime
    branch: str
    action: str


@dataclass(frozen=True)
class RelationView:
    """A relation as seen from one bill (incoming ones shown by their inverse type)."""

    type: str
    court: int
    number: str
    since: datetime | None
    evidence: str


@dataclass(frozen=True)
class _Link:
    id: int
    bill_id: int
    type: str
    object_court: int
    object_number: str
    since: datetime | None
    evidence: str


class StoredBills:
    """Bills with their rows and relations, loaded by `load`; lookups then query nothing."""

    def __init__(
        self, bills: Sequence[Bill], rows: dict[int, list[ActionRow]], links: Sequence[_Link]
    ) -> None:
        self.bills = list(bills)
        self._by_id = {bill.id: bill for bill in self.bills}
        # A number names one bill of a court (unique); a docket only where no number does.
        self._by_number = {(bill.court, bill.number): bill for bill in self.bills}
        for bill in sorted(self.bills, key=lambda b: b.id):
            if bill.docket:
                self._by_number.setdefault((bill.court, bill.docket), bill)
        self._rows = rows
        self._own: dict[int, list[_Link]] = {}
        self._incoming: dict[tuple[int, str], list[_Link]] = {}
        for link in links:
            self._own.setdefault(link.bill_id, []).append(link)
            self._incoming.setdefault((link.object_court, link.object_number), []).append(link)

    @classmethod
    def load(cls, session: Session, only: Sequence[Bill] | None = None) -> StoredBills:
        """Every stored bill (or the bills `only`), with their rows and the relations that
        concern them; history texts repeated across bills are kept once in memory."""
        bills = list(session.scalars(select(Bill).order_by(Bill.id))) if only is None else only
        rows_query = select(Action.bill_id, Action.date, Action.branch, Action.text)
        links_query = select(
            BillRelation.id,
            BillRelation.bill_id,
            BillRelation.type,
            BillRelation.object_court,
            BillRelation.object_number,
            BillRelation.since,
            BillRelation.evidence,
        )
        if only is not None:
            ids = [bill.id for bill in only]
            rows_query = rows_query.where(Action.bill_id.in_(ids))
            links_query = links_query.where(or_(BillRelation.bill_id.in_(ids), *_incoming(only)))
        rows: dict[int, list[ActionRow]] = defaultdict(list)
        for bill_id, when, branch, text in session.execute(
            rows_query.order_by(Action.bill_id, Action.position)
        ):
            rows[bill_id].append(ActionRow(when, sys.intern(branch), sys.intern(text)))
        links = [_Link(*found) for found in session.execute(links_query.order_by(BillRelation.id))]
        if only is not None:  # the subjects of incoming relations, for their numbers
            missing = {link.bill_id for link in links} - {bill.id for bill in only}
            extra = list(session.scalars(select(Bill).where(Bill.id.in_(missing))))
            return cls([*only, *extra], rows, links)
        return cls(bills, rows, links)

    def find(self, ref: BillRef) -> Bill | None:
        """The bill of `ref.court` known by `ref.number` as its number, else as its docket."""
        return self._by_number.get((ref.court, ref.number))

    def actions(self, bill: Bill) -> list[ActionRow]:
        """The bill's history rows in stored order."""
        return self._rows.get(bill.id) or []

    def relations(self, bill: Bill) -> list[RelationView]:
        """The bill's own relations, and other bills' relations to it read the other way round."""
        own = [
            RelationView(r.type, r.object_court, r.object_number, r.since, r.evidence)
            for r in self._own.get(bill.id, [])
        ]
        incoming = {
            link.id: link
            for number in (bill.number, bill.docket)
            if number
            for link in self._incoming.get((bill.court, number), [])
            if link.bill_id != bill.id and link.bill_id in self._by_id
        }
        theirs = [
            RelationView(
                lineage.INVERSE.get(r.type, r.type),
                self._by_id[r.bill_id].court,
                self._by_id[r.bill_id].number,
                r.since,
                r.evidence,
            )
            for _, r in sorted(incoming.items())  # in the order they were stored
        ]
        seen: set[tuple[str, int, str]] = set()
        unique = []
        for view in own + theirs:
            key = (view.type, view.court, view.number)
            if key not in seen:
                seen.add(key)
                unique.append(view)
        return unique


def _incoming(bills: Sequence[Bill]) -> list[ColumnElement[bool]]:
    return [
        and_(
            BillRelation.object_court == bill.court,
            BillRelation.object_number.in_([n for n in (bill.number, bill.docket) if n]),
        )
        for bill in bills
    ]


def stored_numbers(session: Session) -> list[tuple[int, str]]:
    """Every stored bill's court and number, in id order, without loading the bills: what a
    check resolves citations against before (or while) the bills themselves are loaded."""
    query = select(Bill.court, Bill.number).order_by(Bill.id)
    return [(court, number) for court, number in session.execute(query)]
