"""A signed bill's law, with its citation and link, end to end: crawl through the replay server,
then `status` in every format and `history` (a made-up court-999 bill added to the replay)."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.replay import ReplayServer

from .conftest import Project, write_config

# Constructed: made-up bill H.1950 of court 999, signed with line-item vetoes.
DOCUMENT = {
    "Title": "An Act relative to constructed examples",
    "BillNumber": "H1950",
    "DocketNumber": None,
    "GeneralCourtNumber": 999,
    "PrimarySponsor": None,
    "Cosponsors": [],
    "JointSponsor": None,
    "BillHistory": "/api/GeneralCourts/999/Documents/H1950/DocumentHistoryActions",
    "LegislationTypeName": "Bill",
    "Pinslip": None,
    "DocumentText": None,
    "EmergencyPreamble": None,
    "RollCalls": [],
    "Attachments": [],
    "CommitteeRecommendations": [],
    "Amendments": [],
}
HISTORY = [
    ("2026-01-05T10:00:00", "House", "Referred to the committee on Public Health"),
    ("2026-03-02T11:00:00", "House", "Read third and passed to be engrossed"),
    ("2026-04-07T12:00:00", "Senate", "Read third and passed to be engrossed"),
    ("2026-05-04T13:00:00", "House", "Enacted"),
    ("2026-05-05T13:00:00", "Senate", "Enacted"),
    ("2026-05-05T13:05:00", "Senate", "Laid before the Governor"),
    (
        "2026-05-15T09:00:00",
        "Executive",
        "Signed (in part) by the Governor, Chapter 12 of the Acts of 2026",
    ),
    ("2026-05-15T09:00:00", "Executive", "Governor returned to the House with veto"),
]


def _project(tmp_path: Path, database_url: str, site: ReplayServer) -> Project:
    documents = site.root / "api" / "GeneralCourts" / "999" / "Documents"
    (documents / "H1950.json").write_text(json.dumps(DOCUMENT), encoding="utf-8")
    (documents / "H1950").mkdir()
    rows = [{"Date": d, "Branch": b, "Action": a, "IsStricken": False} for d, b, a in HISTORY]
    (documents / "H1950" / "DocumentHistoryActions.json").write_text(json.dumps(rows))
    config = write_config(tmp_path, database_url, site.url, {"Made-up law": [(999, "H.1950")]})
    return Project(tmp_path, config, database_url)


def test_signed_bill_shows_its_law_everywhere(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = _project(tmp_path, database_url, site)
    project.run("crawl", check=True)
    url = f"{site.url}/Laws/SessionLaws/Acts/2026/Chapter12"
    law = {
        "chapter": 12,
        "year": 2026,
        "kind": "Acts",
        "citation": "Chapter 12 of the Acts of 2026",
        "url": url,
    }

    document = json.loads(project.run("status", "--format", "json", check=True).out)
    measure = document["measures"][0]
    assert (measure["stage"], measure["law"]) == ("signed", law)
    bill = measure["bills"][0]
    assert (bill["stage"], bill["law"]) == ("signed", law)
    assert bill["stage_reason"] == "signed in part by the Governor, Chapter 12 of the Acts of 2026"
    assert bill["stage_date"] == "2026-05-15"

    table = project.run("status", check=True).out
    assert "Made-up law — signed (live bill H.1950, Chapter 12 of the Acts of 2026)" in table
    assert f"note: H.1950: law: Chapter 12 of the Acts of 2026 ({url})" in table

    markdown = project.run("status", "--format", "markdown", check=True).out
    assert f"Law: [Chapter 12 of the Acts of 2026]({url})." in markdown
    assert f"law: [Chapter 12 of the Acts of 2026]({url})" in markdown

    history = project.run("history", "H.1950", check=True).out
    assert (
        "stage now: signed (signed in part by the Governor, Chapter 12 of the Acts of 2026)"
        in history
    )
    assert f"law: Chapter 12 of the Acts of 2026 {url}" in history
    as_json = json.loads(project.run("history", "H.1950", "--format", "json", check=True).out)
    assert as_json["law"] == law
    assert as_json["stage_now"] == {
        "stage": "signed",
        "reason": "signed in part by the Governor, Chapter 12 of the Acts of 2026",
        "date": "2026-05-15",
    }


def test_bill_not_yet_signed_has_no_law(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = _project(tmp_path, database_url, site)
    history = site.root / "api/GeneralCourts/999/Documents/H1950/DocumentHistoryActions.json"
    rows = json.loads(history.read_text())[:-2]  # laid before the Governor, not signed yet
    history.write_text(json.dumps(rows))
    project.run("crawl", check=True)
    document = json.loads(project.run("status", "--format", "json", check=True).out)
    bill = document["measures"][0]["bills"][0]
    assert (bill["stage"], bill["law"], document["measures"][0]["law"]) == ("enacted", None, None)
    assert "law:" not in project.run("history", "H.1950", check=True).out
