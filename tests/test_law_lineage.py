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

from crawler.replay import ReplayServer

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
    assert "Conference — signed (live bill H.1104)" in table
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
    # On the note's date H.1101 had passed both chambers: the claim holds; what came later is
    # a change, with its date, branch and bill.
    assert "contradicts_note" not in result.out
    assert (
        "[changed_since_note] 999:S.1102: changed after the note's date (2025-04-05): "
        "2025-04-10 House: Committee of conference appointed (H.1101, now in_conference)"
    ) in result.out
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
