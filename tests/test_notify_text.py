"""What an alert quotes from notes and sources, as stored and as sent: capped, one line each, no
control characters, and escaped by apprise for channels that read HTML or Markdown. The notes
and sources here are constructed (court 999); the channel is a local endpoint."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from models.rules.staleness import Finding
from models.storage.alerts import MAX_TEXT, mark_delivery, record_findings
from models.storage.db import session_scope
from models.storage.schema import Alert
from scheduler.notify import MAX_QUOTE, alert_message, digest_messages, send

from .conftest import Project, Receiver
from .test_alerts_cli import alerts, notes_project  # noqa: F401 (a fixture)

HOSTILE = "\x1b[2J\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07 \u202eexe.jpg <b>bold</b>"


def finding(note_says: str, record_says: str = "in committee") -> Finding:
    return Finding(
        "contradicts_note",
        "999:H.12",
        "stale",
        f"999:H.12: the note says passed, the record says {record_says}",
        note_says,
        record_says,
        date(2026, 3, 1),
        "https://example.invalid/bills/999/H12",
        "in_committee@2026-03-01",
    )


def test_a_note_without_sentences_is_stored_capped(engine: Engine) -> None:
    endless = "H.12 passed the House " + "and more " * 10_000  # a page with no full stop
    with session_scope(engine) as session:
        record_findings(session, "notes/endless.md", [finding(endless)])
    with session_scope(engine) as session:
        alert = session.scalars(select(Alert)).one()
        assert len(alert.note_says) < MAX_TEXT + 50
        assert alert.note_says.startswith("H.12 passed the House and more")
        assert alert.note_says.endswith("more characters cut]")
        assert len(alert.message) < MAX_TEXT + 50
        stored = alert.note_says
    # Found again: the same alert, the same capped text.
    with session_scope(engine) as session:
        outcome = record_findings(session, "notes/endless.md", [finding(endless)])
        assert not outcome.new and not outcome.reopened and not outcome.resolved
        assert session.scalars(select(Alert)).one().note_says == stored


def test_a_failed_delivery_stores_a_capped_error(engine: Engine) -> None:
    with session_scope(engine) as session:
        record_findings(session, "notes/a.md", [finding("H.12 passed")])
    with session_scope(engine) as session:
        alert = session.scalars(select(Alert)).one()
        mark_delivery([alert], False, "channel 0 (json): " + "x" * 50_000, None)
    with session_scope(engine) as session:
        alert = session.scalars(select(Alert)).one()
        assert alert.notify_error is not None and len(alert.notify_error) < 1100
        assert alert.notify_attempts == 1 and alert.notified_at is None


def test_a_message_quotes_on_one_line_without_control_characters() -> None:
    alert = Alert(
        id=7,
        note="notes/hostile.md",
        subject="999:H.12",
        rule="contradicts_note",
        message=f"the note says {HOSTILE}",
        note_says=f"H.12 passed\nthe House {HOSTILE} " + "y" * 5_000,
        record_says=f"in committee {HOSTILE}",
        evidence_date="2026-03-01",
        source_url="https://example.invalid/bills/999/H12",
    )
    title, body = alert_message(alert)
    for text in (title, body):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert body.count("\n") == len(body.splitlines()) - 1  # no stray carriage returns
    says = next(line for line in body.splitlines() if line.startswith("The note says: "))
    assert says.startswith("The note says: H.12 passed the House ")  # one line
    assert len(says) < len("The note says: ") + MAX_QUOTE + 50
    assert "more characters cut]" in says


def test_html_and_markdown_channels_get_the_text_escaped(receiver: Receiver) -> None:
    title, body = "legistrack: test", "see <a href='https://evil.example/'>here</a> *now*"
    for form in ("html", "markdown", "text"):
        delivery = send([f"json://{receiver.url}/{form}?format={form}"], title, body)
        assert delivery.ok, delivery.error
    sent = {str(m["path"]).split("?")[0].strip("/"): str(m["message"]) for m in receiver.messages}
    assert "<a" not in sent["html"] and "&lt;a" in sent["html"]
    assert "\\*now\\*" in sent["markdown"]
    assert sent["text"] == body  # a plain-text channel gets it as written


def constructed_alert(number: int) -> Alert:
    return Alert(
        id=number,
        note=f"notes/note-{number}.md",
        subject=f"999:H.{number}",
        rule="contradicts_note",
        message=f"999:H.{number}: the note says passed, the record says in committee",
        note_says=f"H.{number} passed the House. " + "x" * 300,
        record_says="in_committee",
        evidence_date=None,
        source_url=None,
    )


def test_a_large_digest_goes_as_parts_each_alert_whole_in_one() -> None:
    forty = [constructed_alert(n) for n in range(1, 41)]
    whole = digest_messages(forty, limit=None)
    assert len(whole) == 1 and whole[0][1] == "legistrack: 40 new staleness alerts"
    parts = digest_messages(forty, limit=2_000)
    assert len(parts) > 5
    assert [a.id for batch, _, _ in parts for a in batch] == list(range(1, 41))  # each once
    for number, (batch, title, body) in enumerate(parts, 1):
        assert len(body) <= 2_000
        assert title.endswith(f"(part {number} of {len(parts)})")
        assert all(f"Alert {a.id}: legistrack alerts show {a.id}" in body for a in batch)
    alone = digest_messages(forty[:2], limit=10)  # an alert over the limit still goes, alone
    assert [len(batch) for batch, _, _ in alone] == [1, 1]


def test_a_check_sends_a_large_digest_in_parts_and_marks_each_alert_delivered(
    notes_project: Project,  # noqa: F811
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from scheduler import notify
    from scheduler.cli import cli

    config = notes_project.config
    config.write_text(
        config.read_text() + f'\n[alerts]\nnotify = ["json://{receiver.url}/hook"]\ndigest = true\n'
    )
    notes_project.run("crawl", "--no-check", check=True)
    monkeypatch.setattr(notify, "DIGEST_MAX", 10)  # every alert over it: one part each
    result = CliRunner().invoke(cli, ["--config", str(config), "check"])
    assert result.exit_code == 0, result.output
    assert "notified 2 alerts" in result.output
    titles = sorted(str(m["title"]) for m in receiver.messages)
    assert titles == [
        "legistrack: 1 new staleness alert (part 1 of 2)",
        "legistrack: 1 new staleness alert (part 2 of 2)",
    ]
    assert all(a["notified_at"] for a in alerts(notes_project))
