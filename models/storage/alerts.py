"""Alerts: findings stored once per (note, subject, rule, evidence), their states and delivery."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from models.rules.staleness import Finding
from models.storage.schema import Alert, AlertEvent, utcnow

STATES = ("open", "acknowledged", "resolved")  # in the order an alert moves through them
SYSTEM = "legistrack"  # who, for changes made by the check itself
ALLOWED = {"acknowledged": {"open"}, "resolved": {"open", "acknowledged"}, "open": {"resolved"}}
# A reviewer's verdict when resolving: the note was updated (the alert was right), the alert was
# wrong (false alarm), or it was right but the note stays as it is.
OUTCOMES = ("note_updated", "false_alarm", "will_not_fix")


class AlertError(Exception):
    """No such alert, or a state change that is not allowed; one line for the operator."""


@dataclass
class RecordOutcome:
    new: list[Alert]
    reopened: list[Alert]
    resolved: list[Alert]


def record_findings(
    session: Session, note: str, findings: Sequence[Finding], now: datetime | None = None
) -> RecordOutcome:
    """Store one note's findings: new alerts opened, repeats refreshed, vanished ones resolved."""
    return record_all(session, {note: findings}, now)[note]


def record_all(
    session: Session, findings: Mapping[str, Sequence[Finding]], now: datetime | None = None
) -> dict[str, RecordOutcome]:
    """record_findings for many notes at once; one outcome per note, in the order given.

    The stored alerts are read as rows in a few queries, not one per note. An alert found again
    unchanged (the common case at every check) only has its last_seen_at set, in bulk; only the
    alerts that change (refreshed text, reopened, resolved) are loaded as objects.
    """
    now = now or utcnow()
    stored = _stored_alerts(session, list(findings))
    touched: list[int] = []
    loading: set[int] = set()
    for note, found in findings.items():
        rows = stored.get(note, {})
        current = set()
        for finding in found:
            current.add(_key(finding))
            row = rows.get(_key(finding))
            if row is not None and row.state != "resolved" and row.text == _text(finding):
                touched.append(row.id)
            elif row is not None:
                loading.add(row.id)
        loading.update(r.id for k, r in rows.items() if k not in current and r.state != "resolved")
    loaded = _load_alerts(session, loading)
    outcomes = {}
    for note, found in findings.items():
        existing = {key: loaded[row.id] for key, row in stored.get(note, {}).items()
                    if row.id in loaded}  # fmt: skip
        outcomes[note] = _record(session, note, found, existing, set(stored.get(note, {})), now)
    for start in range(0, len(touched), _CHUNK):
        session.execute(
            update(Alert)
            .where(Alert.id.in_(touched[start : start + _CHUNK]))
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)  # none of them is loaded
        )
    session.flush()
    return outcomes


_AlertKey = tuple[str, str, str]  # subject, rule, evidence key
_CHUNK = 500  # notes or alerts per query: far below any backend's limit on bound parameters


@dataclass(frozen=True)
class _StoredAlert:
    id: int
    state: str
    text: tuple[str | None, ...]  # what _refresh writes, but last_seen_at


def _key(finding: Finding) -> _AlertKey:
    return finding.subject, finding.rule, finding.evidence_key


def _text(finding: Finding) -> tuple[str | None, ...]:
    day = finding.evidence_date.isoformat() if finding.evidence_date else None
    return finding.message, finding.note_says, finding.record_says, day, finding.source_url


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


def _record(
    session: Session,
    note: str,
    findings: Sequence[Finding],
    existing: dict[_AlertKey, Alert],
    stored: set[_AlertKey],
    now: datetime,
) -> RecordOutcome:
    """One note's outcome. `existing`: the stored alerts that change, loaded; `stored`: the keys
    of all its stored alerts (the others are refreshed in bulk by record_all)."""
    outcome = RecordOutcome([], [], [])
    current = set()
    for finding in findings:
        key = _key(finding)
        current.add(key)
        alert = existing.get(key)
        if alert is None:
            if key not in stored:
                alert = _new_alert(note, finding, now)
                session.add(alert)
                outcome.new.append(alert)
            continue
        _refresh(alert, finding, now)
        if alert.state == "resolved" and alert.events and alert.events[-1].by == SYSTEM:
            by = _acknowledged_by(alert)
            if by is not None:
                # The maintainer's acknowledgement outlives a spell when the finding was not
                # made (a bad read, a note edited back): it is the same evidence, still seen.
                _change(alert, "acknowledged", SYSTEM, f"found again; acknowledged by {by}", now)
            else:
                _change(alert, "open", SYSTEM, "found again", now)
                outcome.reopened.append(alert)
    for key, alert in existing.items():
        if key not in current and alert.state != "resolved":
            reason = "no longer found: the note was updated past the evidence or stopped citing it"
            _change(alert, "resolved", SYSTEM, reason, now)
            outcome.resolved.append(alert)
    return outcome


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
            alert.notify_error = error


def _new_alert(note: str, finding: Finding, now: datetime) -> Alert:
    alert = Alert(
        note=note,
        subject=finding.subject,
        rule=finding.rule,
        evidence_key=finding.evidence_key,
        severity=finding.severity,
        state="open",
        detected_at=now,
        notify_attempts=0,
    )
    _refresh(alert, finding, now)
    alert.events = [AlertEvent(state="open", by=SYSTEM, at=now, comment="detected")]
    return alert


def _refresh(alert: Alert, finding: Finding, now: datetime) -> None:
    alert.message = finding.message
    alert.note_says = finding.note_says
    alert.record_says = finding.record_says
    alert.evidence_date = finding.evidence_date.isoformat() if finding.evidence_date else None
    alert.source_url = finding.source_url
    alert.last_seen_at = now


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
