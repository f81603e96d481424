"""Notes, alerts and notifications end to end: the real CLI, a real database, a local receiver."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.replay import ReplayServer

from .conftest import Project, Receiver, write_config

# Constructed notes about made-up bills (court 999; see tests/fixtures/site).
DRAFTS = """---
title: Made-up drafts
last_updated: 2025-06-25
---
# Made-up drafts

H.1002 passed the House in June 2025.
"""
SENATE = """Made-up Senate note

S.1003 is in committee.

Last updated: Jun 1, 2025
"""
FINE = """Made-up fine note

S 1003 passed the Senate.

Last updated: Jun 1, 2025
"""
BROKEN = "---\ntitle: [unclosed\n---\nS.1003\n"


@pytest.fixture
def notes_project(tmp_path: Path, database_url: str, site: ReplayServer) -> Project:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "drafts.md").write_text(DRAFTS)
    (notes / "senate.txt").write_text(SENATE)
    (notes / "fine.txt").write_text(FINE)
    (notes / "broken.md").write_text(BROKEN)
    measures = {"Made-up measure": [(999, "H.1001")], "Made-up Senate bill": [(999, "S.1003")]}
    config = write_config(tmp_path, database_url, site.url, measures, "")
    config.write_text(config.read_text() + '\n[notes]\npaths = ["notes"]\n')
    return Project(tmp_path, config, database_url)


def alerts(project: Project, state: str = "all") -> list[dict[str, Any]]:
    out = project.run("alerts", "--state", state, "--format", "json", check=True).out
    return list(json.loads(out))


def test_crawl_checks_notes_and_records_alerts_once(notes_project: Project) -> None:
    result = notes_project.run("crawl", check=True)
    assert "checked 3 notes (1 could not be read): 2 stale, 2 new alerts, 0 resolved" in result.out
    broken = notes_project.folder / "notes" / "broken.md"
    assert f"NOTE ERROR {broken}: front matter: not valid YAML" in result.err
    found = {a["note"]: a for a in alerts(notes_project)}
    assert set(found) == {"notes/drafts.md", "notes/senate.txt"}
    drafts, senate = found["notes/drafts.md"], found["notes/senate.txt"]
    assert (drafts["subject"], drafts["rule"], drafts["state"]) == (
        "999:H.1002", "changed_since_note", "open",
    )  # fmt: skip
    assert drafts["evidence_date"] == "2025-07-10"
    assert "Senate: Passed to be engrossed with an amendment" in drafts["message"]
    assert drafts["note_says"] == "H.1002 passed the House in June 2025."
    assert drafts["source_url"].endswith("/Bills/999/H1002")
    assert (senate["subject"], senate["rule"]) == ("999:S.1003", "contradicts_note")
    assert set(drafts) >= {
        "id", "note", "subject", "rule", "state", "message", "note_says", "record_says",
        "evidence_date", "source_url", "detected_at",
    }  # fmt: skip
    again = notes_project.run("check", check=True)
    assert "2 stale, 0 new alerts, 0 resolved" in again.out
    assert len(alerts(notes_project)) == 2


def test_ack_resolve_and_history(notes_project: Project) -> None:
    notes_project.run("crawl", check=True)
    first = alerts(notes_project)[0]["id"]
    out = notes_project.run("alerts", "ack", str(first), "--by", "maria", "--comment", "on it").out
    assert out.strip() == f"alert {first} acknowledged by maria"
    assert [a["id"] for a in alerts(notes_project, "acknowledged")] == [first]
    assert first not in [a["id"] for a in alerts(notes_project, "open")]
    notes_project.run(
        "alerts", "resolve", str(first), "--by", "maria", "--comment", "fixed", check=True
    )
    shown = notes_project.run("alerts", "show", str(first), check=True).out
    assert "state:         resolved" in shown
    history = [line.split(" ", 3)[3] for line in shown.splitlines() if line.startswith("  20")]
    assert history == [
        "open by legistrack: detected",
        "acknowledged by maria: on it",
        "resolved by maria: fixed",
    ]
    # Resolved by hand with the evidence unchanged: the next check does not reopen it.
    assert "0 new alerts" in notes_project.run("check", check=True).out
    assert alerts(notes_project, "resolved")[0]["id"] == first
    bad = notes_project.run("alerts", "ack", str(first))
    assert bad.code == 2 and f"alert {first} is resolved; it cannot become acknowledged" in bad.err
    missing = notes_project.run("alerts", "show", "999")
    assert missing.code == 2 and "no alert 999" in missing.err


def test_alerts_resolve_themselves_when_the_note_is_fixed(notes_project: Project) -> None:
    notes_project.run("crawl", check=True)
    notes = notes_project.folder / "notes"
    (notes / "senate.txt").write_text(SENATE.replace("is in committee", "passed the Senate"))
    (notes / "drafts.md").write_text(DRAFTS.replace("H.1002 passed the House", "A draft passed"))
    result = notes_project.run("check", check=True)
    assert "0 stale, 0 new alerts, 2 resolved" in result.out
    resolved = alerts(notes_project, "resolved")
    assert len(resolved) == 2
    shown = notes_project.run("alerts", "show", str(resolved[0]["id"]), check=True).out
    assert "resolved by legistrack: no longer found" in shown
    # The old claim comes back: the same evidence is found again and its alert reopens.
    (notes / "senate.txt").write_text(SENATE)
    assert "1 new alerts" in notes_project.run("check", check=True).out


def test_notes_check_exit_codes(notes_project: Project) -> None:
    notes_project.run("crawl", "--no-check", check=True)
    notes = notes_project.folder / "notes"
    stale = notes_project.run("notes", "check", str(notes / "senate.txt"))
    assert stale.code == 1
    assert "STALE" in stale.out and "[contradicts_note] 999:S.1003" in stale.out
    fine = notes_project.run("notes", "check", str(notes / "fine.txt"))
    assert fine.code == 0 and "fine.txt: ok" in fine.out
    everything = notes_project.run("notes", "check")
    assert everything.code == 2  # broken.md could not be read; the others were still checked
    assert everything.err.strip().startswith(f"NOTE ERROR {notes / 'broken.md'}: front matter")
    assert "3 notes checked, 2 stale, 1 unreadable" in everything.out
    assert alerts(notes_project) == []  # notes check stores nothing


def test_notes_show_lists_untracked_citations(notes_project: Project) -> None:
    notes_project.run("crawl", "--no-check", check=True)
    note = notes_project.folder / "notes" / "extra.txt"
    note.write_text("Extra\n\nS.1003 passed the Senate; S.4444 was filed.\n\nUpdated: 2025-06-01\n")
    out = notes_project.run("notes", "show", str(note), check=True).out
    assert "date: 2025-06-01 from text" in out
    assert "bill     999:S.1003: claims passed_senate" in out
    assert "untracked S.4444: not in config.toml" in out


def test_notifications_one_per_alert_secret_kept_out_of_output(
    notes_project: Project, receiver: Receiver
) -> None:
    config = notes_project.config
    config.write_text(
        config.read_text() + f'\n[alerts]\nnotify = ["json://{receiver.url}/${{HOOK_SECRET}}"]\n'
    )
    env = {"HOOK_SECRET": "s3cr3t-hook-path"}
    result = notes_project.run("-v", "crawl", env=env, check=True)
    assert "notified 2 alerts" in result.out
    assert len(receiver.messages) == 2
    assert {m["path"] for m in receiver.messages} == {"/s3cr3t-hook-path"}
    assert any("contradicts_note" in str(m["title"]) for m in receiver.messages)
    assert "s3cr3t" not in result.out + result.err
    assert "notified" not in notes_project.run("check", env=env, check=True).out  # nothing new
    assert len(receiver.messages) == 2


def test_failed_notification_is_retried_and_never_loses_the_alert(
    notes_project: Project, receiver: Receiver
) -> None:
    config = notes_project.config
    config.write_text(
        config.read_text() + f'\n[alerts]\nnotify = ["json://{receiver.url}/hook"]\ndigest = true\n'
    )
    receiver.status[0] = 500
    result = notes_project.run("crawl", check=True)
    assert "notification failed (will retry at the next check): channel 0 (json)" in result.out
    assert all(a["notified_at"] is None for a in alerts(notes_project))
    receiver.status[0] = 200
    assert "notified 2 alerts" in notes_project.run("check", check=True).out
    assert len(receiver.messages) == 1  # digest: one message for both
    assert "2 new staleness alerts" in str(receiver.messages[0]["title"])
    assert all(a["notified_at"] for a in alerts(notes_project))


def test_missing_secret_variable_is_named_not_crashed(notes_project: Project) -> None:
    config = notes_project.config
    config.write_text(config.read_text() + '\n[alerts]\nnotify = ["json://127.0.0.1:1/${NOPE}"]\n')
    result = notes_project.run("crawl", check=True)
    assert "alerts.notify[0]: environment variable NOPE is not set" in result.out


def test_sample_note_is_flagged_for_exactly_what_went_stale(tmp_path: Path) -> None:
    """The acceptance case of shared/notes/README.md, on the demo's record (built from FACTS.md)."""
    from .conftest import run_cli

    demo = run_cli("demo", "--dir", str(tmp_path), check=True).out
    status_end = demo.index("checked 4 notes: 2 stale")  # the sample note, and a web note
    heading = "PROTECT Act — signed (live bill H.5620, Chapter 163 of the Acts of 2026)"
    assert demo.index(heading) < status_end  # alerts after the status table
    assert "#1 [dead_bill_cited] notes/ma-doc-287g-paradox.txt — 193:S.997" in demo[status_end:]
    out = run_cli("--config", str(tmp_path / "config.toml"), "alerts", "--format", "json").out
    everything = json.loads(out)
    found = {(a["subject"], a["rule"]): a for a in everything if a["severity"] == "stale"}
    assert set(found) == {("193:S.997", "dead_bill_cited"), ("PROTECT Act", "changed_since_note")}
    # Lower-severity "review suggested" alerts: news of the PROTECT Act after the note's date;
    # nothing at all about S.1681 / the Safe Communities Act or EO 650.
    review = {(a["subject"], a["rule"]) for a in everything if a["severity"] == "review"}
    assert review == {("PROTECT Act", "news_since_note")}
    s997 = found[("193:S.997", "dead_bill_cited")]
    assert "successor S.1122 (194)" in s997["message"]
    assert s997["note_says"].startswith("S.997 (Sen. Adam Gomez): Would prohibit")
    protect = found[("PROTECT Act", "changed_since_note")]
    assert protect["evidence_date"] == "2026-05-07"
    # The first change is the Senate passing H.5316 (with its own text); the alert names the
    # signature of the conference report H.5620, reached through lineage (its source).
    assert (
        "2026-05-07 Senate: Passed to be engrossed (H.5316, now passed_both)" in protect["message"]
    )
    assert "now signed since 2026-08-05" in protect["message"]
    assert protect["source_url"].endswith("/Bills/194/H5620")
    assert "changed after the note's date (2026-04-12)" in protect["message"]
    assert protect["note_says"].startswith("PROTECT Act (passed House March 2026)")
