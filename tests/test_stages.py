"""Tests for models.legislature.stages: row categories over real rows, the stage of a history."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.items import HistoryAction
from models.legislature.calendar import EASTERN
from models.legislature.stages import (
    STAGES,
    TERMINAL_STAGES,
    categorize,
    stage_of,
    stage_rank,
)

SAMPLE = Path(__file__).parent / "fixtures" / "actions_sample.tsv"
IN_192 = datetime(2022, 8, 1, tzinfo=UTC)  # the 192nd court (2021-2022) is still sitting
AFTER_192 = datetime(2026, 11, 22, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # made-up court 999 has not ended by then

# Real rows (tests/fixtures/actions_sample.tsv), expected categories written by reading each action.
SAMPLE_CATEGORIES: dict[tuple[int, str, str], str] = {
    (192, "H3190", "Referred to the committee on State Administration and Regulatory Oversight"): (
        "referred"
    ),
    (192, "H3190", "Senate concurred"): "concurrence",
    (
        192,
        "H3190",
        "Hearing scheduled for 06/09/2021 from 10:00 AM-12:00 PM in Virtual Hearing",
    ): "hearing",
    (
        192,
        "H3190",
        "Hearing scheduled for 09/14/2021 from 12:30 PM-02:30 PM in Virtual Hearing",
    ): "hearing",
    (
        192,
        "H3190",
        "Bill reported favorably by committee and referred to the committee on House Steering,"
        " Policy and Scheduling",
    ): "reported_favorably",
    (
        192,
        "H3190",
        "Committee reported that the matter be placed in the Orders of the Day for the next sitting"
        " for a second reading",
    ): "floor",
    (192, "H3190", "Read second and ordered to a third reading"): "floor",
    (192, "H3190", "Read third (title changed) and passed to be engrossed"): "passed_house",
    (192, "H3190", "Read; and referred to the committee on Senate Rules"): "referred",
    (
        192,
        "H3190",
        "Committee reported that the matter be placed in the Orders of the Day for the next"
        " session",
    ): "floor",
    (192, "H3190", "Accompanied by S2028"): "accompanied_by",
    (192, "H3190", "Rules suspended"): "floor",
    (
        192,
        "H3190",
        "Read second, ordered to a third reading, read third and passed to be engrossed",
    ): "passed_senate",
    (192, "H3190", "Enacted"): "enacted",
    (192, "H3190", "Enacted and laid before the Governor"): "enacted",
    (192, "H3190", "Signed by the Governor, Chapter 54 of the Acts of 2022"): "signed",
    (192, "H3152", "Referred to the committee on State Administration and Regulatory Oversight"): (
        "referred"
    ),
    (192, "H3152", "Senate concurred"): "concurrence",
    (
        192,
        "H3152",
        "Hearing scheduled for 06/02/2021 from 10:30 AM-01:30 PM in Virtual Hearing",
    ): "hearing",
    (192, "H3152", "Reporting date extended to Friday April 15, 2022, pending concurrence"): (
        "reporting_extended"
    ),
    (192, "H3152", "Reporting date extended to Thursday June 30, 2022, pending concurrence"): (
        "reporting_extended"
    ),
    (192, "H3152", "Reporting date extended to Friday July 15, 2022, pending concurrence"): (
        "reporting_extended"
    ),
    (192, "H3152", "Accompanied a new draft, see H5031"): "replaced",
    (194, "S717", "Accompanied a new draft, see S2883"): "replaced",
    (194, "H3387", "Accompanied a study order, see H5183"): "sent_to_study",
    (
        194,
        "S2116",
        "Bill reported favorably by committee and referred to the committee on Senate Ways and"
        " Means",
    ): "reported_favorably",
    (
        194,
        "S1725",
        "Committee recommended ought to pass and referred to the committee on Senate Ways and"
        " Means",
    ): "reported_favorably",
    (190, "S1308", "Accompanied a study order, see S2292"): "sent_to_study",
    (192, "S19", "Placed on file, in concurrence"): "placed_on_file",
    (194, "H5067 [order]", "Adopted"): "adopted",
}


def _sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _parse_date(shown: str) -> datetime:
    """The TSV's dates (3/29/2021, 02/07/2018, 2026-02-09) as midnight Eastern, in UTC."""
    fmt = "%Y-%m-%d" if "-" in shown else "%m/%d/%Y"
    day = datetime.strptime(shown, fmt)
    return day.replace(tzinfo=EASTERN).astimezone(UTC)


def _history(court: int, bill: str) -> list[HistoryAction]:
    rows = [r for r in _sample_rows() if (int(r["general_court"]), r["bill"]) == (court, bill)]
    return [
        HistoryAction(_parse_date(r["date_as_shown"]), r["branch"], r["action"], position)
        for position, r in enumerate(rows)
    ]


def _made(*rows: tuple[str, str, str]) -> list[HistoryAction]:
    """Constructed rows (date as YYYY-MM-DD, branch, action)."""
    return [
        HistoryAction(_parse_date(day), branch, action, position)
        for position, (day, branch, action) in enumerate(rows)
    ]


def test_every_sample_row_has_an_expected_category() -> None:
    keys = {(int(r["general_court"]), r["bill"], r["action"]) for r in _sample_rows()}
    assert keys == set(SAMPLE_CATEGORIES)


@pytest.mark.parametrize("row", _sample_rows(), ids=lambda r: f"{r['bill']}:{r['action'][:40]}")
def test_sample_row_category(row: dict[str, str]) -> None:
    expected = SAMPLE_CATEGORIES[(int(row["general_court"]), row["bill"], row["action"])]
    assert categorize(row["action"], row["branch"]) == expected


# Constructed strings (not from any source), in the shapes STRUCTURE.md describes.
CONSTRUCTED_CATEGORIES: list[tuple[str, str, str]] = [
    ("Filed", "House", "filed"),
    ("Referred to the committee on House Ways and Means", "House", "referred"),
    ("House concurred", "House", "concurrence"),
    (
        "Hearing rescheduled (Joint Committee on Health Care Financing) to 10/07/2025",
        "Joint",
        "hearing",
    ),
    (
        "Hearing scheduled for 10/07/2025 from 10:00 AM-01:00 PM in Conference Room 428",
        "Joint",
        "hearing",
    ),
    ("Hearing updated to New Start Time", "Joint", "hearing"),
    ("Ought NOT to pass (under Joint Rule 10)", "Joint", "reported_unfavorably"),
    ("Reported adversely", "Senate", "reported_unfavorably"),
    ("Reported favorably", "Senate", "reported_favorably"),
    ("Ordered to a third reading", "Senate", "floor"),
    ("Amendment adopted", "House", "floor"),
    ("Emergency preamble adopted", "Senate", "floor"),
    (
        "Passed to be engrossed with an amendment striking out all after the enacting clause and"
        " inserting in place thereof the text contained in Senate document numbered 3072",
        "Senate",
        "passed_senate",
    ),
    ("Read third and passed to be engrossed", "", "floor"),  # chamber not given
    ("House concurred in the Senate amendment", "House", "concurred_in_amendment"),
    ("House non-concurred in the Senate amendment", "House", "non_concurred"),
    ("Committee of conference appointed", "House", "conference"),
    ("Conference committee appointed", "Senate", "conference"),
    ("Bill referred to a committee of conference", "Senate", "conference"),
    ("Conference committee report accepted", "House", "conference_report"),
    (
        "Signed by the Governor (with line item vetoes), Chapter 28 of the Acts of 2023",
        "Executive",
        "signed",
    ),
    ("Approved by the Governor", "Executive", "signed"),
    ("Vetoed by the Governor", "Executive", "vetoed"),
    ("Returned with veto", "Executive", "vetoed"),
    ("Passed over veto, yeas 130 nays 25", "House", "veto_overridden"),
    ("Passed, notwithstanding the objections of the Governor", "Senate", "veto_overridden"),
    ("No further action taken", "House", "no_further_action"),
    ("Placed on file", "Senate", "placed_on_file"),
    ("Adopted, in concurrence", "Senate", "adopted"),
    ("Something nobody has seen before", "House", "other"),
]


@pytest.mark.parametrize(("action", "branch", "expected"), CONSTRUCTED_CATEGORIES)
def test_constructed_category(action: str, branch: str, expected: str) -> None:
    assert categorize(action, branch) == expected


H3190_STAGES = [
    "in_committee",  # Referred to the committee on State Administration ...
    "in_committee",  # Senate concurred
    "in_committee",  # Hearing scheduled
    "in_committee",  # Hearing scheduled
    "reported_favorably",  # Bill reported favorably by committee ...
    "reported_favorably",  # ... placed in the Orders of the Day
    "reported_favorably",  # Read second and ordered to a third reading
    "passed_house",  # Read third (title changed) and passed to be engrossed
    "passed_house",  # Read; and referred to the committee on Senate Rules
    "passed_house",  # Senate: ... Orders of the Day for the next session
    "passed_house",  # Accompanied by S2028
    "passed_house",  # Rules suspended
    "passed_both",  # Senate: ... read third and passed to be engrossed
    "enacted",  # House: Enacted
    "enacted",  # Senate: Enacted and laid before the Governor
    "signed",  # Signed by the Governor, Chapter 54 of the Acts of 2022
]
H3152_STAGES = ["in_committee"] * 9 + ["replaced"]  # referral, concurrences, hearing, extensions


@pytest.mark.parametrize(("bill", "expected"), [("H3190", H3190_STAGES), ("H3152", H3152_STAGES)])
def test_real_history_step_by_step(bill: str, expected: list[str]) -> None:
    history = _history(192, bill)
    assert len(history) == len(expected)
    stages = [stage_of(history[: n + 1], 192, IN_192).stage for n in range(len(history))]
    assert stages == expected


def test_h3190_result_names_the_rows_that_set_the_stage() -> None:
    history = _history(192, "H3190")
    signed = stage_of(history, 192, IN_192)
    assert (signed.branch, signed.action) == ("Executive", history[-1].action)
    assert signed.date == history[-1].date
    enacted = stage_of(history[:-1], 192, IN_192)  # same-day rows keep their order: House first
    assert (enacted.branch, enacted.action, enacted.reason) == (
        "House",
        "Enacted",
        "enacted by the House",
    )
    passed = stage_of(history[:8], 192, IN_192)
    assert passed.reason == "passed to be engrossed by the House"


def test_h3152_replaced_names_the_new_draft() -> None:
    result = stage_of(_history(192, "H3152"), 192, IN_192)
    assert result.stage == "replaced"
    assert "H5031" in result.reason


def test_session_end() -> None:
    open_h3152 = _history(192, "H3152")[:-1]
    dead = stage_of(open_h3152, 192, AFTER_192)
    assert dead.stage == "dead"
    assert "session ended" in dead.reason
    assert "192nd General Court (2021-2022)" in dead.reason
    assert dead.date == datetime(2023, 1, 4, 5, tzinfo=UTC)  # Jan 4 2023, midnight Eastern
    assert (dead.action, dead.branch) == (None, None)
    assert stage_of(_history(192, "H3190"), 192, AFTER_192).stage == "signed"
    assert stage_of(_history(192, "H3152"), 192, AFTER_192).stage == "replaced"
    assert stage_of(open_h3152, 192, IN_192).stage == "in_committee"


def test_no_rows_and_only_unrecognized_rows_are_filed() -> None:
    empty = stage_of([], 999, NOW)
    assert (empty.stage, empty.reason, empty.date) == ("filed", "no history yet", None)
    assert stage_of(_made(("2025-01-10", "House", "Something odd")), 999, NOW).stage == "filed"


# Constructed histories (made-up court 999), each row (YYYY-MM-DD, branch, action).
REFERRED = ("2025-01-10", "House", "Referred to the committee on Public Health")
CONCURRED = ("2025-01-10", "Senate", "Senate concurred")
REPORTED = ("2025-03-01", "House", "Bill reported favorably by committee")
HOUSE_PASSED = ("2025-04-01", "House", "Read third and passed to be engrossed")
SENATE_PASSED = (
    "2025-05-01",
    "Senate",
    "Passed to be engrossed with an amendment striking out all after the enacting clause and"
    " inserting in place thereof the text contained in Senate document numbered 3072",
)
CONFERENCE = ("2025-05-10", "House", "Committee of conference appointed")
ENACTED = [
    ("2025-06-01", "House", "Enacted"),
    ("2025-06-01", "Senate", "Enacted and laid before the Governor"),
]
VETOED = ("2025-06-10", "Executive", "Vetoed by the Governor")
PASSED = [REFERRED, CONCURRED, REPORTED, HOUSE_PASSED, SENATE_PASSED]

CONSTRUCTED_HISTORIES: list[tuple[str, list[tuple[str, str, str]], str, str]] = [
    ("conference", [*PASSED, CONFERENCE], "in_conference", "Committee of conference appointed"),
    (
        "conference report keeps in_conference",
        [*PASSED, CONFERENCE, ("2025-05-20", "House", "Conference committee report accepted")],
        "in_conference",
        "Committee of conference appointed",
    ),
    ("veto", [*PASSED, *ENACTED, VETOED], "vetoed", "Vetoed by the Governor"),
    (
        "override",
        [*PASSED, *ENACTED, VETOED, ("2025-07-01", "House", "Passed over veto, yeas 130 nays 25")],
        "veto_overridden",
        "Passed over veto, yeas 130 nays 25",
    ),
    (
        "no further action",
        [REFERRED, CONCURRED, REPORTED, ("2025-07-31", "House", "No further action taken")],
        "dead",
        "No further action taken",
    ),
    (
        "placed on file",
        [*PASSED, ("2025-07-31", "Senate", "Placed on file")],
        "dead",
        "Placed on file",
    ),
    (
        "Senate referral after House passage",
        [
            REFERRED,
            REPORTED,
            HOUSE_PASSED,
            ("2025-04-03", "Senate", "Read and referred to the committee on Senate Ways and Means"),
        ],
        "passed_house",
        HOUSE_PASSED[2],
    ),
    ("Senate passes the text of another document", PASSED, "passed_both", SENATE_PASSED[2]),
    (
        "House concurred in the Senate amendment (the Senate passage row left out)",
        [
            REFERRED,
            HOUSE_PASSED,
            ("2025-05-02", "House", "House concurred in the Senate amendment"),
        ],
        "passed_both",
        "House concurred in the Senate amendment",
    ),
    (
        "hearing and reporting extension stay in committee",
        [
            REFERRED,
            (
                "2025-02-01",
                "Joint",
                "Hearing scheduled for 02/10/2025 from 10:00 AM-01:00 PM in A-1",
            ),
            (
                "2025-05-01",
                "House",
                "Reporting date extended to Monday June 30, 2025, pending concurrence",
            ),
        ],
        "in_committee",
        REFERRED[2],
    ),
    ("Senate concurred after a referral", [REFERRED, CONCURRED], "in_committee", REFERRED[2]),
    (
        "unsorted rows are sorted by date",
        [SENATE_PASSED, REFERRED, HOUSE_PASSED],
        "passed_both",
        SENATE_PASSED[2],
    ),
    (
        "an unknown row leaves the stage unchanged",
        [REFERRED, ("2025-02-01", "House", "Something nobody has seen before")],
        "in_committee",
        REFERRED[2],
    ),
]


@pytest.mark.parametrize(
    ("label", "rows", "stage", "action"),
    CONSTRUCTED_HISTORIES,
    ids=[c[0] for c in CONSTRUCTED_HISTORIES],
)
def test_constructed_history(
    label: str, rows: list[tuple[str, str, str]], stage: str, action: str
) -> None:
    result = stage_of(_made(*rows), 999, NOW)
    assert (result.stage, result.action) == (stage, action), label


def test_dead_reasons() -> None:
    nfa = stage_of(_made(REFERRED, ("2025-07-31", "House", "No further action taken")), 999, NOW)
    assert nfa.reason == "no further action taken"
    on_file = stage_of(_made(REFERRED, ("2025-07-31", "Senate", "Placed on file")), 999, NOW)
    assert on_file.reason == "placed on file"


def test_line_item_override_keeps_a_signed_bill_signed() -> None:
    signed = ("2025-07-01", "Executive", "Signed by the Governor (with line item vetoes)")
    override = (
        "2025-07-20",
        "House",
        "Item 1234-5678 passed, notwithstanding the objections of the Governor",
    )
    assert stage_of(_made(*PASSED, *ENACTED, signed, override), 999, NOW).stage == "signed"


def test_new_progress_after_a_terminal_row_revives_the_bill() -> None:
    rows = [REFERRED, ("2025-02-01", "House", "Placed on file"), HOUSE_PASSED]
    assert stage_of(_made(*rows), 999, NOW).stage == "passed_house"
    stale = [
        REFERRED,
        ("2025-02-01", "House", "Placed on file"),
        ("2025-03-01", "Senate", "Senate concurred"),
    ]
    assert stage_of(_made(*stale), 999, NOW).stage == "dead"


def test_stage_rank() -> None:
    assert stage_rank("passed_both") > stage_rank("passed_house")
    assert stage_rank("in_committee") > stage_rank("dead")
    assert stage_rank("filed") > max(stage_rank(stage) for stage in TERMINAL_STAGES)
    assert stage_rank("veto_overridden") > stage_rank("signed") > stage_rank("enacted")
    assert {stage for stage in STAGES if stage_rank(stage) >= 0} == set(STAGES)
    with pytest.raises(ValueError):
        stage_rank("nonsense")


def test_result_is_frozen() -> None:
    result = stage_of([], 999, NOW)
    assert replace(result, stage="dead").stage == "dead"
    with pytest.raises(AttributeError):
        result.stage = "dead"  # type: ignore[misc]
