"""Claims that belong to their subject: the traps of real prose, one sentence each, and every claim
of a subject judged with the words it read.

Every sentence is constructed; the bills are made up (court 999) and "Made-up Act" is a made-up
measure. The wording follows how news stories, newsletters and bill summaries phrase things.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawler.items import HistoryAction
from models.legislature.numbers import BillRef
from models.notes.claims import claim_for, claims_for
from models.notes.references import find_references
from models.rules.staleness import (
    BillRecord,
    CitedSubject,
    NoteFacts,
    SaidClaim,
    SubjectRecord,
    check_note,
)

MEASURES = {"Made-up Act": ["Made-up Act"]}


def said(body: str) -> dict[str, list[tuple[str | None, str]]]:
    refs = find_references(body, MEASURES)
    return {r.text: [(c.stage, c.phrase) for c in claims_for(r)] for r in refs}


TRAPS = [
    # a stage phrase said of another noun claims nothing
    ("an order signed by a judge", "The Made-up Act responds to arrests made under a court order"
     " signed by a judge.", {"Made-up Act": []}),
    ("other laws enacted", "The state has enacted other laws but has not advanced the Made-up"
     " Act.", {"Made-up Act": []}),
    ("laws enacted before it", "Other laws enacted in 2024 differ from the Made-up Act.",
     {"Made-up Act": []}),
    ("a signed order in another clause", "The governor signed an order in January; H.1001"
     " remains in committee.", {"H.1001": [("in_committee", "in committee")]}),
    ("a person who passed", "S.1003 honors a made-up veteran who passed away in 2024.",
     {"S.1003": []}),
    # conditionals and hypotheticals are pending
    ("if enacted", "If enacted, H.1001 would amend the made-up statute.",
     {"H.1001": [("pending", "If enacted"), ("pending", "would amend")]}),
    ("once signed", "Once signed, H.1001 would take effect in 90 days.",
     {"H.1001": [("pending", "Once signed"), ("pending", "would take")]}),
    ("would become law", "H.1001 would become law without a signature.",
     {"H.1001": [("pending", "would become")]}),
    ("could pass", "H.1001 could pass the Senate next week.",
     {"H.1001": [("pending", "could pass")]}),
    ("expected to pass", "H.1001 is expected to pass the House.",
     {"H.1001": [("pending", "expected to pass the House")]}),
    ("hoped-for", "Advocates hope to see H.1001 enacted this year.",
     {"H.1001": [("pending", "enacted")]}),
    ("unless vetoed", "H.1001 takes effect in July unless vetoed.", {"H.1001": []}),
    # present-tense descriptions treat the bill as live
    ("seeks to", "S.1003 (2023-2024) seeks to limit made-up agreements.",
     {"S.1003": [("pending", "seeks to")]}),
    ("aims to", "H.1001 aims to end made-up contracts.", {"H.1001": [("pending", "aims to")]}),
    ("proposes", "H.1001 proposes a made-up registry.", {"H.1001": [("pending", "proposes")]}),
    ("is designed to", "H.1001 is designed to close a made-up loophole.",
     {"H.1001": [("pending", "is designed to")]}),
    ("would", "S.1003: Would prohibit made-up agreements.",
     {"S.1003": [("pending", "Would prohibit")]}),
    # what is said of the reference counts, in every form
    ("done to it", "Members introduced the Made-up Act in late January, which bans made-up"
     " agreements.", {"Made-up Act": [("pending", "introduced")]}),
    ("through a relative clause", "S.1003, which remains in committee, bans made-up things.",
     {"S.1003": [("in_committee", "in committee")]}),
    ("through a pronoun", "Sen. Roe filed S.1003 in 2023, but it died with the session.",
     {"S.1003": [("pending", "filed"), ("dead", "died")]}),
    ("each of two bills its own", "The House passed H.1001 and the Senate passed S.1003.",
     {"H.1001": [("passed_house", "House passed")],
      "S.1003": [("passed_senate", "Senate passed")]}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "expected"), TRAPS, ids=[t[0] for t in TRAPS])
def test_traps(case: str, body: str, expected: dict[str, list[tuple[str, str]]]) -> None:
    assert said(body) == expected, case


def test_a_conditional_never_wins_as_a_definite_stage() -> None:
    (ref,) = find_references("If enacted, H.1001 would amend the made-up statute.", MEASURES)
    found = claim_for(ref)
    assert found is not None and found.stage == "pending"


# --- every claim judged ----------------------------------------------------------------------

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def record(rows: list[tuple[str, str, str]], number: str = "H.1") -> SubjectRecord:
    actions = [
        HistoryAction(datetime.fromisoformat(d).replace(hour=15, tzinfo=UTC), b, a, i)
        for i, (d, b, a) in enumerate(rows)
    ]
    bill = BillRecord(BillRef(999, number), actions, f"https://example.test/{number}")
    return SubjectRecord(f"999:{number}", "bill", (bill,))


REFERRED = ("2025-01-10", "House", "Referred to the committee on the Judiciary")
NO_FURTHER = ("2025-12-01", "House", "No further action taken")
FIRST = SaidClaim("in_committee", "in committee", "H.1 is still in committee.")
SECOND = SaidClaim("signed", "signed into law", "Further down: H.1 was signed into law.")
LIVE = SaidClaim("pending", "seeks to", "H.1 seeks to ban made-up things.")
DIED = SaidClaim("dead", "died", "H.1 died in committee last year.")


def judge(claims: tuple[SaidClaim, ...], rows: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    main = claims[0]
    subject = CitedSubject("999:H.1", "bill", main.stage, main.phrase, main.context, claims)
    note = NoteFacts("n.txt", date(2026, 2, 9), False, None, (subject,))
    return [(f.rule, f.note_says) for f in check_note(note, {"999:H.1": record(rows)}, NOW)]


def test_a_wrong_second_claim_is_judged_and_quoted() -> None:
    assert judge((FIRST, SECOND), [REFERRED]) == [("contradicts_note", SECOND.context)]


def test_a_present_tense_description_of_a_dead_bill_is_dead_bill_cited() -> None:
    assert judge((LIVE,), [REFERRED, NO_FURTHER]) == [("dead_bill_cited", LIVE.context)]


def test_a_note_that_says_the_bill_died_is_not_dead_bill_cited() -> None:
    assert judge((LIVE, DIED), [REFERRED, NO_FURTHER]) == []


def test_the_finding_quotes_the_words_it_read() -> None:
    subject = CitedSubject("999:H.1", "bill", "in_committee", "in committee", FIRST.context,
                           (FIRST, SECOND))  # fmt: skip
    note = NoteFacts("n.txt", date(2026, 2, 9), False, None, (subject,))
    (finding,) = check_note(note, {"999:H.1": record([REFERRED])}, NOW)
    assert 'the note says "signed into law" (signed), but on its date' in finding.message


def test_an_acronym_spelled_with_dots_is_the_measure() -> None:
    body = "Members introduced the P.R.O.T.E.C.T. Act in late January."
    (ref,) = find_references(body, {"PROTECT Act": ["PROTECT Act"]})
    assert (ref.measure, ref.text) == ("PROTECT Act", "P.R.O.T.E.C.T. Act")
    assert [c.stage for c in claims_for(ref)] == ["pending"]
