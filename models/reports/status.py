"""The status report: every measure, its live line and lineage, and each bill's stage and links."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.orm import Session

from models.config import Config, Measure
from models.legislature import lineage
from models.legislature.calendar import EASTERN, court, court_ended, formal_sessions_over
from models.legislature.laws import Law, law_url
from models.legislature.numbers import BillRef, chamber_of, is_docket
from models.legislature.stages import TERMINAL_STAGES, StageResult, stage_of, stage_rank
from models.sources.orders import status_of
from models.storage.orders import all_orders
from models.storage.records import RelationView, StoredBills
from models.storage.schema import Bill

# Relations that keep a proposal in one measure when the status gathers its bills.
GATHERED = frozenset(lineage.PROGRESSION) | {
    "other_version",
    "amendment_text",
    "amendment_text_for",
}


@dataclass(frozen=True)
class LastAction:
    date: datetime
    branch: str
    text: str


@dataclass(frozen=True)
class BillStatus:
    """One bill as the record shows it now; `stage` is None until it was first read."""

    court: int
    number: str
    docket: str | None
    title: str | None
    stage: str | None
    stage_date: datetime | None
    stage_reason: str | None
    stage_action: str | None  # the history row that set the stage, when one did
    last_action: LastAction | None
    url: str | None
    checked_at: datetime | None
    changed_at: datetime | None
    relations: tuple[RelationView, ...] = ()
    found_via: str | None = None
    role: str = "bill"  # bill, companion, or lineage (reached from a configured bill)
    successor: BillRef | None = None
    session_note: str | None = None
    law: Law | None = None  # the session law it became (signed, or passed over a veto)
    law_url: str | None = None  # that law's page on the site
    version_of: BillRef | None = None  # an amendment text: the bill it amends (its stage is that)
    folded_into: BillRef | None = None  # a bill folded into another ("Accompanied S555")
    continued_in: RelationView | None = None  # how its proposal went on in another bill

    @property
    def host(self) -> BillRef | None:
        """The bill that carries this one's proposal now, when it is not a bill of its own."""
        if self.version_of is not None:
            return self.version_of
        went_on = self.continued_in
        return BillRef(went_on.court, went_on.number) if went_on else None

    @property
    def key(self) -> str:
        return f"{self.court}:{self.number}"

    @property
    def host_note(self) -> str | None:
        """`amendment text of H.5316 (194)`, `folded into S.555 (192) on 2022-03-07 (Accompanied
        S555)`, `reported as H.5620 (194) on 2026-07-29 (Reported by H5620)`."""
        if self.version_of is not None:
            return f"amendment text of {self.version_of.number} ({self.version_of.court})"
        went_on = self.continued_in
        if went_on is None:
            return None
        text = f"{lineage.CONTINUED_WORDS[went_on.type]} {went_on.number} ({went_on.court})"
        if went_on.since is not None:
            text += f" on {went_on.since.astimezone(EASTERN).date().isoformat()}"
        return text + (f" ({went_on.evidence})" if went_on.evidence else "")

    @property
    def live(self) -> bool:
        """A bill of its own still moving: not ended, not folded, not another bill's text."""
        if self.host is not None:
            return False
        return self.stage is not None and self.stage not in TERMINAL_STAGES


@dataclass(frozen=True)
class MeasureStatus:
    name: str
    stage: str | None
    bills: list[BillStatus] = field(default_factory=list)
    live_bill: BillStatus | None = None
    lineage: str = ""
    dead_reason: str | None = None


@dataclass(frozen=True)
class OrderView:
    """An executive order in the status report."""

    number: int
    title: str
    date: str | None
    issuer: str | None
    status: str
    adjusted_by: tuple[str, ...]
    url: str
    checked_at: datetime | None
    changed_at: datetime | None
    tracked: bool


@dataclass(frozen=True)
class StatusReport:
    generated_at: datetime
    measures: list[MeasureStatus]
    executive_orders: list[OrderView] = field(default_factory=list)
    bills: list[BillStatus] = field(default_factory=list)  # stored bills of no measure


def build_status(
    session: Session, config: Config, now: datetime, stored: StoredBills | None = None
) -> StatusReport:
    """Read the stored record for every configured measure, and every other stored bill (court-wide
    tracking), each read once (pure reads, `now` for session ends). `stored`: the bills already
    loaded by the caller in this session (a page that also draws timelines loads them once)."""
    stored = StoredBills.load(session) if stored is None else stored
    measures = [measure_status(stored, measure, now) for measure in config.measures]
    in_measures = {(b.court, b.number) for m in measures for b in m.bills}
    others = [
        bill_status(stored, bill, now)
        for bill in sorted(stored.bills, key=lambda b: number_order(b.court, b.number))
        if (bill.court, bill.number) not in in_measures
    ]
    return StatusReport(now, measures, order_views(session, config), others)


def number_order(court_number: int, number: str) -> tuple[int, str, int]:
    """Court, then prefix, then the number's value: H.2 before H.10."""
    prefix, _, digits = number.partition(".")
    return court_number, prefix, int(digits) if digits.isdigit() else 0


def order_views(session: Session, config: Config) -> list[OrderView]:
    """Stored orders, tracked ones first; a tracked order never read yet is listed too."""
    stored = all_orders(session)
    views = [
        OrderView(
            o.number,
            o.title,
            o.date,
            o.issuer,
            status.status,
            status.adjusted_by,
            o.url,
            o.last_checked_at,
            o.changed_at,
            o.tracked,
        )
        for o in stored
        for status in [status_of(o, stored)]
    ]
    read = {v.number for v in views}
    views += [
        OrderView(n, "(not read yet)", None, None, "unknown", (), "", None, None, True)
        for n in config.executive_orders.track
        if n not in read
    ]
    return sorted(views, key=lambda v: (not v.tracked, v.number, v.url))


def measure_status(stored: StoredBills, measure: Measure, now: datetime) -> MeasureStatus:
    configured = configured_relations(measure)
    bills = [with_configured(b, configured) for b in gather(stored, measure, now)]
    edges = [
        lineage.Edge(b.key, r.type, f"{r.court}:{r.number}", r.evidence)
        for b in bills
        for r in b.relations
    ]
    live = [b for b in bills if b.live]
    read = [b for b in bills if b.stage is not None]
    best = max(
        live,
        key=lambda b: (stage_rank(b.stage or "filed"), b.role != "companion", b.stage_date or now),
        default=None,
    )
    nodes = [
        lineage.ChainNode(
            b.court,
            b.number,
            b.stage,
            b.version_of.key if b.version_of else None,
            b.folded_into.key if b.folded_into else None,
        )
        for b in bills
        if b.role != "companion"
    ]
    chain = lineage.chain_text(nodes, edges, best.key if best else None)
    companions = [b for b in bills if b.role == "companion"]
    if companions:
        chain += "; companion " + ", ".join(b.number for b in companions)
    if best is not None:
        return MeasureStatus(measure.name, best.stage, bills, best, chain)
    if not read:
        return MeasureStatus(measure.name, None, bills, None, chain)
    last = max(read, key=lambda b: b.stage_date or now)
    reason = f"every bill is dead; the last, {last.number} ({last.court}): {last.stage_reason}"
    if last.stage_date:
        reason += f" on {last.stage_date.astimezone(EASTERN).date().isoformat()}"
    if last.stage_action:
        reason += f" ({last.stage_action})"
    if last.successor:
        reason += f"; successor {last.successor.number} ({last.successor.court})"
    return MeasureStatus(measure.name, "dead", bills, None, chain, reason)


def gather(stored: StoredBills, measure: Measure, now: datetime) -> list[BillStatus]:
    """The measure's configured bills, then the stored bills their relations lead to."""
    result: list[BillStatus] = []
    seen: set[int] = set()
    queue: list[tuple[BillRef, str]] = [
        (ref, "companion" if ref in measure.companions else "bill") for ref in measure.bills
    ]
    while queue:
        ref, role = queue.pop(0)
        bill = stored.find(ref)
        if bill is None:
            if role != "lineage":
                result.append(_unread(ref, role))
            continue
        if bill.id in seen:
            continue
        seen.add(bill.id)
        status = bill_status(stored, bill, now, role)
        result.append(status)
        for relation in status.relations:
            if relation.type in GATHERED:
                queue.append((BillRef(relation.court, relation.number), "lineage"))
    return result


def configured_relations(measure: Measure) -> list[tuple[BillRef, str, BillRef]]:
    """What the config says: both chambers' bills of one court are versions of each other, and a
    bill marked `role = "companion"` is the companion of the other chamber's bills."""
    bills = [r for r in measure.bills if not is_docket(r.number)]
    found = []
    for a in bills:
        for b in bills:
            if a == b or a.court != b.court or chamber_of(a.number) == chamber_of(b.number):
                continue
            both_plain = a not in measure.companions and b not in measure.companions
            if both_plain:
                found.append((a, "other_version", b))
            elif (a in measure.companions) != (b in measure.companions):
                found.append((a, "companion", b))
    return found


def with_configured(bill: BillStatus, configured: list[tuple[BillRef, str, BillRef]]) -> BillStatus:
    have = {(r.type, r.court, r.number) for r in bill.relations}
    extra = tuple(
        RelationView(kind, b.court, b.number, None, "")
        for a, kind, b in configured
        if a.court == bill.court
        and a.number in (bill.number, bill.docket)
        and (kind, b.court, b.number) not in have
    )
    return replace(bill, relations=bill.relations + extra) if extra else bill


def bill_status(stored: StoredBills, bill: Bill, now: datetime, role: str = "bill") -> BillStatus:
    """A bill as the record shows it. An amendment text takes the stage of the bill it amends; a
    bill whose proposal went on in another (folded into it, reported by conference as a new bill,
    replaced by a draft or a reprint) is not live and names that bill."""
    actions = stored.actions(bill)
    result = stage_of(actions, bill.court, now)
    last = actions[-1] if actions else None
    relations = stored.relations(bill)
    version_of = version_host(stored, bill)
    if version_of is not None:
        result = _as_version(stored, version_of, result, now)
        relations_for_successor = _relations_of(stored, version_of) or relations
    else:
        relations_for_successor = relations
    went_on = continued_in(relations)
    folded = next((r for r in relations if r.type == "accompanies"), None)
    stage = result.stage if bill.last_checked_at else None
    ended = stage in TERMINAL_STAGES or went_on is not None
    return BillStatus(
        court=bill.court,
        number=bill.number,
        docket=bill.docket if bill.docket != bill.number else None,
        title=bill.title,
        stage=stage,
        stage_date=result.date,
        stage_reason=result.reason,
        stage_action=result.action,
        last_action=LastAction(last.date, last.branch, last.action) if last else None,
        url=bill.url,
        checked_at=bill.last_checked_at,
        changed_at=bill.changed_at,
        relations=tuple(relations),
        found_via=bill.found_via,
        role="lineage" if role == "lineage" or (bill.found_via and role == "bill") else role,
        successor=successor(relations_for_successor) if ended else None,
        session_note=None if version_of or went_on else session_note(bill.court, stage, now),
        version_of=version_of,
        folded_into=BillRef(folded.court, folded.number) if folded else None,
        continued_in=went_on,
        law=result.law if stage and not version_of else None,
        law_url=law_url(result.law, bill.url) if stage and result.law and not version_of else None,
    )


def stage_now(session: Session, bill: Bill, now: datetime) -> BillStatus:
    """One stored bill as the status report shows it (its stage, reason and law) at `now`."""
    return bill_status(StoredBills.load(session, [bill]), bill, now)


def continued_in(relations: list[RelationView]) -> RelationView | None:
    """The relation saying this bill's proposal went on in another bill, if any."""
    for kind in lineage.CONTINUED:
        for relation in relations:
            if relation.type == kind:
                return relation
    return None


def _relations_of(stored: StoredBills, ref: BillRef) -> list[RelationView]:
    bill = stored.find(ref)
    return stored.relations(bill) if bill is not None else []


def version_host(stored: StoredBills, bill: Bill, hops: int = 3) -> BillRef | None:
    """The bill a document is an amendment text of: stated by it or by that bill, or inherited
    from the text it reprints ("Text of S3072, printed as amended")."""
    relations = stored.relations(bill)
    for relation in relations:
        if relation.type in lineage.VERSION_OF:
            return BillRef(relation.court, relation.number)
    for relation in relations:
        original = stored.find(BillRef(relation.court, relation.number))
        if relation.type == "reprint_of" and original is not None and hops > 0:
            host = version_host(stored, original, hops - 1)
            if host is not None:
                return host
    return None


def _as_version(stored: StoredBills, host: BillRef, own: StageResult, now: datetime) -> StageResult:
    """An amendment text's stage: the stage of the bill it amends, when that bill is stored."""
    bill = stored.find(host)
    if bill is None:
        return replace(own, reason=f"amendment text of {host.number} ({host.court}), not read yet")
    theirs = stage_of(stored.actions(bill), bill.court, now)
    return replace(theirs, reason=f"amendment text of {bill.number}: {theirs.reason}")


def relations_of(session: Session, bill: Bill) -> list[RelationView]:
    """The bill's own relations, and other bills' relations to it read the other way round."""
    return StoredBills.load(session, [bill]).relations(bill)


def successor(relations: list[RelationView]) -> BillRef | None:
    for kind in lineage.SUCCESSION:
        for relation in relations:
            if relation.type == kind:
                return BillRef(relation.court, relation.number)
    return None


def session_note(court_number: int, stage: str | None, now: datetime) -> str | None:
    """After July 31 of its second year, a live bill of the sitting court moves only informally."""
    if stage is None or stage in TERMINAL_STAGES or stage in ("signed", "veto_overridden"):
        return None
    if formal_sessions_over(court_number, now) and not court_ended(court_number, now):
        end = court(court_number).formal_sessions_end.isoformat()
        return f"formal sessions ended {end}; only informal sessions can act"
    return None


def _unread(ref: BillRef, role: str) -> BillStatus:
    return BillStatus(
        court=ref.court,
        number=ref.number,
        docket=None,
        title=None,
        stage=None,
        stage_date=None,
        stage_reason=None,
        stage_action=None,
        last_action=None,
        url=None,
        checked_at=None,
        changed_at=None,
        role=role,
    )
