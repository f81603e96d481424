"""Every kind of row in the real 192nd-court history feed, on made-up court-999 bills (issue #13).

The rows below are written here in the wording the Legislature uses (the real rows stay outside
the project, in the evaluation data): the numbers, committees, names and dates are made up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawler.items import HistoryAction
from models.legislature.calendar import EASTERN
from models.legislature.categories import NO_STAGE
from models.legislature.laws import Law, law_in, law_url
from models.legislature.numbers import BillRef
from models.legislature.stages import StageTimeline, categorize, stage_of
from models.rules.staleness import BillRecord, CitedSubject, NoteFacts, SubjectRecord, check_note

NOW = datetime(2026, 6, 1, tzinfo=UTC)  # made-up court 999 (3635-3636) is sitting
AFTER_999 = datetime(3637, 2, 1, tzinfo=UTC)  # ... and has ended

# (action, branch, category): each wording pattern of the real feed, with made-up numbers.
CATEGORIES: list[tuple[str, str, str]] = [
    # folded into another bill, and its host
    ("Accompanied S1555", "Senate", "accompanied"),
    ("Accompanied H1991", "House", "accompanied"),
    ("Accompanied S1552 and H1990", "House", "accompanied"),
    ("Accompanying S1276", "Senate", "accompanied"),
    ("Consolidated with H1299", "House", "accompanied"),
    ("Accompanied by H1001, S1536 and H1024", "Senate", "accompanied_by"),
    # committee new drafts
    ("Reported from the committee on Public Health", "House", "reported_favorably"),
    ("Reported from the committee on Senate Ways and Means", "Senate", "reported_favorably"),
    ("Reported from the temporary committee on House Rules", "House", "reported_favorably"),
    ("New draft of S1383 and H1267", "House", "new_draft_of"),
    ("New draft (Pat) of S1410", "Senate", "new_draft_of"),
    ("Pending new draft of H1096", "House", "new_draft_of"),
    ("New draft (Pat) for S1517", "Senate", "new_draft_of"),
    # reported as a new bill (conference reports, the budget)
    ("Reported by H1770", "House", "reported_by"),
    ("Reported by S1603", "Senate", "reported_by"),
    ("Reported, in part, by H1400", "House", "reported_by"),
    ("Reported (in part) by S1039", "Senate", "reported_by"),
    ("Reported in part, see S1467", "Senate", "reported_by"),
    ("Reported on H1701", "House", "reported_on"),
    ("Reported on a part of H1001", "House", "reported_on"),
    ("Reported from the committee of conference", "House", "conference_report"),
    # substitutions
    ("New draft substituted, see S1651", "Senate", "replaced"),
    ("New draft (Pat) substituted, see S1616", "Senate", "replaced"),
    ("New draft substituted (Pat), see S1616", "Senate", "replaced"),
    ("Amended by substitution of a bill with the same title, H1079", "House", "replaced"),
    ("Amended by substitution of a bill with the same title, see H1134", "House", "replaced"),
    ("Substituted by a bill, see H1067", "House", "replaced"),
    ("Substituted for H1168", "House", "substituted_for"),
    ("Substituted as a new draft for S1470", "Senate", "substituted_for"),
    ("Substituted, as amended, for S1470", "Senate", "substituted_for"),
    # amendment texts: the document is a version of the bill it amends
    ("Recommended new text for H1034", "Senate", "amendment_text"),
    ("Recommended new text (Pat) for H1034", "House", "amendment_text"),
    ("Recommended new draft for S1470", "Senate", "amendment_text"),
    ("Recommended new draft (Pat) for S1470", "Senate", "amendment_text"),
    ("Text of an amendment, see S1557", "House", "amendment_text"),
    ("Text of amendment, see H1702", "House", "amendment_text"),
    ("Text of a further amendment, see H1345", "House", "amendment_text"),
    ("Substituted as a new text for H1807", "Senate", "amendment_text"),
    ("Substituted, as amended, as a new text for H1701", "Senate", "amendment_text"),
    ("Substituted, as amended, for H1993", "Senate", "amendment_text"),  # the other chamber's
    (
        "Reported from the committee on Senate Ways and Means as an amendment to H1316",
        "Senate",
        "amendment_text",
    ),
    # ... and the rows on the amended bill naming its texts
    ("For text of amendment, see H1891", "House", "version"),
    ("For text of Senate amendment, see S1485", "Senate", "version"),
    ("Text of S1572, printed as amended", "Senate", "version"),
    ("Reprinted as amended, see S1442", "Senate", "version"),
    ("H1862, published as amended", "House", "version"),
    (
        "Committee reported that the matter be placed in the Orders of the Day for the next"
        " sitting with the amendment (H1879) pending",
        "House",
        "version",
    ),
    # late files admitted: the bill goes to the committee that will hear it
    (
        "Reported, referred to the committee on Joint Rules, reported, rules suspended and"
        " referred to the committee on Education",
        "House",
        "late_file_admitted",
    ),
    (
        "Reported, rules suspended and referred to the committee on Revenue",
        "Senate",
        ("late_file_admitted"),
    ),
    (
        "Referred to the committee on House Rules, reported, referred to the committee on Joint"
        " Rules, reported, rules suspended and referred to the committee on Housing",
        "House",
        "late_file_admitted",
    ),
    # the Governor, and the law
    ("Laid before the Governor", "Senate", "laid_before_governor"),
    ("Enacted and laid before the Governor", "Senate", "enacted"),
    ("Signed by the Governor, Chapter 163 of the Acts of 2026", "Executive", "signed"),
    ("Signed (in part) by the Governor, Chapter 28 of the Acts of 2026", "Executive", "signed"),
    ("Signed (in part), Chapter 15 of the Acts of 2026", "Executive", "signed"),
    ("Chapter 66 of the Acts of 2026", "Senate", "chapter"),
    ("Governor returned to the House with veto", "Executive", "vetoed"),
    (
        "Section 5 passed over veto - 130 YEAS to 30 NAYS (See YEA and NAY No. 52)",
        "House",
        ("veto_overridden"),
    ),
    # ends
    ("Rejected", "House", "rejected"),
    ("Rejection negatived", "House", "procedural"),
    ("Report accepted, in concurrence", "Senate", "report_accepted"),
    ("Accepted, in concurrence", "House", "report_accepted"),
    ("Ought NOT to pass (under Joint Rule 10) and placed on file", "Senate", "placed_on_file"),
    # orders
    ("Adopted, in concurrence", "Senate", "adopted"),
    ("House adopted, in concurrence", "House", "adopted"),
    ("House amendment adopted, in concurrence", "Senate", "floor"),
    # constitutional amendments
    (
        "Proposal for Constitutional Amendment reported favorably by committee and placed on file",
        "Senate",
        "reported_favorably",
    ),
    ("Called for consideration in the joint session", "House", "joint_session"),
    ("Joint session held and recessed to Monday, May 4, 3636", "Joint", "joint_session"),
    ("Proposal taken from the files of the preceding General Court", "Joint", "joint_session"),
    # rows that move nothing
    ("See H1090", "House", "cross_reference"),
    ("For message, see H1019, Attachment E", "House", "cross_reference"),
    ("Also based on S1269", "Senate", "cross_reference"),
    ("Postponed to the next session", "Senate", "procedural"),
    ("Laid aside on point of order", "House", "procedural"),
    ("Motion to lay on the table negatived", "Senate", "procedural"),
    ("Transmitted to the Secretary of State", "House", "procedural"),
    ("Taken out of the Notice Section", "House", "procedural"),
    ("Read", "Senate", "procedural"),
    # typos the feed carries
    ("Rules supended", "House", "floor"),
    ("Refererd to the committee on Housing", "House", "referred"),
    ("Billreported favorably by committee", "Senate", "reported_favorably"),
    ("Recommitted to the committee on Revenue", "House", "recommitted"),
]


@pytest.mark.parametrize(("action", "branch", "expected"), CATEGORIES)
def test_category(action: str, branch: str, expected: str) -> None:
    assert categorize(action, branch) == expected


def _day(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=EASTERN).astimezone(UTC)


def made(*rows: tuple[str, str, str]) -> list[HistoryAction]:
    """Constructed rows (YYYY-MM-DD, branch, action) of a made-up court-999 bill."""
    return [HistoryAction(_day(d), b, a, i) for i, (d, b, a) in enumerate(rows)]


REFERRED = ("2025-03-01", "House", "Referred to the committee on Public Health")
CONCURRED = ("2025-03-02", "Senate", "Senate concurred")
HEARING = (
    "2025-09-10",
    "Joint",
    "Hearing scheduled for 09/17/2025 from 10:00 AM-01:00 PM in Virtual Hearing",
)
REPORTED = (
    "2025-11-03",
    "House",
    "Bill reported favorably by committee and referred to the committee on House Ways and Means",
)
HOUSE = ("2026-01-20", "House", "Read third and passed to be engrossed")
SENATE = ("2026-02-10", "Senate", "Read third and passed to be engrossed")
CONFERENCE = [
    ("2026-02-20", "House", "House NON-concurred in the Senate amendment"),
    ("2026-02-20", "House", "Committee of conference appointed (Pat-Lee-Kim)"),
]
ENACTED = [
    ("2026-03-10", "House", "Enacted - 150 YEAS to 0 NAYS (See YEA and NAY No. 40)"),
    ("2026-03-11", "Senate", "Enacted -see Roll Call #30 (Yeas 39 to Nays 0)"),
]
LAID = ("2026-03-11", "Senate", "Laid before the Governor")

# (case, rows, stage now, a phrase of the reason, law chapter or None)
HISTORIES: list[tuple[str, list[tuple[str, str, str]], str, str, int | None]] = [
    (
        "folded into another bill",
        [REFERRED, CONCURRED, HEARING, ("2026-01-05", "Senate", "Accompanied S1555")],
        "replaced",
        "folded into S1555 (accompanied it)",
        None,
    ),
    (
        "the host of a folded bill",
        [REFERRED, CONCURRED, ("2026-01-05", "Senate", "Accompanied by H1001"), REPORTED],
        "reported_favorably",
        "reported favorably",
        None,
    ),
    (
        "a committee's new draft",
        [
            ("2025-12-02", "House", "Reported from the committee on Public Health"),
            ("2025-12-02", "House", "New draft of S1383 and H1267"),
            ("2025-12-02", "House", "Referred to the committee on House Ways and Means"),
        ],
        "reported_favorably",
        "reported favorably by committee",
        None,
    ),
    (
        "a new draft named by its own row",
        [("2025-12-02", "House", "New draft of S1383 and H1267")],
        "reported_favorably",
        "reported by a committee as a new draft (new draft of S1383, H1267)",
        None,
    ),
    (
        "a conference reports a new bill",
        [
            REFERRED,
            REPORTED,
            HOUSE,
            SENATE,
            *CONFERENCE,
            ("2026-03-01", "House", "Reported by H1620"),
        ],
        "replaced",
        "reported by H1620, a new bill",
        None,
    ),
    (
        "the conference's new bill is signed",
        [
            ("2026-03-01", "House", "Reported from the committee of conference"),
            ("2026-03-01", "House", "Reported on H1316"),
            ("2026-03-02", "House", "Committee of conference report accepted"),
            ("2026-03-03", "Senate", "Committee of conference report accepted, in concurrence"),
            *ENACTED,
            LAID,
            ("2026-03-20", "Executive", "Signed by the Governor, Chapter 163 of the Acts of 2026"),
        ],
        "signed",
        "signed by the Governor, Chapter 163 of the Acts of 2026",
        163,
    ),
    (
        "new draft substituted",
        [REFERRED, REPORTED, ("2026-01-13", "Senate", "New draft substituted, see S1651")],
        "replaced",
        "replaced by a new draft (S1651)",
        None,
    ),
    (
        "amended by substitution of a bill, after an adverse report",
        [
            REFERRED,
            ("2026-01-10", "House", "Ought NOT to pass (under Joint Rule 10)"),
            ("2026-01-12", "House", "Rules suspended"),
            ("2026-01-12", "House", "Amended by substitution of a bill with the same title, H1079"),
        ],
        "replaced",
        "replaced by another bill substituted for it (H1079)",
        None,
    ),
    (
        "substituted by a bill",
        [REFERRED, REPORTED, ("2026-01-21", "Senate", "Substituted by a bill, see H1067")],
        "replaced",
        "(H1067)",
        None,
    ),
    (
        "the substitute goes on",
        [("2026-01-14", "House", "Substituted for H1168"), HOUSE],
        "passed_house",
        "passed to be engrossed by the House",
        None,
    ),
    (
        "a recommended new draft, substituted and passed",
        [
            ("2026-01-14", "Senate", "Reported from the committee on Senate Ways and Means"),
            ("2026-01-14", "Senate", "Recommended new draft for S1470"),
            ("2026-01-16", "Senate", "Substituted as a new draft for S1470"),
        ],
        "reported_favorably",  # not left as an amendment text: it moves on as the bill
        "reported favorably by committee",
        None,
    ),
    (
        "an amendment text stays a version of its bill",
        [
            ("2026-01-14", "Senate", "Reported from the committee on Senate Ways and Means"),
            ("2026-01-14", "Senate", "Recommended new text for H1034"),
            ("2026-01-16", "Senate", "Amendment #7 (Pat) adopted"),
            ("2026-01-16", "Senate", "Substituted, as amended, as a new text for H1034"),
        ],
        "replaced",
        "text of an amendment to H1034",
        None,
    ),
    (
        "an amendment text named only by its rows",
        [("2026-01-16", "House", "Text of an amendment, see S1557")],
        "replaced",
        "text of an amendment to S1557: a version of that bill",
        None,
    ),
    (
        "the amended bill names its text and passes",
        [
            REFERRED,
            REPORTED,
            ("2026-01-20", "Senate", "For text of amendment, see S1891"),
            ("2026-01-20", "Senate", "Reprinted as amended, see S1892"),
            SENATE,
        ],
        "passed_senate",
        "passed to be engrossed by the Senate",
        None,
    ),
    (
        "a late file admitted stays in committee",
        [
            ("2025-05-13", "House", "Referred to the committee on House Rules"),
            (
                "2025-06-07",
                "House",
                "Reported, referred to the committee on Joint Rules, reported, rules suspended"
                " and referred to the committee on Education",
            ),
            ("2025-06-10", "Senate", "Senate concurred"),
            HEARING,
        ],
        "in_committee",
        "referred to a committee",
        None,
    ),
    (
        "signed in part, a section passed over the veto",
        [
            REFERRED,
            HOUSE,
            SENATE,
            *ENACTED,
            LAID,
            ("2026-03-20", "Executive", "Signed (in part), Chapter 15 of the Acts of 2026"),
            ("2026-03-20", "Executive", "Governor returned to the House with veto"),
            ("2026-04-01", "House", "Section 5 passed over veto - 130 YEAS to 30 NAYS"),
        ],
        "signed",
        "signed in part by the Governor, Chapter 15 of the Acts of 2026",
        15,
    ),
    (
        "laid before the Governor",
        [REFERRED, HOUSE, SENATE, ("2026-03-10", "House", "Enacted"), LAID],
        "enacted",
        "enacted by the House",
        None,
    ),
    (
        "a pending new draft rejected",
        [
            ("2026-01-12", "House", "Reported from the committee on Bonding"),
            ("2026-01-12", "House", "Pending new draft of H1096"),
            ("2026-01-14", "House", "Rejected"),
        ],
        "dead",
        "rejected",
        None,
    ),
    (
        "ought NOT to pass, then the Orders of the Day",
        [
            REFERRED,
            (
                "2026-01-10",
                "House",
                "Committee recommended ought NOT to pass and referred to the committee on House"
                " Steering, Policy and Scheduling",
            ),
            (
                "2026-01-12",
                "House",
                "Committee reported that the matter be placed in the Orders of the Day for the"
                " next sitting, the question being on acceptance",
            ),
            ("2026-01-12", "House", "Rules suspended"),
        ],
        "reported_unfavorably",
        "reported unfavorably",
        None,
    ),
    (
        "an adverse report accepted",
        [
            REFERRED,
            ("2026-01-10", "Senate", "Committee recommended that the matter be placed on file"),
            ("2026-01-12", "House", "Report accepted, in concurrence"),
        ],
        "dead",
        "placed on file",
        None,
    ),
    (
        "ought NOT to pass, recommitted, reported favorably",
        [
            REFERRED,
            REPORTED,
            ("2026-01-10", "Senate", "Ought NOT to pass (under Joint Rule 10)"),
            ("2026-01-12", "Senate", "Recommitted to the committee on Rules"),
        ],
        "in_committee",
        "recommitted",
        None,
    ),
    (
        "a joint order adopted in concurrence",
        [
            (
                "2026-01-28",
                "House",
                "Referred to the committee on Rules of the two branches, acting concurrently",
            ),
            ("2026-01-28", "House", "Committee reported ought to be adopted"),
            ("2026-02-17", "Senate", "Adopted"),
            ("2026-03-01", "House", "House adopted, in concurrence"),
        ],
        "passed_both",
        "adopted by the House last",
        None,
    ),
    (
        "a chapter after the override",
        [
            REFERRED,
            HOUSE,
            SENATE,
            *ENACTED,
            ("2026-03-20", "Executive", "Governor returned to the House with veto"),
            ("2026-04-01", "House", "Passed over veto - 130 YEAS to 28 NAYS"),
            ("2026-04-02", "Senate", "Passed over veto - see Roll Call #79 (Yeas 38 to Nays 0)"),
            ("2026-04-02", "Senate", "Chapter 66 of the Acts of 2026"),
        ],
        "veto_overridden",
        "passed over the Governor's veto, Chapter 66 of the Acts of 2026",
        66,
    ),
    (
        "a constitutional amendment before the joint session",
        [
            REFERRED,
            (
                "2025-04-29",
                "Senate",
                "Proposal for Constitutional Amendment reported favorably by committee and placed"
                " on file",
            ),
            ("2025-05-06", "House", "Placed on file, in concurrence"),
            ("2025-05-10", "House", "Called for consideration in the joint session"),
        ],
        "reported_favorably",  # not dead: placed on file for the joint session
        "reported favorably by committee",
        None,
    ),
    (
        "rows that move nothing",
        [
            REFERRED,
            ("2025-06-24", "Senate", "Postponed to the next session"),
            ("2025-06-25", "House", "See H1090"),
            ("2025-06-26", "House", "House NON-concurred in the reference"),
        ],
        "in_committee",
        "referred to a committee",
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "rows", "stage", "reason", "chapter"), HISTORIES, ids=[h[0] for h in HISTORIES]
)
def test_whole_history(
    case: str, rows: list[tuple[str, str, str]], stage: str, reason: str, chapter: int | None
) -> None:
    history = made(*rows)
    result = stage_of(history, 999, NOW)
    assert (result.stage, reason in result.reason) == (stage, True), (case, result)
    assert (result.law.chapter if result.law else None) == chapter
    timeline = StageTimeline(history, 999)
    assert timeline.at(NOW) == result  # the timeline folds the same way


def test_rows_that_carry_no_stage_leave_the_stage_alone() -> None:
    assert set(NO_STAGE) >= {"accompanied_by", "reported_on", "cross_reference", "procedural"}
    for action, branch, category in CATEGORIES:
        if category in NO_STAGE:
            rows = made(REFERRED, ("2025-06-01", branch, action))
            assert stage_of(rows, 999, NOW).stage == "in_committee", action


# After the court ends: what the record allows.
def test_enacted_but_never_signed_is_dead_when_the_court_ends() -> None:
    rows = made(REFERRED, HOUSE, SENATE, *ENACTED, LAID)
    assert stage_of(rows, 999, NOW).stage == "enacted"
    ended = stage_of(rows, 999, AFTER_999)
    assert ended.stage == "dead"
    assert ended.reason.startswith("session ended: enacted, but not signed before the 999th")
    assert "no signature, veto or chapter" in ended.reason


def test_law_and_orders_outlive_the_court() -> None:
    signed = made(REFERRED, HOUSE, SENATE, *ENACTED, ("2026-03-20", "Executive", (
        "Signed by the Governor, Chapter 12 of the Acts of 2026"
    )))  # fmt: skip
    assert stage_of(signed, 999, AFTER_999).law == Law(12, 2026)
    order = next(h for h in HISTORIES if h[0] == "a joint order adopted in concurrence")
    assert stage_of(made(*order[1]), 999, AFTER_999).stage == "passed_both"
    one_chamber = made(REFERRED, HOUSE)
    assert stage_of(one_chamber, 999, AFTER_999).stage == "dead"


def test_a_bare_chapter_is_law() -> None:
    rows = made(REFERRED, HOUSE, SENATE, *ENACTED, LAID, ("2026-04-01", "Senate", (
        "Chapter 70 of the Acts of 2026"
    )))  # fmt: skip
    result = stage_of(rows, 999, NOW)
    assert (result.stage, result.reason) == ("signed", "became law, Chapter 70 of the Acts of 2026")


def test_law_citation_and_link() -> None:
    law = law_in("Signed by the Governor, Chapter 163 of the Acts of 2026")
    assert law == Law(163, 2026, "Acts")
    assert law.citation == "Chapter 163 of the Acts of 2026"
    assert law.path == "/Laws/SessionLaws/Acts/2026/Chapter163"
    assert law.url("https://malegislature.gov/") == (
        "https://malegislature.gov/Laws/SessionLaws/Acts/2026/Chapter163"
    )
    assert law_url(law, "http://127.0.0.1:8000/Bills/999/H1620") == (
        "http://127.0.0.1:8000/Laws/SessionLaws/Acts/2026/Chapter163"
    )
    assert law_url(law, None) is None
    assert law_in("Chapter 5 of the Resolves of 2026") == Law(5, 2026, "Resolves")
    assert law_in("Signed by the Governor") is None


def test_an_alert_on_a_signed_bill_cites_the_law() -> None:
    rows = made(
        REFERRED,
        HOUSE,
        SENATE,
        *ENACTED,
        ("2026-03-20", "Executive", "Signed by the Governor, Chapter 163 of the Acts of 2026"),
    )
    bill = BillRecord(BillRef(999, "H.1620"), rows, "http://127.0.0.1:9/Bills/999/H1620")
    record = SubjectRecord("999:H.1620", "bill", (bill,))
    subject = CitedSubject("999:H.1620", "bill", "pending", "is pending", "ctx")
    note = NoteFacts("notes/n.md", date(2026, 1, 25), False, None, (subject,))
    changed = [f for f in check_note(note, {record.key: record}, NOW) if f.rule.startswith("chan")]
    assert len(changed) == 1
    law = (
        "Chapter 163 of the Acts of 2026 (http://127.0.0.1:9/Laws/SessionLaws/Acts/2026/Chapter163)"
    )
    assert law in changed[0].message
    assert law in changed[0].record_says
