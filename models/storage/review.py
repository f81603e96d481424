"""Alerts as reviewers look at them: a filtered queue, counts by state, and the outcomes reviewers
gave per rule (the rules' measured precision)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.rules.sources import SOURCES_NOTE
from models.storage.alerts import STATES, SYSTEM
from models.storage.schema import Alert, AlertEvent

KINDS = ("bill", "measure", "order", "note", "source")
AGES = {"day": 1, "week": 7, "month": 30}  # detected within N days; "older": over a month ago
_BILL_KEY = re.compile(r"^\d+:[A-Z]+\.\d+$")


@dataclass(frozen=True)
class AlertFilter:
    """What a reviewer asks to see. `state`: a state, `active` (open and acknowledged) or `all`;
    `age`: day, week, month (detected within) or older (detected over a month ago); `q`: words
    that must each appear in the alert's note, subject, message or quoted texts (any case)."""

    state: str = "active"
    rule: str | None = None
    severity: str | None = None
    note: str | None = None
    kind: str | None = None
    subject: str | None = None
    age: str | None = None
    q: str | None = None


def subject_kind(note: str, subject: str) -> str:
    """bill (`194:H.5316`), order (`EO 650`), note (the note itself: review due), source (a
    failing source) or measure."""
    if note == SOURCES_NOTE:
        return "source"
    if subject == "(note)":
        return "note"
    if subject.startswith("EO "):
        return "order"
    return "bill" if _BILL_KEY.match(subject) else "measure"


def find_alerts(session: Session, wanted: AlertFilter, now: datetime) -> list[Alert]:
    """The alerts the filter shows, newest first."""
    query = select(Alert).order_by(Alert.detected_at.desc(), Alert.id.desc())
    if wanted.state == "active":
        query = query.where(Alert.state.in_(("open", "acknowledged")))
    elif wanted.state in STATES:
        query = query.where(Alert.state == wanted.state)
    for column, value in (
        (Alert.rule, wanted.rule),
        (Alert.severity, wanted.severity),
        (Alert.note, wanted.note),
        (Alert.subject, wanted.subject),
    ):
        if value:
            query = query.where(column == value)
    if wanted.age == "older":
        query = query.where(Alert.detected_at < now - timedelta(days=AGES["month"]))
    elif wanted.age in AGES:
        query = query.where(Alert.detected_at >= now - timedelta(days=AGES[wanted.age]))
    for word in (wanted.q or "").split()[:10]:
        pattern = f"%{_escape_like(word.casefold())}%"
        texts = (Alert.note, Alert.subject, Alert.message, Alert.note_says, Alert.record_says)
        query = query.where(or_(*(func.lower(t).like(pattern, escape="\\") for t in texts)))
    found = list(session.scalars(query))
    if wanted.kind:
        found = [a for a in found if subject_kind(a.note, a.subject) == wanted.kind]
    return found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def state_counts(session: Session) -> dict[str, int]:
    """How many alerts are in each state (every state listed, 0 when none)."""
    counts = dict.fromkeys(STATES, 0)
    for state, count in session.execute(select(Alert.state, func.count()).group_by(Alert.state)):
        counts[state] = count
    return counts


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The values stored alerts have, per filterable column: what a filter can offer."""
    choices = {}
    for name, column in (
        ("rule", Alert.rule),
        ("severity", Alert.severity),
        ("note", Alert.note),
        ("subject", Alert.subject),
    ):
        choices[name] = sorted(v for v in session.scalars(select(column).distinct()) if v)
    return choices


def outcome_counts(session: Session) -> dict[str, dict[str, int]]:
    """Per rule: its alerts that are open, acknowledged, resolved by a reviewer with each outcome,
    resolved by a reviewer without one, and resolved by the check itself (the finding vanished
    or its note is gone)."""
    last_by = (
        select(AlertEvent.alert_id, func.max(AlertEvent.id).label("last"))
        .group_by(AlertEvent.alert_id)
        .subquery()
    )
    query = (
        select(Alert.rule, Alert.state, Alert.outcome, AlertEvent.by, func.count())
        .join(last_by, last_by.c.alert_id == Alert.id)
        .join(AlertEvent, AlertEvent.id == last_by.c.last)
        .group_by(Alert.rule, Alert.state, Alert.outcome, AlertEvent.by)
    )
    counts: dict[str, dict[str, int]] = {}
    for rule, state, outcome, by, count in session.execute(query):
        if state != "resolved":
            bucket = state
        elif outcome:
            bucket = outcome
        else:
            bucket = "resolved_by_check" if by == SYSTEM else "resolved_no_outcome"
        row = counts.setdefault(rule, {})
        row[bucket] = row.get(bucket, 0) + count
    return counts


def precision(counts: dict[str, int]) -> float | None:
    """Of a rule's alerts that reviewers judged, the share that were right: note_updated /
    (note_updated + false_alarm); None before any such verdict."""
    right, wrong = counts.get("note_updated", 0), counts.get("false_alarm", 0)
    return right / (right + wrong) if right + wrong else None
