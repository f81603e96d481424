"""Staleness rules: pure functions of a note's citations, the record and `now`, giving findings."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from models.legislature.calendar import EASTERN, court
from models.legislature.laws import law_url
from models.legislature.numbers import BillRef
from models.legislature.stages import (
    TERMINAL_STAGES,
    ActionLike,
    StageResult,
    StageTimeline,
    stage_rank,
)

_AFTER_BOTH = frozenset({"passed_both", "in_conference", "enacted", "signed", "vetoed",
                         "veto_overridden"})  # fmt: skip
# Stages a note may claim for a live bill ("pending": any live stage).
LIVE_CLAIMS = frozenset({"pending", "filed", "in_committee", "reported_favorably",
                         "reported_unfavorably", "passed_house", "passed_senate", "passed_both",
                         "in_conference", "enacted"})  # fmt: skip
# A claim of a milestone holds when the record had reached any of these stages by then.
MILESTONES: dict[str, frozenset[str]] = {
    "passed_house": _AFTER_BOTH | {"passed_house"},
    "passed_senate": _AFTER_BOTH | {"passed_senate"},
    "passed_both": _AFTER_BOTH,
    "in_conference": frozenset({"in_conference"}),
    "enacted": frozenset({"enacted", "signed", "vetoed", "veto_overridden"}),
    "signed": frozenset({"signed", "veto_overridden"}),
    "vetoed": frozenset({"vetoed", "veto_overridden"}),
    "in_committee": frozenset({"filed", "in_committee"}),
    "sent_to_study": frozenset({"sent_to_study"}),
    "dead": frozenset({"dead", "replaced", "sent_to_study"}),
}


@dataclass(frozen=True)
class BillRecord:
    """One bill as stored: its history (all rows), its page, and its successor if any."""

    ref: BillRef
    actions: Sequence[ActionLike]
    url: str | None
    successor: BillRef | None = None

    @cached_property
    def timeline(self) -> StageTimeline:
        """Its stages over time, computed on first use and kept for the rest of the check."""
        return StageTimeline(self.actions, self.ref.court)


@dataclass(frozen=True)
class SubjectRecord:
    """What the record holds for a subject: one bill, or a measure's bills."""

    key: str  # "194:H.5316" or a measure name
    kind: str  # bill | measure
    bills: tuple[BillRecord, ...]


@dataclass(frozen=True)
class OrderRecord:
    """An executive order as stored, with its status (models.sources.orders.status_of)."""

    number: int
    url: str
    title: str
    date: str | None
    status: str
    adjusted_by: tuple[str, ...]
    since: str | None  # ISO day of the adjusting order, when known
    keywords: tuple[str, ...] = ()
    is_new: bool = False


@dataclass(frozen=True)
class NewsRecord:
    key: str
    feed: str
    title: str
    url: str | None
    published: datetime | None
    subjects: tuple[str, ...]


@dataclass(frozen=True)
class Position:
    """Where a subject stood at an instant, and the row (of which bill) that put it there."""

    stage: str | None
    result: StageResult | None
    bill: BillRecord | None


@dataclass(frozen=True)
class SaidClaim:
    """One claim a note makes of a subject: the stage, the words read, and the sentence."""

    stage: str  # a stage or "pending"
    phrase: str
    context: str


@dataclass(frozen=True)
class CitedSubject:
    """A subject a note cites (several spellings of one subject merged), with its main claim
    (`claim_stage`, `claim_phrase`: a definite stage over "pending", the first written) and
    every claim the note makes of it (`claims`, in the order written; each one is judged)."""

    key: str
    kind: str  # bill | measure | order
    claim_stage: str | None  # a stage, "pending", or None (cited without a claim)
    claim_phrase: str | None
    context: str  # the sentence or bullet it is cited in (of the main claim, when there is one)
    claims: tuple[SaidClaim, ...] = ()  # empty: the main claim is the only one

    def all_claims(self) -> tuple[SaidClaim, ...]:
        if self.claims:
            return self.claims
        if self.claim_stage is None:
            return ()
        return (SaidClaim(self.claim_stage, self.claim_phrase or self.claim_stage, self.context),)


@dataclass(frozen=True)
class Finding:
    rule: str
    subject: str
    severity: str  # stale | review
    message: str
    note_says: str
    record_says: str
    evidence_date: date | None
    source_url: str | None
    evidence: str  # what makes this finding distinct (with note, subject, rule: the alert key)

    @property
    def evidence_key(self) -> str:
        return hashlib.sha256(self.evidence.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class NoteFacts:
    """What the rules need of a note."""

    path: str
    note_date: date | None
    weak_date: bool
    review_every: timedelta | None
    subjects: tuple[CitedSubject, ...] = field(default_factory=tuple)
    # No date in the note's text or front matter: what it is judged as of instead, said in every
    # finding ("the file's last commit", "the file's modification time"); None for a dated note.
    undated: str | None = None


def position_at(record: SubjectRecord, when: datetime) -> Position:
    """The subject's stage at `when`: a bill's own; a measure's furthest live bill, else dead."""
    positions = []
    for bill in record.bills:
        result = bill.timeline.at(when)
        if result is not None:
            positions.append(Position(result.stage, result, bill))
    if not positions:
        return Position(None, None, None)
    if record.kind == "bill":
        return positions[0]
    live = [p for p in positions if p.stage not in TERMINAL_STAGES]
    if live:
        return max(live, key=lambda p: (stage_rank(p.stage or "filed"), _when(p)))
    last = max(positions, key=_when)
    return Position("dead", last.result, last.bill)


def first_change_after(record: SubjectRecord, since: datetime, now: datetime) -> Position | None:
    """The first action after `since` that moved the subject: the first position whose stage
    differs from the one at `since` and that a dated row (or the court's end) set. A hand-over to
    a new bill that has no stage-setting row yet (a new draft just filed) moved nothing."""
    before = position_at(record, since).stage
    instants = sorted(
        {when for b in record.bills for when in b.timeline.dates(since, now)}
        | {_court_end(b.ref.court) for b in record.bills if since < _court_end(b.ref.court) <= now}
    )
    for instant in instants:
        position = position_at(record, instant)
        if position.stage != before and _dated_change(position):
            return position
    return None


def _dated_change(position: Position) -> bool:
    result = position.result
    return result is not None and result.date is not None


def check_note(
    note: NoteFacts,
    records: dict[str, SubjectRecord],
    now: datetime,
    orders: Sequence[OrderRecord] = (),
    news: Sequence[NewsRecord] = (),
) -> list[Finding]:
    """Every finding for one note: per subject one cause (dead_bill_cited wins), orders that
    changed, news since, and review_due."""
    findings: list[Finding] = []
    for subject in note.subjects:
        record = records.get(subject.key)
        if record is None or note.note_date is None:
            continue
        findings += check_subject(note, subject, record, now)
    findings += order_changed(note, orders)
    findings += news_since_note(note, news)
    due = review_due(note, now)
    if due:
        findings.append(due)
    return findings


def order_changed(note: NoteFacts, orders: Sequence[OrderRecord]) -> list[Finding]:
    """An order the note cites was amended, superseded or revoked after the note's date (or on
    its own page, at a date the page does not give)."""
    if note.note_date is None:
        return []
    cited = {s.key for s in note.subjects if s.kind == "order"}
    found = []
    for order in orders:
        subject = f"EO {order.number}"
        if subject not in cited or order.status == "in_effect":
            continue
        if order.since is not None and order.since <= note.note_date.isoformat():
            continue
        by = "; ".join(order.adjusted_by)
        when = f" on {order.since}" if order.since else " (date not given)"
        context = next(s.context for s in note.subjects if s.key == subject)
        found.append(
            Finding(
                "order_changed",
                subject,
                "stale",
                f"{subject} ({order.title}) is {order.status}{when}, after the note's date "
                f"({_dated(note)}): {by}",
                context,
                f"{order.status}: {by}",
                date.fromisoformat(order.since) if order.since else None,
                order.url,
                f"{order.status}@{order.since}@{order.url}",
            )
        )
    return found


def news_since_note(note: NoteFacts, news: Sequence[NewsRecord]) -> list[Finding]:
    """News citing a subject of the note, published after its date: a suggestion to re-read."""
    if note.note_date is None:
        return []
    note_end = datetime.combine(note.note_date, time.max, EASTERN)
    found = []
    for subject in note.subjects:
        for story in news:
            if subject.key not in story.subjects or not story.published:
                continue
            if story.published <= note_end:
                continue
            day = story.published.astimezone(EASTERN).date()
            found.append(
                Finding(
                    "news_since_note",
                    subject.key,
                    "review",
                    f"{subject.key}: news after the note's date ({_dated(note)}): "
                    f'"{story.title}" ({story.feed}, {day}); review suggested',
                    subject.context,
                    f'{story.feed}, {day}: "{story.title}"',
                    day,
                    story.url,
                    story.key,
                )
            )
    return found


def new_orders(orders: Sequence[OrderRecord]) -> list[Finding]:
    """New orders matching the keywords, for maintainers even when no note cites them yet."""
    return [
        Finding(
            "new_order",
            f"EO {o.number}",
            "review",
            f"new executive order No. {o.number} ({o.title}, {o.date or 'undated'}) matches "
            f"{', '.join(o.keywords)}",
            "(no note cites it yet)",
            f"No. {o.number}: {o.title}",
            date.fromisoformat(o.date) if o.date else None,
            o.url,
            o.url,
        )
        for o in orders
        if o.is_new and o.keywords
    ]


def check_subject(
    note: NoteFacts, subject: CitedSubject, record: SubjectRecord, now: datetime
) -> list[Finding]:
    assert note.note_date is not None
    note_end = datetime.combine(note.note_date, time.max, EASTERN)
    current = position_at(record, now)
    if current.stage is None:
        return []  # never read: nothing to compare with
    url = _url(current)
    said = _says(subject)
    claims = subject.all_claims()
    if current.stage in TERMINAL_STAGES | {"dead"}:
        live = [c for c in claims if c.stage in LIVE_CLAIMS]
        knows = any(c.stage not in LIVE_CLAIMS and _holds(c.stage, current.stage) for c in claims)
        if live and not knows:  # the note never says it died: it treats it as live
            return [dead_bill_cited(note, subject, current, live[0].context, url, live[0])]
    found = []
    at_note = position_at(record, note_end)
    judged: set[str] = set()
    # Every definite claim is judged, each finding quoting its own words; "pending" ones (a
    # description, "would ban") only when the note says nothing definite of the subject.
    definite = [c for c in claims if c.stage != "pending"]
    for claim in definite or claims:
        if at_note.stage is None or claim.stage in judged or _holds(claim.stage, at_note.stage):
            continue
        judged.add(claim.stage)
        found.append(
            Finding(
                "contradicts_note",
                subject.key,
                "stale",
                f"{subject.key}: the note says {_quote(claim)}, but on its date "
                f"({_dated(note)}) the record said {at_note.stage}{_row(at_note)}",
                claim.context,
                f"{at_note.stage} on {note.note_date}{_row(at_note)}",
                _day(at_note),
                url,
                f"{claim.stage}!={at_note.stage}",
            )
        )
    change = first_change_after(record, note_end, now)
    if change is not None:
        main = f"; the note says {_claim(subject)}" if subject.claim_stage else ""
        found.append(
            Finding(
                "changed_since_note",
                subject.key,
                "stale",
                f"{subject.key}: changed after the note's date ({_dated(note)}): "
                f"{_event(change)}; now {current.stage} since {_day(current)}{_law(current)}{main}",
                said,
                f"{current.stage} since {_day(current)}{_law(current)}; first change "
                f"{_event(change)}",
                _day(change),
                url,
                f"{current.stage}@{_day(current)}",
            )
        )
    return found


def dead_bill_cited(
    note: NoteFacts,
    subject: CitedSubject,
    current: Position,
    said: str,
    url: str | None,
    claim: SaidClaim | None = None,
) -> Finding:
    reason = current.result.reason if current.result else current.stage
    successor = current.bill.successor if current.bill else None
    tail = f"; successor {successor.number} ({successor.court})" if successor else ""
    return Finding(
        "dead_bill_cited",
        subject.key,
        "stale",
        f"{subject.key}: the note treats it as live "
        f"({_quote(claim) if claim else _claim(subject)}), but it is "
        f"{current.stage}: {reason}{tail}",
        said,
        f"{current.stage}: {reason}{tail}",
        _day(current),
        url,
        f"{current.stage}@{_day(current)}",
    )


def review_due(note: NoteFacts, now: datetime) -> Finding | None:
    if note.review_every is None or note.note_date is None:
        return None
    due = note.note_date + note.review_every
    if now.astimezone(EASTERN).date() < due:
        return None
    days = note.review_every.days
    return Finding(
        "review_due",
        "(note)",
        "review",
        f"{note.path}: asks to be re-read every {days} days; dated {note.note_date}, due {due}",
        f"review every {days} days",
        f"last updated {note.note_date}",
        due,
        None,
        f"due@{due}",
    )


def _dated(note: NoteFacts) -> str:
    if note.undated:
        return f"{note.note_date}; undated: judged as of {note.undated}; add a date"
    weak = ", the file's modification time: a weak date" if note.weak_date else ""
    return f"{note.note_date}{weak}"


def _holds(claim: str, stage: str) -> bool:
    if claim == "pending":
        return stage not in TERMINAL_STAGES and stage not in ("signed", "veto_overridden")
    return stage in MILESTONES.get(claim, frozenset({claim}))


def _when(position: Position) -> datetime:
    date_ = position.result.date if position.result else None
    return date_ or datetime.min.replace(tzinfo=EASTERN)


def _court_end(number: int) -> datetime:
    return datetime.combine(court(number).ends, time.min, EASTERN)


def _day(position: Position) -> date | None:
    when = position.result.date if position.result else None
    return when.astimezone(EASTERN).date() if when else None


def _row(position: Position) -> str:
    result = position.result
    if result is None or not result.action:
        return ""
    bill = f" ({position.bill.ref.number})" if position.bill else ""
    return f" ({_day(position)} {result.branch}: {result.action}{bill})"


def _event(position: Position) -> str:
    result = position.result
    bill = position.bill.ref.number if position.bill else "?"
    if result and result.action:
        return f"{_day(position)} {result.branch}: {result.action} ({bill}, now {position.stage})"
    reason = result.reason if result else position.stage
    return f"{_day(position)}: {reason} ({bill})"


def _law(position: Position) -> str:
    """`, Chapter 163 of the Acts of 2026 (https://…/Laws/SessionLaws/Acts/2026/Chapter163)`."""
    law = position.result.law if position.result else None
    if law is None:
        return ""
    url = law_url(law, position.bill.url if position.bill else None)
    return f", {law.citation}" + (f" ({url})" if url else "")


def _url(position: Position) -> str | None:
    return position.bill.url if position.bill else None


def _claim(subject: CitedSubject) -> str:
    if subject.claim_phrase:
        return f'"{subject.claim_phrase}" ({subject.claim_stage})'
    return "no stage"


def _quote(claim: SaidClaim) -> str:
    return f'"{claim.phrase}" ({claim.stage})'


def _says(subject: CitedSubject) -> str:
    return subject.context
