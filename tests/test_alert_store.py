"""Alerts in storage, on a real database (SQLite, or PostgreSQL when asked): one record_all call
that opens, refreshes, reopens, keeps and resolves alerts at once, as a check of many notes does.
The findings are constructed; the subjects are made-up bills of court 999."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select

from models.rules.staleness import Finding
from models.storage.alerts import (
    NO_LONGER_FOUND,
    SYSTEM,
    RecordOutcome,
    change_state,
    get_alert,
    record_all,
    record_findings,
)
from models.storage.db import session_scope
from models.storage.schema import Alert, AlertEvent

T0 = datetime(2026, 5, 1, 12, tzinfo=UTC)
T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)


def finding(number: int, message: str = "changed since the note", day: int = 1) -> Finding:
    """A constructed finding about the made-up bill 999:H.<number>."""
    return Finding(
        rule="changed_since_note",
        subject=f"999:H.{number}",
        severity="stale",
        message=message,
        note_says=f"H.{number} is pending in committee.",
        record_says="passed_house since 2026-04-01",
        evidence_date=date(2026, 4, day),
        source_url=None if number % 2 else f"https://malegislature.gov/Bills/999/H{number}",
        evidence=f"H.{number} passed_house",
    )


def alert_of(engine: Engine, note: str) -> Alert:
    with session_scope(engine) as session:
        (alert_id,) = session.scalars(select(Alert.id).where(Alert.note == note))
        return get_alert(session, alert_id)


def history(alert: Alert) -> list[tuple[str, str, str | None]]:
    return [(e.state, e.by, e.comment) for e in alert.events]


def test_one_batch_opens_refreshes_reopens_keeps_and_resolves(engine: Engine) -> None:
    notes = ("same.md", "reworded.md", "fixed-back.md", "acked.md", "dismissed.md", "fixed.md")
    with session_scope(engine) as session:
        first = record_all(session, {note: [finding(i)] for i, note in enumerate(notes)}, T0)
    assert [len(o.new) for o in first.values()] == [1] * len(notes)
    ids = {note: first[note].new[0] for note in notes}
    # fixed-back.md and acked.md stop being found (the latter acknowledged first: its
    # acknowledgement must come back with it); a reviewer dismisses dismissed.md's alert.
    with session_scope(engine) as session:
        change_state(session, ids["acked.md"], "acknowledged", "maria")
        change_state(session, ids["dismissed.md"], "resolved", "maria", outcome="false_alarm")
        gone = record_all(session, {"fixed-back.md": [], "acked.md": []}, T1)
    assert gone["fixed-back.md"].resolved == [ids["fixed-back.md"]]
    assert gone["acked.md"].resolved == [ids["acked.md"]]

    batch = {
        "new.md": [finding(10), finding(11), finding(10)],  # the same evidence twice: one alert
        "same.md": [finding(0)],
        "reworded.md": [finding(1, "reworded", day=2)],
        "fixed-back.md": [finding(2)],
        "acked.md": [finding(3)],
        "dismissed.md": [finding(4, "reworded")],
        "fixed.md": [],
    }
    with session_scope(engine) as session:
        outcomes = record_all(session, batch, T2)
    assert list(outcomes) == list(batch)
    new = outcomes["new.md"].new
    assert len(new) == 2 and new == sorted(new) and min(new) > max(ids.values())
    assert outcomes["same.md"] == RecordOutcome()
    assert outcomes["reworded.md"] == RecordOutcome()
    assert outcomes["fixed-back.md"] == RecordOutcome(reopened=[ids["fixed-back.md"]])
    assert outcomes["acked.md"] == RecordOutcome()  # back acknowledged: not new to anyone
    assert outcomes["dismissed.md"] == RecordOutcome()
    assert outcomes["fixed.md"] == RecordOutcome(resolved=[ids["fixed.md"]])

    with session_scope(engine) as session:
        opened = [get_alert(session, id_) for id_ in new]
    for alert, found in zip(opened, (finding(10), finding(11)), strict=True):
        assert (alert.subject, alert.rule, alert.evidence_key) == (
            found.subject,
            found.rule,
            found.evidence_key,
        )
        assert (alert.state, alert.severity, alert.notify_attempts) == ("open", "stale", 0)
        assert alert.source_url == found.source_url and alert.evidence_date == "2026-04-01"
        assert alert.detected_at == T2 and alert.last_seen_at == T2
        assert alert.notified_at is None and alert.outcome is None
        assert history(alert) == [("open", SYSTEM, "detected")]

    same = alert_of(engine, "same.md")
    assert (same.state, same.detected_at, same.last_seen_at) == ("open", T0, T2)
    assert history(same) == [("open", SYSTEM, "detected")]

    reworded = alert_of(engine, "reworded.md")
    assert (reworded.state, reworded.message, reworded.evidence_date) == (
        "open",
        "reworded",
        "2026-04-02",
    )
    assert reworded.last_seen_at == T2 and history(reworded) == [("open", SYSTEM, "detected")]

    back = alert_of(engine, "fixed-back.md")
    assert back.state == "open" and back.last_seen_at == T2
    assert history(back) == [
        ("open", SYSTEM, "detected"),
        ("resolved", SYSTEM, NO_LONGER_FOUND),
        ("open", SYSTEM, "found again"),
    ]

    acked = alert_of(engine, "acked.md")
    assert acked.state == "acknowledged"
    assert history(acked)[-1] == ("acknowledged", SYSTEM, "found again; acknowledged by maria")

    dismissed = alert_of(engine, "dismissed.md")
    assert (dismissed.state, dismissed.outcome, dismissed.message) == (
        "resolved",
        "false_alarm",
        "reworded",
    )
    assert history(dismissed)[-1] == ("resolved", "maria", None)

    fixed = alert_of(engine, "fixed.md")
    assert (fixed.state, fixed.outcome, fixed.last_seen_at) == ("resolved", None, T0)
    assert history(fixed)[-1] == ("resolved", SYSTEM, NO_LONGER_FOUND)
    assert [e.at for e in fixed.events] == [T0, T2]


def test_record_findings_is_record_all_for_one_note(engine: Engine) -> None:
    with session_scope(engine) as session:
        outcome = record_findings(session, "one.md", [finding(1), finding(2)], T0)
        assert len(outcome.new) == 2
        again = record_findings(session, "one.md", [replace(finding(2), message="new")], T1)
    assert again == RecordOutcome(resolved=[outcome.new[0]])
    with session_scope(engine) as session:
        kept = get_alert(session, outcome.new[1])
    assert (kept.message, kept.last_seen_at, kept.state) == ("new", T1, "open")


def test_a_large_batch_is_written_whole(engine: Engine) -> None:
    """More alerts than one statement's page: every id comes back, in the order given."""
    batch = {f"note-{n:04d}.md": [finding(n), finding(n + 5000)] for n in range(1200)}
    with session_scope(engine) as session:
        outcomes = record_all(session, batch, T0)
    ids = [id_ for outcome in outcomes.values() for id_ in outcome.new]
    assert len(ids) == 2400 and ids == sorted(ids)
    with session_scope(engine) as session:
        stored = {id_: subject for id_, subject in session.execute(select(Alert.id, Alert.subject))}
        events = list(session.scalars(select(AlertEvent.alert_id).order_by(AlertEvent.id)))
        repeat = record_all(session, batch, T1)
    assert [stored[id_] for id_ in outcomes["note-0007.md"].new] == ["999:H.7", "999:H.5007"]
    assert events == ids
    assert all(o == RecordOutcome() for o in repeat.values())
