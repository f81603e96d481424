"""Tests for models.notes.references: every spelling of a citation, what is not one, courts.

Bill numbers in constructed sentences stand for made-up bills (court 999); the real ones appear
only as the tracked items of shared/reference/FACTS.md and in the real sample note.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.legislature.numbers import BillRef
from models.notes.reading import read_note
from models.notes.references import Reference, find_references, resolve_bill

SAMPLE = Path(__file__).parent / "fixtures" / "notes" / "ma-doc-287g-paradox.txt"
MEASURES = {
    "PROTECT Act": [
        "PROTECT Act",
        "An Act promoting rule of law, oversight, trust, and equal constitutional treatment",
    ],
    "Safe Communities Act": ["Safe Communities Act"],
}


def only(body: str, measures: dict[str, list[str]] | None = None) -> Reference:
    refs = find_references(body, measures or {})
    assert len(refs) == 1, refs
    return refs[0]


BILL_SPELLINGS = [
    ("S.997", "S.997"),
    ("S 997", "S.997"),
    ("S997", "S.997"),
    ("S. 997", "S.997"),
    ("Senate Bill 997", "S.997"),
    ("senate bill no. 997", "S.997"),
    ("Senate, No. 997", "S.997"),
    ("SENATE, NO. 997", "S.997"),
    ("Senate No. 997", "S.997"),
    ("H.5316", "H.5316"),
    ("House Bill 5316", "H.5316"),
    ("House, No. 5316", "H.5316"),
    ("H 5316", "H.5316"),
    ("H.05316", "H.5316"),
    ("HD.5608", "HD.5608"),
    ("HD 5608", "HD.5608"),
    ("H.D. 5608", "HD.5608"),
    ("HD5608", "HD.5608"),
    ("House Docket No. 5608", "HD.5608"),
    ("SD.1107", "SD.1107"),
    ("S.D. 1107", "SD.1107"),
    ("Senate docket 1107", "SD.1107"),
    ("H.1", "H.1"),
    ("S 1", "S.1"),
    ("S\u00a0997", "S.997"),
]


@pytest.mark.parametrize(("written", "number"), BILL_SPELLINGS)
@pytest.mark.parametrize("around", ["See {} for details.", "({})", "{}", "Bills: {}, and more"])
def test_bill_spellings(written: str, number: str, around: str) -> None:
    body = around.format(written)
    ref = only(body)
    assert (ref.kind, ref.text, ref.number, ref.court) == ("bill", written, number, None)
    assert body[ref.start : ref.end] == written


ORDER_SPELLINGS = [
    "EO 650",
    "E.O. 650",
    "EO650",
    "E.O.650",
    "Executive Order 650",
    "executive order no. 650",
    "Executive Order No. 650",
    "Executive Order Number 650",
    "Executive Order #650",
]


@pytest.mark.parametrize("written", ORDER_SPELLINGS)
def test_order_spellings(written: str) -> None:
    ref = only(f"Banned new agreements ({written}, January 2026).")
    assert (ref.kind, ref.text, ref.order, ref.number) == ("order", written, 650, None)


NOT_CITATIONS = [
    "Section 1 of the act",
    "Sections 3 and 4",
    "HS 12 and US 20 and MS 13",
    "H2O and H1N1",
    "U.S. 12",
    "call 555-1234 or S 555-1234",
    "S 12/3",
    "it's 20 years",
    "287(g) agreements",
    "2,047 total transfers to ICE since 2009",
    "78-172 people per year",
    "from 2020 through January 2026",
    "the house number 12 on Main Street",
    "the Senate voted 37-3 on May 7, 2026",
    "the House 134-21",
    "Order No. 650",
    "on 4/12/2026",
    "S.997a",
    "GEO 650",
    "see https://malegislature.gov/Bills/999/S1003 and www.example.org/H1001",
    "protection Actor",
    "under Plan S\n12 people signed",
]


@pytest.mark.parametrize("body", NOT_CITATIONS)
def test_not_citations(body: str) -> None:
    assert find_references(body, MEASURES) == []


def test_measures_by_name_and_alias() -> None:
    body = (
        "The protect act differs from\nAn Act promoting rule of law, oversight,\n"
        "trust, and equal constitutional treatment; the SAFE COMMUNITIES ACT does not."
    )
    refs = find_references(body, MEASURES)
    assert [(r.kind, r.measure, r.text) for r in refs] == [
        ("measure", "PROTECT Act", "protect act"),
        (
            "measure",
            "PROTECT Act",
            "An Act promoting rule of law, oversight,\ntrust, and equal constitutional treatment",
        ),
        ("measure", "Safe Communities Act", "SAFE COMMUNITIES ACT"),
    ]
    assert refs[1].context.startswith("The protect act differs from An Act promoting")


def test_longest_alias_wins() -> None:
    measures = {"Short": ["Safe Communities"], "Long": ["Safe Communities Act of 999"]}
    refs = find_references("the Safe Communities Act of 999 and Safe Communities", measures)
    assert [(r.measure, r.text) for r in refs] == [
        ("Long", "Safe Communities Act of 999"),
        ("Short", "Safe Communities"),
    ]


COURT_HINTS = [
    ("S.997 of 2023-2024", 193),
    ("S.997 (2023-24)", 193),
    ("SENATE, NO. 997 OF 2023-2024", 193),
    ("H.1 (193rd)", 193),
    ("H.1001 (999th General Court)", 999),
    ("S.1003 of the 999th General Court", 999),
    ("S.1003, 999th General Court", 999),
    ("H.1001 in the 999th session", 999),
    ("H.1001 (2026)", 194),
    ("999:H.1001", 999),
    ("S.997", None),
    ("S.997 (Sen. Adam Gomez)", None),
    ("H.1001 (134-21)", None),
    ("H.1001 of 2024-2025", None),  # no court sat in those years
    ("H.1001, 2023-2024", None),  # a comma alone does not tie years to the bill
]


@pytest.mark.parametrize(("body", "court"), COURT_HINTS)
def test_court_hints(body: str, court: int | None) -> None:
    assert only(body).court == court


def test_sample_note_references() -> None:
    refs = find_references(read_note(SAMPLE).body, MEASURES)
    found = [(r.kind, r.text, r.number or r.measure or r.order) for r in refs]
    assert found == [
        ("order", "EO 650", 650),
        ("bill", "S.997", "S.997"),
        ("measure", "Safe Communities Act", "Safe Communities Act"),
        ("bill", "S.1681", "S.1681"),
        ("measure", "PROTECT Act", "PROTECT Act"),
    ]
    assert refs[1].context == (
        "S.997 (Sen. Adam Gomez): Would prohibit state prisons and law enforcement from entering "
        "or renewing 287(g) agreements"
    )


CONTEXTS = [
    # (body, reference text, expected context)
    ("First sentence. H.1001 passed. Third one.", "H.1001", "H.1001 passed."),
    ("Sen. Made Up filed S.1003 today. Next.", "S.1003", "Sen. Made Up filed S.1003 today."),
    ("See U.S. law and S. 1003 here. Next.", "S. 1003", "See U.S. law and S. 1003 here."),
    ("It is S.1003. H.1001 differs.", "H.1001", "H.1001 differs."),
    ("Made-up (Sen. Doe). H.1001 differs.", "H.1001", "H.1001 differs."),
    ("Plan b. H.1001 differs.", "H.1001", "H.1001 differs."),
    ("Rep. J. Doe, e.g. H.1001, differs. Next.", "H.1001", "Rep. J. Doe, e.g. H.1001, differs."),
    ("  • H.1001: Would   ban\n  • S.1003: other", "H.1001", "H.1001: Would ban"),
    ("- S.1003 wraps\n  over two lines.\n- H.1001", "S.1003", "S.1003 wraps over two lines."),
    ("## Heading H.1001\nParagraph text", "H.1001", "Heading H.1001"),
    ("Para one\n\nH.1001 starts two\nand goes on", "H.1001", "H.1001 starts two and goes on"),
]


@pytest.mark.parametrize(("body", "text", "context"), CONTEXTS)
def test_context(body: str, text: str, context: str) -> None:
    ref = next(r for r in find_references(body, {}) if r.text == text)
    assert ref.context == context
    assert ref.context_span is not None
    start, end = ref.context_span
    assert ref.context[start:end] == text


def test_neighbours_are_the_other_references_of_the_sentence() -> None:
    refs = find_references("H.1001 and S.1003 passed. H.1005 did not.", {})
    assert [r.context for r in refs] == [
        "H.1001 and S.1003 passed.",
        "H.1001 and S.1003 passed.",
        "H.1005 did not.",
    ]
    assert refs[0].neighbours == ((11, 17),) and refs[1].neighbours == ((0, 6),)
    assert refs[2].neighbours == ()


TRACKED = {
    BillRef(193, "S.997"),
    BillRef(194, "S.1122"),
    BillRef(194, "S.1681"),
    BillRef(194, "H.5316"),
    BillRef(997, "H.1001"),
    BillRef(999, "H.1001"),
}
RESOLVE = [
    # (citation, note date, expected)
    ("S.997", date(2026, 4, 12), BillRef(193, "S.997")),  # only the 193rd's S.997 is tracked
    ("S.1681", date(2026, 4, 12), BillRef(194, "S.1681")),
    ("Senate Bill 1681", date(2026, 4, 12), BillRef(194, "S.1681")),
    ("S.1681", None, BillRef(194, "S.1681")),
    ("S.1681", date(2023, 6, 1), BillRef(194, "S.1681")),  # no earlier court tracks it
    ("S.2", date(2026, 4, 12), None),  # untracked
    ("S.997 of 2025-2026", date(2026, 4, 12), None),  # the 194th's S.997 is not tracked
    ("S.1681 (193rd)", date(2026, 4, 12), None),
    ("S.997 (193rd)", date(2026, 4, 12), BillRef(193, "S.997")),
    ("H.1001", date(2026, 4, 12), BillRef(997, "H.1001")),  # newest not after the note's court
    ("H.1001", None, BillRef(999, "H.1001")),  # no date: the newest
    ("H.1001 (999th)", date(2026, 4, 12), BillRef(999, "H.1001")),  # the text decides
]


@pytest.mark.parametrize(("body", "note_date", "expected"), RESOLVE)
def test_resolve_bill(body: str, note_date: date | None, expected: BillRef | None) -> None:
    assert resolve_bill(only(body), TRACKED, note_date) == expected


def test_resolve_prefers_the_court_in_force() -> None:
    tracked = {BillRef(998, "H.1001"), BillRef(194, "H.1001"), BillRef(193, "H.1001")}
    assert resolve_bill(only("H.1001"), tracked, date(2026, 4, 12)) == BillRef(194, "H.1001")
    assert resolve_bill(only("H.1001"), tracked, date(2024, 4, 12)) == BillRef(193, "H.1001")


def test_resolve_bill_ignores_other_kinds() -> None:
    ref = only("EO 650")
    assert resolve_bill(ref, TRACKED, date(2026, 4, 12)) is None
