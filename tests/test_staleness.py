"""Staleness rules, table-driven, on constructed records of made-up bills (court 999)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crawler.items import HistoryAction
from models.legislature.numbers import BillRef
from models.rules.staleness import (
    BillRecord,
    CitedSubject,
    Finding,
    NoteFacts,
    SubjectRecord,
    check_note,
)

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=15, tzinfo=UTC)


REFERRED = ("2025-01-10", "House", "Referred to the committee on the Judiciary")
HOUSE = ("2025-03-25", "House", "Read third and passed to be engrossed")
SENATE = ("2025-05-07", "Senate", "Read third and passed to be engrossed")
NO_FURTHER = ("2025-02-01", "House", "No further action taken")
NEW_DRAFT = ("2025-02-01", "House", "Accompanied a new draft, see H.2")


def bill(
    rows: list[tuple[str, str, str]], number: str = "H.1", successor: str | None = None
) -> BillRecord:
    actions = [HistoryAction(at(d), b, a, i) for i, (d, b, a) in enumerate(rows)]
    after = BillRef(999, successor) if successor else None
    return BillRecord(BillRef(999, number), actions, f"https://example.test/{number}", after)


def findings(
    rows: list[tuple[str, str, str]],
    claim: str | None,
    note_date: date | None = date(2025, 4, 12),
    successor: str | None = None,
    review: timedelta | None = None,
    now: datetime = NOW,
) -> list[Finding]:
    record = SubjectRecord("999:H.1", "bill", (bill(rows, successor=successor),))
    subject = CitedSubject(
        "999:H.1", "bill", claim, f"phrase for {claim}" if claim else None, "ctx"
    )
    note = NoteFacts("notes/n.md", note_date, False, review, (subject,))
    return check_note(note, {"999:H.1": record}, now)


CHANGED, WRONG, DEAD = "changed_since_note", "contradicts_note", "dead_bill_cited"
CASES = [
    # (case, history, claim, expected rules)
    ("claim still true, nothing since", [REFERRED, HOUSE], "passed_house", []),
    ("Senate passed after the note", [REFERRED, HOUSE, SENATE], "passed_house", [CHANGED]),
    ("claim wrong on the note's date", [REFERRED], "passed_house", [WRONG]),
    ("wrong then, and changed since", [REFERRED, HOUSE, SENATE], "in_committee", [WRONG, CHANGED]),
    ("pending claim, bill live", [REFERRED, HOUSE], "pending", []),
    ("pending claim, bill dead", [REFERRED, NO_FURTHER], "pending", [DEAD]),
    ("live-stage claim, bill replaced", [REFERRED, NEW_DRAFT], "in_committee", [DEAD]),
    ("dead claim, bill dead", [REFERRED, NO_FURTHER], "dead", []),
    ("no claim, changed after", [REFERRED, HOUSE, SENATE], None, [CHANGED]),
    ("no claim, unchanged", [REFERRED, HOUSE], None, []),
    ("claimed both, House only then", [REFERRED, HOUSE, SENATE], "passed_both", [WRONG, CHANGED]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "rows", "claim", "rules"), CASES, ids=[c[0] for c in CASES])
def test_rules(
    case: str, rows: list[tuple[str, str, str]], claim: str | None, rules: list[str]
) -> None:
    assert [f.rule for f in findings(rows, claim)] == rules, case


def test_changed_since_note_names_the_action_its_date_and_branch() -> None:
    (finding,) = findings([REFERRED, HOUSE, SENATE], "passed_house")
    assert finding.evidence_date == date(2025, 5, 7)
    assert "2025-05-07 Senate: Read third and passed to be engrossed (H.1" in finding.message
    assert finding.record_says.startswith("passed_both since 2025-05-07")
    assert finding.source_url == "https://example.test/H.1"


def test_dead_bill_cited_names_fate_and_successor_and_wins_over_contradiction() -> None:
    (finding,) = findings([REFERRED, NEW_DRAFT], "in_committee", successor="H.2")
    assert finding.rule == "dead_bill_cited"
    assert "replaced" in finding.message and "successor H.2 (999)" in finding.message


def test_session_end_after_the_note_is_a_change() -> None:
    """Court 999 ends in January 3637 (made-up court): judged at a `now` after that."""
    later = datetime(3640, 1, 1, tzinfo=UTC)
    rules = [f.rule for f in findings([REFERRED], "pending", now=later)]
    assert rules == ["dead_bill_cited"]
    (change,) = findings([REFERRED], None, now=later)
    assert change.rule == "changed_since_note" and "session ended" in change.message


@pytest.mark.parametrize(("age", "due"), [(100, True), (80, False)])
def test_review_due(age: int, due: bool) -> None:
    note_date = (NOW - timedelta(days=age)).date()
    result = findings([REFERRED], None, note_date=note_date, review=timedelta(days=90))
    assert [f.rule for f in result] == (["review_due"] if due else [])
    if due:
        assert result[0].subject == "(note)" and result[0].severity == "review"


def test_undated_note_gets_no_subject_findings() -> None:
    assert findings([REFERRED, HOUSE, SENATE], "in_committee", note_date=None) == []


def test_measure_follows_its_live_bill() -> None:
    old = bill([REFERRED, NEW_DRAFT], "H.1", successor="H.2")
    new = bill([("2025-02-01", "House", "Reported favorably"), ("2025-06-01", *HOUSE[1:])], "H.2")
    record = SubjectRecord("Made-up Act", "measure", (old, new))
    subject = CitedSubject("Made-up Act", "measure", "pending", "would ban", "ctx")
    note = NoteFacts("n.md", date(2025, 4, 1), False, None, (subject,))
    (finding,) = check_note(note, {"Made-up Act": record}, NOW)
    assert finding.rule == "changed_since_note"
    assert "2025-06-01 House: Read third and passed to be engrossed (H.2" in finding.message


def test_evidence_key_is_stable_and_distinct() -> None:
    a = findings([REFERRED, HOUSE, SENATE], "passed_house")[0]
    b = findings([REFERRED, HOUSE, SENATE], "passed_house")[0]
    c = findings([REFERRED, HOUSE], None, note_date=date(2025, 1, 12))[0]
    assert a.evidence_key == b.evidence_key != c.evidence_key


def test_a_weak_note_date_is_said_in_the_finding() -> None:
    record = SubjectRecord("999:H.1", "bill", (bill([REFERRED, HOUSE, SENATE]),))
    subject = CitedSubject("999:H.1", "bill", "passed_house", "passed the House", "ctx")
    note = NoteFacts("n.txt", date(2025, 4, 12), True, None, (subject,))
    (finding,) = check_note(note, {"999:H.1": record}, NOW)
    assert "(2025-04-12, the file's modification time: a weak date)" in finding.message
