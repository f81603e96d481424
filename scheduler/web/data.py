"""What the review page reads and writes, through models: the one module of the web package that
imports models, so the pages show the same facts as `status` and `alerts`, computed once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from models.config import Config, WebSettings
from models.legislature.calendar import EASTERN
from models.legislature.numbers import BadNumber, BillRef, canonical_number
from models.legislature.stages import STAGES, StageStep, chapter_of
from models.notes.citations import cite
from models.notes.reading import Note, NoteError, read_note
from models.reports.status import (
    BillStatus,
    MeasureStatus,
    OrderView,
    StatusReport,
    build_status,
    relations_of,
)
from models.reports.timeline import BillTrack, measure_timelines
from models.storage import alerts as alert_store
from models.storage import review
from models.storage.alerts import OUTCOMES, AlertError
from models.storage.db import DatabaseUnavailable, ensure_schema, make_engine, session_scope
from models.storage.history import (
    NothingToCompare,
    SnapshotChange,
    SnapshotDiff,
    bills_numbered,
    diff_snapshots,
    snapshot_changes,
)
from models.storage.news import Story, stories
from models.storage.records import StoredBills
from models.storage.review import KINDS, AlertFilter, subject_kind
from models.storage.schema import Alert, Bill

from ..checking import NoteResult, evaluate
from ..notes_cli import alert_json
from ..webnotes import stored_web_notes

__all__ = [
    "KINDS",
    "OUTCOMES",
    "STAGES",
    "AlertError",
    "AlertFilter",
    "BadNumber",
    "BillStatus",
    "BillTrack",
    "Config",
    "DatabaseUnavailable",
    "MeasureStatus",
    "NothingToCompare",
    "OrderView",
    "SnapshotChange",
    "SnapshotDiff",
    "StageStep",
    "StatusReport",
    "Story",
    "WebSettings",
]
ACTIVE = ("open", "acknowledged")


class NotFound(LookupError):
    """No such alert, bill, measure or note: one line for a 404 page."""


def eastern_day(when: datetime | None) -> str:
    return when.astimezone(EASTERN).date().isoformat() if when else ""


class Data:
    """The database and config one server reads; each call opens and closes its own session."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.engine = make_engine(config.database_url)
        ensure_schema(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            yield session

    # -- alerts -------------------------------------------------------------------------------

    def queue(
        self, wanted: AlertFilter, now: datetime, limit: int | None = None, offset: int = 0
    ) -> Queue:
        """The alerts a filter shows, newest first (`limit` of them from `offset`; all by
        default), with how many match in all, and counts by state and by rule of every match."""
        with self.session() as session:
            found = review.find_alerts(session, wanted, now)
            states = review.state_counts(session)
            window = found[offset:] if limit is None else found[offset : offset + limit]
            return Queue(
                [alert_row(a) for a in window],
                states,
                _count(a.rule for a in found),
                review.filter_choices(session),
                len(found),
            )

    def alert(self, alert_id: int, now: datetime) -> AlertPage:
        with self.session() as session:
            try:
                alert = alert_store.get_alert(session, alert_id)
            except AlertError as exc:
                raise NotFound(str(exc)) from None
            row = alert_row(alert, events=True)
            stored = StoredBills.load(session)  # once, for the record and the timelines
            report = build_status(session, self.config, now, stored)
            tracks = measure_timelines(session, self.config, now, stored)
            page = self._web_note(session, alert.note)
        record = subject_record(report, alert.subject)
        measure = record if isinstance(record, MeasureStatus) else measure_of(report, record)
        claim, note_date = self._claim(alert, report, page)
        return AlertPage(
            row,
            marked(alert.note_says, claim),
            record,
            measure,
            tracks.get(measure.name, []) if measure else [],
            note_date,
            self._chapter(record),
        )

    def change(
        self, ids: list[int], state: str, by: str, comment: str | None, outcome: str | None
    ) -> dict[int, str]:
        """Change each alert's state; a line for each alert that could not (the rest change)."""
        problems: dict[int, str] = {}
        with self.session() as session:
            for alert_id in ids:
                try:
                    with session.begin_nested():
                        alert_store.change_state(session, alert_id, state, by, comment, outcome)
                except AlertError as exc:
                    problems[alert_id] = str(exc)
        return problems

    def alert_json(self, alert_id: int) -> dict[str, Any]:
        with self.session() as session:
            try:
                return alert_row(alert_store.get_alert(session, alert_id), events=True)
            except AlertError as exc:
                raise NotFound(str(exc)) from None

    def stats(self) -> list[RuleStats]:
        with self.session() as session:
            counts = review.outcome_counts(session)
        return [RuleStats(rule, dict(by)) for rule, by in sorted(counts.items())]

    # -- the record ---------------------------------------------------------------------------

    def status(self, now: datetime) -> tuple[StatusReport, dict[str, list[BillTrack]]]:
        with self.session() as session:
            stored = StoredBills.load(session)  # once, for the record and the timelines
            report = build_status(session, self.config, now, stored)
            return report, measure_timelines(session, self.config, now, stored)

    def bill(self, court: int, number: str, now: datetime) -> BillPage:
        try:
            wanted = canonical_number(number)
        except BadNumber as exc:
            raise NotFound(str(exc)) from None
        with self.session() as session:
            bills = bills_numbered(session, wanted, court)
            if not bills:
                raise NotFound(f"no stored bill {wanted} of court {court}")
            bill = bills[0]
            report = build_status(session, self.config, now)
            return BillPage(
                bill_status_of(report, bill),
                measure_of(report, bill_status_of(report, bill)),
                relations_of(session, bill),
                list(reversed(snapshot_changes(session, bill))),
            )

    def diff(
        self, court: int, number: str, since: datetime | None, until: datetime | None
    ) -> tuple[str, SnapshotDiff]:
        with self.session() as session:
            bills = bills_numbered(session, canonical_number(number), court)
            if not bills:
                raise NotFound(f"no stored bill {number} of court {court}")
            return bills[0].key, diff_snapshots(session, bills[0], since, until)

    def news(self, subject: str | None) -> list[Story]:
        with self.session() as session:
            return stories(session, None, subject)

    # -- notes --------------------------------------------------------------------------------

    def notes(self, now: datetime) -> tuple[list[NoteResult], list[str]]:
        """Every configured note judged, files and web pages (each page's newest stored
        version, as the check judges it; a page taken down is left out, as the check leaves it),
        and the one-line error of each that could not be."""
        with self.session() as session:
            web, _gone = stored_web_notes(session, self.config)
            paths = list(self.config.notes.paths)
            results, errors = evaluate(session, self.config, paths, now, web)
        return results, [str(error) for error in errors]

    def note(self, name: str, now: datetime) -> NoteResult:
        results, _errors = self.notes(now)
        for result in results:
            if result.name == name:
                return result
        raise NotFound(f"no configured note {name}")

    def _note_path(self, name: str) -> Path:
        base = self.config.path.parent if self.config.path else Path.cwd()
        return base / name

    def _web_note(self, session: Session, name: str) -> Note | None:
        """The web note `name` (a page's URL) as the check judges it, its newest stored version;
        None for a note file, or a page not stored (or taken down)."""
        if not name.startswith(("http://", "https://")):
            return None
        web, _gone = stored_web_notes(session, self.config)
        return next((found.note for found in web if found.url == name), None)

    def _claim(
        self, alert: Alert, report: StatusReport, page: Note | None = None
    ) -> tuple[str | None, date | None]:
        """The claimed words of the alert's subject in its note, and the note's date, read from
        the note as the check reads it (`page`: the web note, when the alert is a page's);
        (None, None) when the note cannot be read now."""
        if page is not None:
            note = page
        else:
            path = self._note_path(alert.note)
            if not path.is_file():
                return None, None
            try:
                note = read_note(path)
            except NoteError:
                return None, None
        known = [BillRef(b.court, b.number) for b in all_bills(report) if b.stage is not None]
        for subject in cite(note, self.config, known).subjects:
            if subject.key == alert.subject:
                return subject.claim_phrase, note.date
        return None, note.date

    def _chapter(self, record: object) -> tuple[str, str] | None:
        """("Chapter 139 of the Acts of 2024", its page) when the record shows a signed law."""
        bill = record.live_bill if isinstance(record, MeasureStatus) else record
        if not isinstance(bill, BillStatus) or bill.stage not in ("signed", "veto_overridden"):
            return None
        for text in (bill.stage_action, bill.last_action.text if bill.last_action else None):
            found = chapter_of(text or "")
            if found:
                number, year = found
                site = self.config.legislature.site_url
                return (
                    f"Chapter {number} of the Acts of {year}",
                    f"{site}/Laws/SessionLaws/Acts/{year}/Chapter{number}",
                )
        return None


@dataclass
class Queue:
    alerts: list[dict[str, Any]]  # the window asked for (every match by default)
    states: dict[str, int]
    rules: dict[str, int]
    choices: dict[str, list[str]]
    total: int  # every alert the filter matches


@dataclass
class AlertPage:
    alert: dict[str, Any]
    note_says: list[tuple[str, bool]]  # the sentence in pieces, True for the claimed words
    record: MeasureStatus | BillStatus | OrderView | None
    measure: MeasureStatus | None
    tracks: list[BillTrack]
    note_date: date | None
    chapter: tuple[str, str] | None


@dataclass
class BillPage:
    status: BillStatus | None
    measure: MeasureStatus | None
    relations: list[Any]
    changes: list[SnapshotChange]  # newest first


@dataclass
class RuleStats:
    rule: str
    counts: dict[str, int]

    @property
    def precision(self) -> float | None:
        return review.precision(self.counts)


def alert_row(alert: Alert, events: bool = False) -> dict[str, Any]:
    """An alert as `alerts --format json` shows it, plus its subject's kind and its outcome."""
    row = alert_json(alert)
    row["kind"] = subject_kind(alert.note, alert.subject)
    if events:
        row["history"] = [
            {
                "at": e.at.isoformat().replace("+00:00", "Z"),
                "state": e.state,
                "by": e.by,
                "comment": e.comment,
                "outcome": e.outcome,
            }
            for e in alert.events
        ]
    return row


def marked(text: str, phrase: str | None) -> list[tuple[str, bool]]:
    """`text` in pieces, the first occurrence of `phrase` (any case) flagged True."""
    if not phrase:
        return [(text, False)]
    start = text.casefold().find(phrase.casefold())
    if start < 0:
        return [(text, False)]
    end = start + len(phrase)
    pieces = [(text[:start], False), (text[start:end], True), (text[end:], False)]
    return [p for p in pieces if p[0]]


def marked_body(body: str, sentences: list[str]) -> list[tuple[str, bool]]:
    """A note's text in pieces, each sentence an alert quotes flagged True."""
    spans: list[tuple[int, int]] = []
    for sentence in {s for s in sentences if s}:
        start = body.find(sentence)
        if start >= 0:
            spans.append((start, start + len(sentence)))
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        if start < at:
            continue
        pieces += [(body[at:start], False), (body[start:end], True)]
        at = end
    pieces.append((body[at:], False))
    return [p for p in pieces if p[0]]


def subject_record(
    report: StatusReport, subject: str
) -> MeasureStatus | BillStatus | OrderView | None:
    for measure in report.measures:
        if measure.name == subject:
            return measure
    for bill in all_bills(report):
        if bill.key == subject:
            return bill
    for order in report.executive_orders:
        if f"EO {order.number}" == subject:
            return order
    return None


def all_bills(report: StatusReport) -> list[BillStatus]:
    return [b for m in report.measures for b in m.bills] + report.bills


def measure_of(report: StatusReport, record: object) -> MeasureStatus | None:
    if not isinstance(record, BillStatus):
        return None
    for measure in report.measures:
        if any(b.key == record.key for b in measure.bills):
            return measure
    return None


def bill_status_of(report: StatusReport, bill: Bill) -> BillStatus | None:
    found = subject_record(report, bill.key)
    return found if isinstance(found, BillStatus) else None


def _count(values: Iterator[str] | Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))
