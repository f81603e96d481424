"""The status report: every measure and its bills, with stage, last action and freshness."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .config import Config, Measure
from .numbers import BillRef
from .schema import Action, Bill
from .stages import StageResult, stage_of, stage_rank
from .store import find_bill


@dataclass(frozen=True)
class LastAction:
    date: datetime
    branch: str
    text: str


@dataclass(frozen=True)
class BillStatus:
    """One tracked bill as the record shows it now; `stage` is None until it was first read."""

    court: int
    number: str
    docket: str | None
    title: str | None
    stage: str | None
    stage_date: datetime | None
    stage_reason: str | None
    last_action: LastAction | None
    url: str | None
    checked_at: datetime | None
    changed_at: datetime | None

    @property
    def key(self) -> str:
        return f"{self.court}:{self.number}"


@dataclass(frozen=True)
class MeasureStatus:
    name: str
    stage: str | None
    bills: list[BillStatus] = field(default_factory=list)


@dataclass(frozen=True)
class StatusReport:
    generated_at: datetime
    measures: list[MeasureStatus]


def build_status(session: Session, config: Config, now: datetime) -> StatusReport:
    """Read the stored record for every configured measure (pure reads, `now` for session ends)."""
    return StatusReport(
        generated_at=now,
        measures=[measure_status(session, measure, now) for measure in config.measures],
    )


def measure_status(session: Session, measure: Measure, now: datetime) -> MeasureStatus:
    bills: list[BillStatus] = []
    seen: set[int] = set()
    for ref in measure.bills:
        bill = _load(session, ref)
        if bill is None:
            bills.append(_unread(ref))
        elif bill.id not in seen:
            seen.add(bill.id)
            bills.append(bill_status(bill, now))
    stages = [b.stage for b in bills if b.stage is not None]
    stage = max(stages, key=stage_rank) if stages else None
    return MeasureStatus(name=measure.name, stage=stage, bills=bills)


def bill_status(bill: Bill, now: datetime) -> BillStatus:
    actions: list[Action] = list(bill.actions)
    result: StageResult = stage_of(
        [_Row(a.date, a.branch, a.text) for a in actions], bill.court, now
    )
    last = actions[-1] if actions else None
    return BillStatus(
        court=bill.court,
        number=bill.number,
        docket=bill.docket if bill.docket != bill.number else None,
        title=bill.title,
        stage=result.stage if bill.last_checked_at else None,
        stage_date=result.date,
        stage_reason=result.reason,
        last_action=LastAction(last.date, last.branch, last.text) if last else None,
        url=bill.url,
        checked_at=bill.last_checked_at,
        changed_at=bill.changed_at,
    )


@dataclass(frozen=True)
class _Row:
    date: datetime
    branch: str
    action: str


def _load(session: Session, ref: BillRef) -> Bill | None:
    bill = find_bill(session, ref.court, [ref.number])
    if bill is None:
        return None
    query = select(Bill).where(Bill.id == bill.id).options(selectinload(Bill.actions))
    return session.scalars(query).one()


def _unread(ref: BillRef) -> BillStatus:
    return BillStatus(
        court=ref.court,
        number=ref.number,
        docket=None,
        title=None,
        stage=None,
        stage_date=None,
        stage_reason=None,
        last_action=None,
        url=None,
        checked_at=None,
        changed_at=None,
    )
