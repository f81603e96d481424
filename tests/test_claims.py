"""Tests for models.notes.claims: the stage a note's words claim for a citation, and when.

Bill numbers in constructed sentences stand for made-up bills (court 999): the claims describe
nothing real. The real claims tested are those of the real sample note.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.notes.claims import Claim, claim_for
from models.notes.reading import CLAIM_STAGES, read_note
from models.notes.references import Reference, find_references

SAMPLE = Path(__file__).parent / "fixtures" / "notes" / "ma-doc-287g-paradox.txt"
MEASURES = {
    "PROTECT Act": [
        "PROTECT Act",
        "An Act promoting rule of law, oversight, trust, and equal constitutional treatment",
    ],
    "Safe Communities Act": ["Safe Communities Act"],
}
MADE_UP = {"Made-up Act": ["Made-up Act"]}


def claims(body: str, measures: dict[str, list[str]] | None = None) -> dict[str, Claim | None]:
    refs = find_references(body, measures or MADE_UP)
    return {ref.text: claim_for(ref) for ref in refs}


def claim(body: str, text: str = "H.1001") -> Claim | None:
    return claims(body)[text]


PHRASES = [
    ("H.1001 passed the House.", "passed_house", "passed the House"),
    ("H.1001 passed House.", "passed_house", "passed House"),
    ("H.1001 was passed by the House.", "passed_house", "passed by the House"),
    ("The House passed H.1001.", "passed_house", "House passed"),
    ("H.1001, House-passed, waits.", "passed_house", "House-passed"),
    ("H.1001 passed the Senate.", "passed_senate", "passed the Senate"),
    ("The Senate approved H.1001.", "passed_senate", "Senate approved"),
    ("H.1001 passed both chambers.", "passed_both", "passed both chambers"),
    ("H.1001 passed both houses.", "passed_both", "passed both houses"),
    ("H.1001 passed both the House and Senate.", "passed_both", "passed both the House and Senate"),
    ("H.1001 is in conference.", "in_conference", "in conference"),
    ("H.1001 went to a conference committee.", "in_conference", "conference committee"),
    ("H.1001 was signed into law.", "signed", "signed into law"),
    ("H.1001 was signed.", "signed", "signed"),
    ("H.1001 became law.", "signed", "became law"),
    ("H.1001 was enacted.", "enacted", "enacted"),
    ("H.1001 was vetoed.", "vetoed", "vetoed"),
    ("The Legislature overrode the veto of H.1001.", "veto_overridden", "overrode the veto"),
    ("H.1001 is in committee.", "in_committee", "in committee"),
    ("H.1001 was referred to a committee.", "in_committee", "referred to a committee"),
    ("H.1001 was reported favorably.", "reported_favorably", "reported favorably"),
    ("H.1001 ought not to pass, said the committee.", "reported_unfavorably", "ought not to pass"),
    ("H.1001 was sent to study.", "sent_to_study", "sent to study"),
    ("H.1001 died in committee.", "dead", "died in committee"),
    ("H.1001 is dead.", "dead", "dead"),
    ("H.1001 was filed.", "pending", "filed"),
    ("H.1001 is pending.", "pending", "pending"),
    ("The proposed H.1001.", "pending", "proposed"),
    ("H.1001 was introduced.", "pending", "introduced"),
    ("H.1001: Would prohibit made-up things.", "pending", "Would prohibit"),
    ("H.1001: would ban made-up things.", "pending", "would ban"),
    ("H.1001 is in committee and pending.", "in_committee", "in committee"),  # definite first
]


@pytest.mark.parametrize(("body", "stage", "phrase"), PHRASES)
def test_phrases(body: str, stage: str, phrase: str) -> None:
    assert claim(body) == Claim(stage, None, phrase)
    assert stage in CLAIM_STAGES


@pytest.mark.parametrize(
    "body",
    [
        "H.1001 is about made-up things.",
        "H.1001 has not passed the House.",
        "H.1001 was never signed.",
        "H.1001 would not pass.",
        "H.1001 would have banned things.",
        "H.1001 was refiled as H.1002.",  # "refiled" is no "filed"
        "H.1001 is a deadline matter.",
    ],
)
def test_no_claim(body: str) -> None:
    assert claim(body) is None


AS_OF = [
    ("H.1001 passed House March 2026.", date(2026, 3, 1), "passed House March 2026"),
    ("H.1001 passed the House on March 25, 2026.", date(2026, 3, 25), None),
    ("H.1001 passed the House in March 2026.", date(2026, 3, 1), None),
    ("H.1001 passed the House (Jan 2026).", date(2026, 1, 1), "passed the House (Jan 2026"),
    ("H.1001 passed the House 134-21 on 3/25/2026.", date(2026, 3, 25), None),
    ("H.1001 was filed 2026-01-15.", date(2026, 1, 15), None),
    ("H.1001 in committee as of 12 April 2026.", date(2026, 4, 12), None),
    ("On March 25, 2026, the House passed H.1001.", date(2026, 3, 25), None),
    ("H.1001 (filed Jan 2026)", date(2026, 1, 1), "filed Jan 2026"),
    ("H.1001 passed the House; hearings began in May 2026.", None, "passed the House"),
    ("In 2026 H.1001 passed the House.", None, "passed the House"),
]


@pytest.mark.parametrize(("body", "as_of", "phrase"), AS_OF)
def test_as_of(body: str, as_of: date | None, phrase: str | None) -> None:
    found = claim(body)
    assert found is not None and found.as_of == as_of
    if phrase is not None:
        assert found.phrase == phrase


def test_sample_note_claims() -> None:
    found = claims(read_note(SAMPLE).body, MEASURES)
    assert found == {
        "EO 650": None,  # orders have no stage
        "S.997": Claim("pending", None, "Would prohibit"),
        "Safe Communities Act": Claim("pending", None, "Would ban"),
        "S.1681": Claim("pending", None, "Would ban"),
        "PROTECT Act": Claim("passed_house", date(2026, 3, 1), "passed House March 2026"),
    }


ATTRIBUTION = [
    (
        "H.1001 passed the House, while S.1003 remains in committee.",
        {"H.1001": "passed_house", "S.1003": "in_committee"},
    ),
    (
        "H.1001 and S.1003 passed the Senate in May 2026.",  # a list shares its phrase
        {"H.1001": "passed_senate", "S.1003": "passed_senate"},
    ),
    (
        "The House passed H.1001 and the Senate passed S.1003.",
        {"H.1001": "passed_house", "S.1003": "passed_senate"},
    ),
    (
        "Made-up Act (H.1001, passed House March 2026) and H.1005 (in committee) differ.",
        {"Made-up Act": "passed_house", "H.1001": "passed_house", "H.1005": "in_committee"},
    ),
    (
        "H.1001 (passed House March 2026), S.1003: Would ban made-up things.",
        {"H.1001": "passed_house", "S.1003": "pending"},
    ),
    (
        "Made-up Act (passed House March 2026): unlike S.1003, H.1005 and H.1007, it limits.",
        {"Made-up Act": "passed_house", "S.1003": None, "H.1005": None, "H.1007": None},
    ),
    (
        "H.1001 was signed. S.1003 is pending.",  # sentences do not share phrases
        {"H.1001": "signed", "S.1003": "pending"},
    ),
    ("Compare H.1001 with S.1003.", {"H.1001": None, "S.1003": None}),
]


@pytest.mark.parametrize(("body", "stages"), ATTRIBUTION)
def test_attribution(body: str, stages: dict[str, str | None]) -> None:
    found = claims(body)
    assert {text: (c.stage if c else None) for text, c in found.items()} == stages


def test_as_of_goes_with_its_phrase() -> None:
    found = claims("H.1001 (passed House March 2026), S.1003 (in committee since Jan 2026).")
    assert found["H.1001"] == Claim("passed_house", date(2026, 3, 1), "passed House March 2026")
    assert found["S.1003"] == Claim("in_committee", date(2026, 1, 1), "in committee since Jan 2026")


def test_reference_without_context_span() -> None:
    ref = Reference(
        "bill", "H.1001", 0, 6, "H.1001", None, None, None, "Made-up H.1001 passed the Senate."
    )
    assert claim_for(ref) == Claim("passed_senate", None, "passed the Senate")
