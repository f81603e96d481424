"""Alerts: findings stored once per (note, subject, rule, evidence), their states and delivery."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session, selectinload

from models.rules.staleness import Finding
from models.storage.schema import Alert, AlertEvent, utcnow
from models.storage.store import capped

STATES = ("open", "acknowledged", "resolved")  # in the order an alert moves through them
SYSTEM = "legistrack"  # who, for changes made by the check itself
ALLOWED = {"acknowledged": {"open"}, "resolved": {"open", "acknowledged"}, "open": {"resolved"}}
# A reviewer's verdict when resolving: the note was updated (the alert was right), the alert was
# wrong (false alarm), or it was right but the note stays as it is.
OUTCOMES = ("note_updated", "false_alarm", "will_not_fix")
# Inserted through Core: the ORM's bulk insert splits rows into runs by which values are None
# (evidence_date, source_url) and splices the RETURNING results of every run, quadratically.
_ALERTS = cast(Table, Alert.__table__)
_EVENTS = cast(Table, AlertEvent.__table__)
# An alert's message, quotes and URL as stored and sent: a note's "sentence" (a page without
# punctuation), a feed's title or a source's URL can be any length.
MAX_TEXT = 2_000
NO_LONGER_FOUND = "no longer found: the note was updated past the evidence or stopped citing it"


class AlertError(Exception):
    """No such alert, or a state change that is not allowed; one line for the operator."""


@dataclass
class RecordOutcome:
    """The ids of the alerts one note's findings opened, reopened and resolved."""

    new: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)


def record_findings(
    session: Session, note: str, findings: Sequence[Finding], now: datetime | None = None
) -> RecordOutcome:
    """Store one note's findings: new alerts opened, repeats refreshed, vanished ones resolved."""
    return record_all(session, {note: findings}, now)[note]


def record_all(
    session: Session, findings: Mapping[str, Sequence[Finding]], now: datetime | None = None
) -> dict[str, RecordOutcome]:
    """record_findings for many notes at once; one outcome per note, in the order given.

    A few statements per call, not one object per alert: the stored alerts are read as rows in
    chunks; new alerts and their first events are inserted in bulk (executemany), alerts found
    again get their text and last_seen_at by primary key in bulk, and vanished ones are resolved
    in bulk with their events. Only the resolved alerts found again are loaded as objects, with
    their events: whether they reopen depends on who resolved them and on their history.
    """
    now = now or utcnow()
    stored = _stored_alerts(session, list(findings))
    batch = _Batch(now)
    outcomes = {
        note: batch.plan(note, found, stored.get(note, {})) for note, found in findings.items()
    }
    batch.write(session)
    return outcomes


_AlertKey = tuple[str, str, str]  # subject, rule, evidence key
_CHUNK = 500  # notes or alerts per query: far below any backend's limit on bound parameters


@dataclass(frozen=True)
class _StoredAlert:
    id: int
    state: str
    text: tuple[str | None, ...]  # what _refresh writes, but last_seen_at


@dataclass
class _Batch:
    """What one record_all writes, gathered note by note, then written in a few statements."""

    now: datetime
    new: list[tuple[RecordOutcome, dict[str, Any]]] = field(default_factory=list)
    seen: list[int] = field(default_factory=list)  # found again unchanged: last_seen_at only
    refreshed: list[dict[str, Any]] = field(default_factory=list)  # new text, still active
    resolving: list[tuple[RecordOutcome, int]] = field(default_factory=list)
    returning: dict[int, tuple[RecordOutcome, Finding]] = field(default_factory=dict)

    def plan(
        self, note: str, findings: Sequence[Finding], stored: dict[_AlertKey, _StoredAlert]
    ) -> RecordOutcome:
        outcome = RecordOutcome()
        current: set[_AlertKey] = set()
        for finding in findings:
            key = _key(finding)
            if key in current:  # the same evidence twice: one alert
                continue
            current.add(key)
            row = stored.get(key)
            if row is None:
                self.new.append((outcome, _new_row(note, key, finding, self.now)))
            elif row.state == "resolved":
                self.returning[row.id] = (outcome, finding)
            elif row.text == _text(finding):
                self.seen.append(row.id)
            else:
                self.refreshed.append({"id": row.id, **_text_values(finding, self.now)})
        self.resolving += [
            (outcome, row.id)
            for key, row in stored.items()
            if key not in current and row.state != "resolved"
        ]
        return outcome

    def write(self, session: Session) -> None:
        self._reopen(session)
        events = self._insert_new(session)
        if self.refreshed:
            session.execute(update(Alert), self.refreshed)  # by primary key, executemany
        for start in range(0, len(self.seen), _CHUNK):
            session.execute(
                update(Alert)
                .where(Alert.id.in_(self.seen[start : start + _CHUNK]))
                .values(last_seen_at=self.now)
                .execution_options(synchronize_session=False)  # none of them is loaded
            )
        if self.resolving:
            resolved = [
                {"id": id_, "state": "resolved", "outcome": None} for _, id_ in self.resolving
            ]
            session.execute(update(Alert), resolved)
            for outcome, id_ in self.resolving:
                outcome.resolved.append(id_)
                events.append(_event_row(id_, "resolved", NO_LONGER_FOUND, self.now))
        if events:
            session.execute(insert(_EVENTS), events)
        session.flush()

    def _reopen(self, session: Session) -> None:
        """The resolved alerts found again, as objects: refreshed, and reopened (or acknowledged
        again) when the check itself had resolved them."""
        for alert in _load_alerts(session, self.returning).values():
            outcome, finding = self.returning[alert.id]
            _refresh(alert, finding, self.now)
            if alert.events and alert.events[-1].by == SYSTEM:
                by = _acknowledged_by(alert)
                if by is not None:
                    # The maintainer's acknowledgement outlives a spell when the finding was not
                    # made (a bad read, a note edited back): it is the same evidence, still seen.
                    comment = f"found again; acknowledged by {by}"
                    _change(alert, "acknowledged", SYSTEM, comment, self.now)
                else:
                    _change(alert, "open", SYSTEM, "found again", self.now)
                    outcome.reopened.append(alert.id)
        session.flush()

    def _insert_new(self, session: Session) -> list[dict[str, Any]]:
        """Insert the new alerts (ids back in the order given); their first events, to insert."""
        if not self.new:
            return []
        query = insert(_ALERTS).returning(_ALERTS.c.id, sort_by_parameter_order=True)
        ids = session.scalars(query, [row for _, row in self.new]).all()
        for (outcome, _), id_ in zip(self.new, ids, strict=True):
            outcome.new.append(id_)
        return [_event_row(id_, "open", "detected", self.now) for id_ in ids]


def _key(finding: Finding) -> _AlertKey:
    return finding.subject, finding.rule, finding.evidence_key


def _text(finding: Finding) -> tuple[str | None, ...]:
    """A finding's texts as stored: each at most MAX_TEXT characters, saying how much was cut."""
    day = finding.evidence_date.isoformat() if finding.evidence_date else None
    url = capped(finding.source_url, MAX_TEXT) if finding.source_url else finding.source_url
    return (
        capped(finding.message, MAX_TEXT),
        capped(finding.note_says, MAX_TEXT),
        capped(finding.record_says, MAX_TEXT),
        day,
        url,
    )


def _text_values(finding: Finding, now: datetime) -> dict[str, Any]:
    """The columns a finding found again sets: its texts and last_seen_at."""
    message, note_says, record_says, day, url = _text(finding)
    return {
        "message": message,
        "note_says": note_says,
        "record_says": record_says,
        "evidence_date": day,
        "source_url": url,
        "last_seen_at": now,
    }


def _new_row(note: str, key: _AlertKey, finding: Finding, now: datetime) -> dict[str, Any]:
    subject, rule, evidence_key = key
    return {
        "note": note,
        "subject": subject,
        "rule": rule,
        "evidence_key": evidence_key,
        "severity": finding.severity,
        "state": "open",
        "outcome": None,
        "detected_at": now,
        "notify_attempts": 0,
        **_text_values(finding, now),
    }


def _event_row(alert_id: int, state: str, comment: str, now: datetime) -> dict[str, Any]:
    return {
        "alert_id": alert_id,
        "state": state,
        "by": SYSTEM,
        "at": now,
        "comment": comment,
        "outcome": None,
    }


def _stored_alerts(
    session: Session, notes: Sequence[str]
) -> dict[str, dict[_AlertKey, _StoredAlert]]:
    """The stored alerts of `notes`, as rows, by note and key, read in chunks of notes."""
    found: dict[str, dict[_AlertKey, _StoredAlert]] = {}
    columns = (Alert.id, Alert.note, Alert.subject, Alert.rule, Alert.evidence_key, Alert.state,
               Alert.message, Alert.note_says, Alert.record_says, Alert.evidence_date,
               Alert.source_url)  # fmt: skip
    for start in range(0, len(notes), _CHUNK):
        query = select(*columns).where(Alert.note.in_(notes[start : start + _CHUNK]))
        for id_, note, subject, rule, evidence, state, *text in session.execute(query):
            found.setdefault(note, {})[(subject, rule, evidence)] = _StoredAlert(
                id_, state, tuple(text)
            )
    return found


def _load_alerts(session: Session, ids: Iterable[int]) -> dict[int, Alert]:
    """Alerts by id, with their events, in chunks."""
    wanted = sorted(ids)
    loaded: dict[int, Alert] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = (
            select(Alert)
            .where(Alert.id.in_(wanted[start : start + _CHUNK]))
            .options(selectinload(Alert.events))
        )
        loaded.update((alert.id, alert) for alert in session.scalars(query))
    return loaded


def _acknowledged_by(alert: Alert) -> str | None:
    """Who acknowledged the alert, when the check's last resolution ended an acknowledgement
    (kept through earlier spells of the same kind); None when it ended an open alert."""
    state = None
    for event in reversed(list(alert.events)[:-1]):  # the last event is the resolution
        if event.state == "resolved":
            continue
        state = state or event.state
        if state != "acknowledged":
            return None
        if event.state == "acknowledged" and event.by != SYSTEM:
            return event.by
    return None


def resolve_notes_gone(
    session: Session, present: Iterable[str], now: datetime | None = None
) -> list[Alert]:
    """Resolve the open alerts of notes that no longer exist under the configured paths."""
    keep = set(present)
    # Rows first (10,000 notes' open alerts), objects only for the few whose note is gone.
    rows = session.execute(select(Alert.id, Alert.note).where(Alert.state != "resolved"))
    gone = list(_load_alerts(session, [id_ for id_, note in rows if note not in keep]).values())
    for alert in gone:
        _change(alert, "resolved", SYSTEM, "the note is no longer among the configured notes", now)
    return gone


def resolve_note(
    session: Session, note: str, reason: str, now: datetime | None = None
) -> list[Alert]:
    """Resolve every alert of one note that is not resolved yet, giving `reason` (a web note
    whose page was taken down)."""
    rows = session.scalars(select(Alert.id).where(Alert.note == note, Alert.state != "resolved"))
    alerts = list(_load_alerts(session, list(rows)).values())
    for alert in alerts:
        _change(alert, "resolved", SYSTEM, reason, now)
    return alerts


def change_state(
    session: Session,
    alert_id: int,
    state: str,
    by: str,
    comment: str | None = None,
    outcome: str | None = None,
) -> Alert:
    """A reviewer's change; `outcome` (one of OUTCOMES) only when resolving."""
    if outcome is not None and (state != "resolved" or outcome not in OUTCOMES):
        raise AlertError(f"outcome {outcome!r}: expected one of {', '.join(OUTCOMES)} to resolve")
    alert = get_alert(session, alert_id)
    if alert.state not in ALLOWED.get(state, set()):
        raise AlertError(f"alert {alert_id} is {alert.state}; it cannot become {state}")
    _change(alert, state, by, comment, None, outcome)
    session.flush()
    return alert


def get_alert(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id, options=[selectinload(Alert.events)])
    if alert is None:
        raise AlertError(f"no alert {alert_id}")
    return alert


def list_alerts(session: Session, state: str = "open") -> list[Alert]:
    query = select(Alert).order_by(Alert.id)
    if state != "all":
        query = query.where(Alert.state == state)
    return list(session.scalars(query))


def undelivered(session: Session) -> list[Alert]:
    """Open alerts no notification has reached yet (new ones, and failed deliveries)."""
    query = select(Alert).where(Alert.state == "open", Alert.notified_at.is_(None))
    return list(session.scalars(query.order_by(Alert.id)))


def mark_delivery(
    alerts: Iterable[Alert], ok: bool, error: str | None, now: datetime | None
) -> None:
    for alert in alerts:
        alert.notify_attempts += 1
        if ok:
            alert.notified_at = now or utcnow()
            alert.notify_error = None
        else:
            alert.notify_error = capped(error) if error else error


def _refresh(alert: Alert, finding: Finding, now: datetime) -> None:
    for column, value in _text_values(finding, now).items():
        setattr(alert, column, value)


def _change(
    alert: Alert,
    state: str,
    by: str,
    comment: str | None,
    now: datetime | None,
    outcome: str | None = None,
) -> None:
    alert.state = state
    alert.outcome = outcome
    alert.events.append(
        AlertEvent(state=state, by=by, at=now or utcnow(), comment=comment, outcome=outcome)
    )
