"""Lineage to the law, end to end through the replay server (real spider, real database): a
conference report under a new number, a bill folded into another, amendment texts, readable
evidence, and configured bills read on every crawl.

Every bill here is a made-up bill of court 999, written into the test's copy of the replay site;
the action strings use the wording of real history rows (192nd General Court) for the same steps.
"""

# History rows are kept whole, one per line, so some lines are long.
# ruff: noqa: E501

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.items import HistoryAction
from crawler.replay import ReplayServer
from models.legislature.lineage import ChainNode, Edge, chain_text, relations_from_actions
from models.legislature.numbers import BillRef
from models.rules.staleness import BillRecord, SubjectRecord, first_change_after

from .conftest import Project, write_config

TITLE = "An Act relative to constructed conference business"
Row = tuple[str, str, str]  # (date, branch, action)

# H.1101 passes the House; Senate Ways and Means recommends its text as S.1102; the Senate passes
# H.1101 with that text amended, printed as S.1103; a conference reports a new bill, H.1104,
# which is enacted and signed.
CONFERENCE: dict[str, list[Row]] = {
    "H1101": [
        ("2025-03-05T15:10:00", "House", "Read third and passed to be engrossed"),
        (
            "2025-03-06T11:00:00",
            "Senate",
            "Read; and referred to the committee on Senate Ways and Means",
        ),
        (
            "2025-04-01T12:00:00",
            "Senate",
            "Committee recommended ought to pass with an amendment, inserting in place thereof the text of S1102",
        ),
        (
            "2025-04-03T16:20:00",
            "Senate",
            "Amended by striking out all after the enacting clause and inserting in place thereof the text of S1102",
        ),
        ("2025-04-03T16:21:00", "Senate", "Reprinted as amended, see S1103"),
        ("2025-04-03T16:22:00", "Senate", "Passed to be engrossed"),
        ("2025-04-10T13:00:00", "House", "House NON-concurred in the Senate amendment"),
        ("2025-04-10T13:01:00", "House", "Committee of conference appointed"),
        ("2025-04-14T14:00:00", "Senate", "Committee of conference appointed, in concurrence"),
        ("2025-06-30T10:00:00", "House", "Reported by H1104"),
    ],
    "S1102": [
        ("2025-04-01T12:00:00", "Senate", "Reported from the committee on Senate Ways and Means"),
        ("2025-04-01T12:00:00", "Senate", "Recommended new text for H1101"),
    ],
    "S1103": [
        ("2025-04-03T16:21:00", "Senate", "Text of S1102, printed as amended"),
        ("2025-04-03T16:21:00", "Senate", "See H1101"),
    ],
    "H1104": [
        ("2025-06-30T10:00:00", "House", "Reported from the committee on conference"),
        ("2025-06-30T10:00:00", "House", "Reported on H1101"),
        ("2025-07-01T12:00:00", "House", "Committee of conference report accepted"),
        (
            "2025-07-01T15:00:00",
            "Senate",
            "Committee of conference report accepted, in concurrence",
        ),
        ("2025-07-02T11:00:00", "House", "Enacted"),
        ("2025-07-02T14:00:00", "Senate", "Enacted and laid before the Governor"),
        (
            "2025-07-09T10:00:00",
            "Executive",
            "Signed by the Governor, Chapter 77 of the Acts of 2025",
        ),
    ],
}
# H.1105 is folded into S.1106, which names it (and another bill) and moves on.
FOLDED: dict[str, list[Row]] = {
    "H1105": [
        ("2025-01-20T10:00:00", "House", "Referred to the committee on Public Health"),
        ("2025-01-21T10:00:00", "Senate", "Senate concurred"),
        ("2025-05-01T12:00:00", "House", "Accompanied S1106"),
    ],
    "S1106": [
        ("2025-01-20T10:00:00", "Senate", "Referred to the committee on Public Health"),
        ("2025-01-21T10:00:00", "House", "House concurred"),
        ("2025-05-01T12:00:00", "Senate", "Accompanied by H1105, H1107"),
        (
            "2025-05-01T12:05:00",
            "Senate",
            "Bill reported favorably by committee and referred to the committee on Senate Ways and Means",
        ),
    ],
}
# H.1111 is reported as a new draft, H.1112, whose first row sets no stage; H.1112 then passes.
NEW_DRAFT: dict[str, list[Row]] = {
    "H1111": [
        ("2025-01-10T10:00:00", "House", "Referred to the committee on Public Health"),
        ("2025-03-01T12:00:00", "House", "Accompanied a new draft, see H1112"),
    ],
    "H1112": [
        ("2025-03-01T12:00:00", "House", "New draft of H1111"),
        ("2025-03-25T16:00:00", "House", "Read third and passed to be engrossed"),
    ],
}


def publish(site: ReplayServer, bills: dict[str, list[Row]]) -> None:
    """Write made-up court-999 documents and histories into the test's copy of the site."""
    base = site.root / "api/GeneralCourts/999/Documents"
    for number, rows in bills.items():
        document = {
            "Title": TITLE, "BillNumber": number, "DocketNumber": None,
            "GeneralCourtNumber": 999, "PrimarySponsor": None, "Cosponsors": [],
            "JointSponsor": None,
            "BillHistory": f"/api/GeneralCourts/999/Documents/{number}/DocumentHistoryActions",
            "LegislationTypeName": "Bill", "Pinslip": None, "DocumentText": None,
            "EmergencyPreamble": None, "RollCalls": [], "Attachments": [],
            "CommitteeRecommendations": [], "Amendments": [],
        }  # fmt: skip
        (base / f"{number}.json").write_text(json.dumps(document), encoding="utf-8")
        (base / number).mkdir(exist_ok=True)
        history = [{"Date": d, "Branch": b, "Action": a, "IsStricken": False} for d, b, a in rows]
        (base / number / "DocumentHistoryActions.json").write_text(json.dumps(history))


def make_project(
    tmp_path: Path,
    database_url: str,
    site: ReplayServer,
    measures: dict[str, list[tuple[int, str]]],
    notes: dict[str, str] | None = None,
    **options: Any,
) -> Project:
    config = write_config(tmp_path, database_url, site.url, measures, **options)
    if notes:
        folder = tmp_path / "notes"
        folder.mkdir()
        for name, text in notes.items():
            (folder / name).write_text(text, encoding="utf-8")
        config.write_text(config.read_text() + '\n[notes]\npaths = ["notes"]\n')
    return Project(tmp_path, config, database_url)


def status(project: Project) -> dict[str, Any]:
    return json.loads(project.run("status", "--format", "json", check=True).out)


def bills_of(measure: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["number"]: b for b in measure["bills"]}


def test_a_conference_report_under_a_new_number_is_followed_to_the_signature(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    publish(site, CONFERENCE)
    project = make_project(tmp_path, database_url, site, {"Conference": [(999, "H.1101")]})
    result = project.run("crawl", "--no-check", check=True)
    assert "4 bills checked, 4 changed, 0 failed" in result.out
    measure = status(project)["measures"][0]
    assert measure["stage"] == "signed"
    assert measure["live_bill"] == {"court": 999, "number": "H.1104"}
    assert measure["lineage"] == (
        "H.1101 (House) / S.1102, S.1103 (Senate text) -> H.1104 -> signed into law"
    )
    found = bills_of(measure)
    old, report = found["H.1101"], found["H.1104"]
    assert report["found_via"] == "999:H.1101 reported_by" and report["role"] == "lineage"
    assert report["stage_date"] == "2025-07-09"
    assert report["law"]["citation"] == "Chapter 77 of the Acts of 2025"
    assert measure["law"]["citation"] == "Chapter 77 of the Acts of 2025"
    assert old["successor"] == {"court": 999, "number": "H.1104"}
    assert old["session_note"] is None
    reported = next(r for r in old["relations"] if r["type"] == "reported_by")
    assert reported == {
        "type": "reported_by",
        "court": 999,
        "number": "H.1104",
        "since": "2025-06-30",
    }
    assert any(r["type"] == "reported_on" for r in report["relations"])
    # The Senate's texts are versions of H.1101, not bills of their own.
    for text in ("S.1102", "S.1103"):
        assert found[text]["version_of"] == {"court": 999, "number": "H.1101"}
        assert found[text]["stage"] == old["stage"]
    table = project.run("status", check=True).out
    assert "Conference — signed (live bill H.1104, Chapter 77 of the Acts of 2025)" in table
    assert "H.1101: reported as H.1104 (999) on 2025-06-30 (Reported by H1104)" in table
    assert "S.1102, S.1103: amendment text of H.1101 (999)" in table
    history = project.run("history", "H.1101", "--court", "999", check=True).out
    assert "reported_by H.1104 (999) since 2025-06-30" in history


def test_a_folded_bill_is_not_live_and_names_its_host(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    publish(site, FOLDED)
    project = make_project(tmp_path, database_url, site, {"Folded": [(999, "H.1105")]})
    project.run("crawl", "--no-check", check=True)
    measure = status(project)["measures"][0]
    assert measure["live_bill"] == {"court": 999, "number": "S.1106"}
    assert measure["stage"] == "reported_favorably"
    assert measure["lineage"] == "H.1105 (folded) -> S.1106"
    guest, host = bills_of(measure)["H.1105"], bills_of(measure)["S.1106"]
    assert guest["folded_into"] == {"court": 999, "number": "S.1106"}
    assert guest["successor"] == {"court": 999, "number": "S.1106"}
    assert host["found_via"] == "999:H.1105 accompanies"
    assert {(r["type"], r["number"]) for r in host["relations"]} >= {
        ("accompanied_by", "H.1105"), ("accompanied_by", "H.1107")
    }  # fmt: skip
    table = project.run("status", check=True).out
    assert "H.1105: folded into S.1106 (999) on 2025-05-01 (Accompanied S1106)" in table


SENATE_NOTE = """Made-up note on the Senate's text

S.1102 passed the Senate.

Last updated: Apr 5, 2025
"""


def test_an_amendment_text_is_judged_by_the_bill_it_amends(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    publish(site, CONFERENCE)
    project = make_project(
        tmp_path, database_url, site, {"Made-up Senate amendment": [(999, "S.1102")]},
        notes={"senate-text.txt": SENATE_NOTE},
    )  # fmt: skip
    project.run("crawl", "--no-check", check=True)
    measure = status(project)["measures"][0]
    # Named by its Senate text alone, the measure reaches the bill it amends and the law.
    assert (measure["stage"], measure["live_bill"]["number"]) == ("signed", "H.1104")
    text = bills_of(measure)["S.1102"]
    assert text["version_of"] == {"court": 999, "number": "H.1101"}
    assert text["stage"] not in ("filed", "in_committee")
    assert text["stage_reason"].startswith("amendment text of H.1101: ")
    table = project.run("status", check=True).out
    assert "S.1102, S.1103: amendment text of H.1101 (999)" in table
    result = project.run("notes", "check")
    # On the note's date H.1101 had passed both chambers: the claim holds. What came later is
    # judged on H.1101's record too, and named by date, branch and bill.
    lines = [line for line in result.out.splitlines() if "] 999:S.1102:" in line]
    assert lines and not any("contradicts_note" in line for line in lines), result.out
    assert all("H.1101" in line or "H.1104" in line for line in lines), lines
    assert "None" not in result.out


DRAFT_NOTE = """Made-up note on a new draft

Made-up drafts act (H.1111) is in committee.

Last updated: Feb 9, 2025
"""


def test_the_first_change_is_the_first_action_that_moved_the_measure(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    publish(site, NEW_DRAFT)
    config_measures = {"Made-up drafts act": [(999, "H.1111")]}
    project = make_project(
        tmp_path, database_url, site, config_measures, notes={"drafts.txt": DRAFT_NOTE}
    )
    project.run("crawl", "--no-check", check=True)
    out = project.run("notes", "check").out
    found = re.search(r"\[changed_since_note\] Made-up drafts act: (.*)", out)
    assert found, out
    message = found.group(1)
    assert "None" not in message and "placeholder" not in message
    assert re.match(
        r"changed after the note's date \(2025-02-09\): 2025-03-\d\d House: .+ \(H\.1112, now \w+\)",
        message,
    ), message


def test_a_configured_dormant_bills_change_is_seen_on_the_next_crawl(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """Court-wide tracking keeps its dormancy policy; a bill a measure names does not."""
    quiet = [
        ("2025-02-27T10:00:00", "Senate", "Referred to the committee on Public Safety"),
        (
            "2025-11-10T09:00:00",
            "Joint",
            "Hearing scheduled for 11/25/2025 from 10:00 AM-01:00 PM in A-1",
        ),
    ]
    publish(site, {"S1113": quiet})
    project = make_project(
        tmp_path, database_url, site, {"Quiet": [(999, "S.1113")]}, dormant_every_hours=24
    )
    text = project.config.read_text().replace(
        "[legislature]\n", "[legislature]\ntrack_all = [999]\n"
    )
    project.config.write_text(text)
    project.run("crawl", "--no-check", check=True)
    before = status(project)["measures"][0]["bills"][0]
    assert before["stage"] == "in_committee"
    # The next day (a stand-in: a row dated yesterday) the committee sends it to study.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    publish(
        site, {"S1113": [*quiet, (yesterday, "Senate", "Accompanied a study order, see S1114")]}
    )
    start = len(site.requests)
    result = project.run("crawl", "--no-check", check=True)
    asked = [r.path for r in site.requests[start:]]
    assert "/api/GeneralCourts/999/Documents/S1113/DocumentHistoryActions" in asked
    assert "not due (polling policy)" in result.out  # the court-wide bills, dormant, wait
    assert "1 changed" in result.out
    after = status(project)["measures"][0]["bills"][0]
    assert after["stage"] == "sent_to_study"


# --- pure parts: each wording, the chain, the first change ------------------------------------

T = datetime(2025, 1, 1, 15, tzinfo=UTC)
WORDINGS = [
    # (the bill whose row it is, the row, the relations it states)
    ("H.1101", "Reported by H1104", [("reported_by", "H.1104")]),
    ("H.1104", "Reported on H1101", [("reported_on", "H.1101")]),
    ("H.1105", "Accompanied S1106", [("accompanies", "S.1106")]),
    ("S.1106", "Accompanied by H1105, H1107 and S1120",
     [("accompanied_by", "H.1105"), ("accompanied_by", "H.1107"), ("accompanied_by", "S.1120")]),
    ("S.1121", "New draft substituted, see S1122", [("replaced_by", "S.1122")]),
    ("H.1123", "Amended by substitution of a bill, H1124", [("replaced_by", "H.1124")]),
    ("H.1125", "Amended by substitution of a bill with the same title, see H1126",
     [("replaced_by", "H.1126")]),
    ("S.1127", "Substituted by a bill, see H1128", [("replaced_by", "H.1128")]),
    ("H.1128", "Substituted for S1127", [("replaces", "S.1127")]),
    ("S.1129", "New draft of S1130, S1131 and S1132",
     [("replaces", "S.1130"), ("replaces", "S.1131"), ("replaces", "S.1132")]),
    ("S.1102", "Recommended new text for H1101", [("amendment_text_for", "H.1101")]),
    ("S.1133", "Recommended new text, on the residue, of H1134", [("amendment_text_for", "H.1134")]),
    ("S.1102", "Reported from the committee on Senate Ways and Means as an amendment to H1101",
     [("amendment_text_for", "H.1101")]),
    ("H.1135", "Text of an amendment, see S1136", [("amendment_text_for", "S.1136")]),
    ("S.1136", "For text of amendment, see H1137", [("amendment_text", "H.1137")]),
    ("S.1136", "Committee reported that the matter be placed in the Orders of the Day for the next "
     "sitting with the amendment (H1135) pending", [("amendment_text", "H.1135")]),
    ("H.1101", "Committee recommended ought to pass with an amendment, inserting in place there of "
     "the text of S1102", [("amendment_text", "S.1102")]),
    # A reprint in the other chamber's series is that chamber's amendment text; in its own, a reprint.
    ("H.1101", "Reprinted as amended, see S1103", [("amendment_text", "S.1103")]),
    ("S.1138", "Reprinted, as amended, see S1139", [("reprinted_as", "S.1139")]),
    ("S.1103", "Text of S1102, printed as amended", [("reprint_of", "S.1102")]),
    ("H.1137", "H1135, published as amended", [("reprint_of", "H.1135")]),
    ("H.1101", "Reported from the committee on conference", []),
    ("H.1101", "Read second and ordered to a third reading", []),
]  # fmt: skip


@pytest.mark.parametrize(("number", "text", "expected"), WORDINGS)
def test_each_wording_states_its_relations(
    number: str, text: str, expected: list[tuple[str, str]]
) -> None:
    found = relations_from_actions(999, [HistoryAction(T, "House", text)], number)
    assert [(r.type, r.number) for r in found] == expected
    assert all(r.evidence == text and r.since == T and r.court == 999 for r in found)


def test_chain_text_shows_amendment_texts_as_the_other_chambers_text_and_folded_bills() -> None:
    nodes = [
        ChainNode(999, "H.1101", "in_conference"),
        ChainNode(999, "S.1102", "in_conference", version_of="999:H.1101"),
        ChainNode(999, "S.1103", "in_conference", version_of="999:H.1101"),
        ChainNode(999, "H.1104", "signed"),
    ]
    edges = [
        Edge("999:H.1101", "reported_by", "999:H.1104"),
        Edge("999:H.1104", "reported_on", "999:H.1101"),
        Edge("999:S.1103", "reprint_of", "999:S.1102"),
    ]
    assert chain_text(nodes, edges, "999:H.1104") == (
        "H.1101 (House) / S.1102, S.1103 (Senate text) -> H.1104 -> signed into law"
    )
    folded = [ChainNode(999, "H.1105", "in_committee", folded_into="999:S.1106"),
              ChainNode(999, "S.1106", "reported_favorably")]  # fmt: skip
    edges = [Edge("999:H.1105", "accompanies", "999:S.1106")]
    assert chain_text(folded, edges, "999:S.1106") == "H.1105 (folded) -> S.1106"


def _record(number: str, rows: list[Row]) -> BillRecord:
    actions = [
        HistoryAction(datetime.fromisoformat(d).replace(tzinfo=UTC), b, a, i)
        for i, (d, b, a) in enumerate(rows)
    ]
    return BillRecord(BillRef(999, number), actions, None)


def test_a_hand_over_to_a_new_bill_without_a_dated_stage_is_not_the_first_change() -> None:
    old = _record("H.1111", NEW_DRAFT["H1111"])
    new = _record("H.1112", [("2025-03-01T12:00:00", "House", "See H1111"),
                             NEW_DRAFT["H1112"][1]])  # fmt: skip
    record = SubjectRecord("Made-up drafts act", "measure", (old, new))
    since = datetime(2025, 2, 10, tzinfo=UTC)
    change = first_change_after(record, since, datetime(2025, 12, 1, tzinfo=UTC))
    assert change is not None and change.bill is not None and change.result is not None
    assert (change.bill.ref.number, change.stage) == ("H.1112", "passed_house")
    assert change.result.date == datetime(2025, 3, 25, 16, tzinfo=UTC)


def test_the_proposals_line_is_followed_to_the_law_whatever_the_depth(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """A committee new draft, then a conference report: two steps of the proposal's own line,
    followed with lineage_depth = 1 (which bounds only the side relations)."""
    first = [
        ("2025-01-10T10:00:00", "House", "Referred to the committee on Public Health"),
        ("2025-02-20T12:00:00", "House", "Accompanied a new draft, see H1101"),
    ]
    publish(site, {"H1140": first, **CONFERENCE})
    project = make_project(tmp_path, database_url, site, {"Line": [(999, "H.1140")]})
    text = project.config.read_text().replace(
        "[legislature]\n", "[legislature]\nlineage_depth = 1\n"
    )
    project.config.write_text(text)
    project.run("crawl", "--no-check", check=True)
    measure = status(project)["measures"][0]
    assert (measure["stage"], measure["live_bill"]["number"]) == ("signed", "H.1104")
    assert bills_of(measure)["H.1104"]["found_via"] == "999:H.1101 reported_by"
