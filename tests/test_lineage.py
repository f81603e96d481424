"""Lineage end to end (court 999 fixtures through the replay server), and its pure parts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.items import HistoryAction
from crawler.replay import ReplayServer
from models.legislature.lineage import (
    ChainNode,
    Edge,
    chain_text,
    relations_from_actions,
    relations_from_document,
)

from .conftest import Project, run_cli, write_config


def project_for(
    tmp_path: Path,
    database_url: str,
    site: ReplayServer,
    measures: dict[str, list[tuple[int, str]]],
    extra: str = "",
) -> Project:
    config = write_config(tmp_path, database_url, site.url, measures, extra)
    return Project(tmp_path, config, database_url)


def status(project: Project) -> dict[str, Any]:
    return json.loads(project.run("status", "--format", "json", check=True).out)


def bills(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{b['court']}:{b['number']}": b for m in document["measures"] for b in m["bills"]}


def relation(bill: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(r for r in bill["relations"] if r["type"] == kind)


def test_new_draft_then_other_chamber_text_followed_within_depth(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = project_for(tmp_path, database_url, site, {"Drafts": [(999, "H.1001")]})
    result = project.run("crawl", check=True)
    assert "3 bills checked, 3 changed, 0 failed" in result.out
    document = status(project)
    measure = document["measures"][0]
    assert measure["stage"] == "passed_both"
    assert measure["live_bill"] == {"court": 999, "number": "H.1002"}
    assert measure["lineage"] == "H.1001 -> H.1002 (House) / S.1006 (Senate text)"
    found = bills(document)
    old, new, senate = found["999:H.1001"], found["999:H.1002"], found["999:S.1006"]
    assert old["stage"] == "replaced" and old["successor"] == {"court": 999, "number": "H.1002"}
    assert relation(old, "replaced_by") == {
        "type": "replaced_by", "court": 999, "number": "H.1002", "since": "2025-06-02",
    }  # fmt: skip
    assert new["role"] == "lineage" and new["found_via"] == "999:H.1001 replaced_by"
    assert relation(new, "replaces")["number"] == "H.1001"
    assert relation(new, "other_version")["number"] == "S.1006"
    assert senate["found_via"] == "999:H.1002 other_version"
    assert relation(senate, "other_version")["number"] == "H.1002"
    table = project.run("status", check=True).out
    assert "H.1002 (999) via lineage" in table


def test_unchanged_lineage_recrawl_fetches_nothing_more_and_writes_nothing(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = project_for(tmp_path, database_url, site, {"Drafts": [(999, "H.1001")]})
    project.run("crawl", check=True)
    first = len(site.requests)
    result = project.run("crawl", check=True)
    assert "3 bills checked, 0 changed, 0 failed" in result.out
    # One request per stored bill, its history; no document is fetched again.
    again = [r.path for r in site.requests[first:]]
    assert len(again) == 3
    assert all(path.endswith("/DocumentHistoryActions") for path in again)
    assert {p.removesuffix("/DocumentHistoryActions") for p in again} == {
        r.path for r in site.requests[:first] if "History" not in r.path
    }


@pytest.mark.parametrize(("depth", "fetched"), [(0, {"H1001"}), (1, {"H1001", "H1002"})])
def test_lineage_depth_bounds_what_is_fetched(
    tmp_path: Path, database_url: str, site: ReplayServer, depth: int, fetched: set[str]
) -> None:
    config = write_config(tmp_path, database_url, site.url, {"Drafts": [(999, "H.1001")]})
    text = config.read_text().replace(
        "[legislature]\n", f"[legislature]\nlineage_depth = {depth}\n"
    )
    config.write_text(text)
    Project(tmp_path, config, database_url).run("crawl", check=True)
    documents = {
        r.path.split("/")[-1] for r in site.requested("/Documents/") if "History" not in r.path
    }
    assert documents == fetched


def test_docket_that_became_a_bill(tmp_path: Path, database_url: str, site: ReplayServer) -> None:
    project = project_for(tmp_path, database_url, site, {"Docket": [(999, "HD.2001")]})
    project.run("crawl", check=True)
    measure = status(project)["measures"][0]
    bill = measure["bills"][0]
    assert (bill["number"], bill["docket"]) == ("H.2002", "HD.2001")
    assert relation(bill, "bill_of")["number"] == "HD.2001"
    assert measure["lineage"] == "H.2002"


def test_study_order_ends_a_bill_and_is_not_followed(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = project_for(tmp_path, database_url, site, {"Studied": [(999, "H.1004")]})
    project.run("crawl", check=True)
    measure = status(project)["measures"][0]
    bill = measure["bills"][0]
    assert bill["stage"] == "sent_to_study"
    assert relation(bill, "study_order") == {
        "type": "study_order", "court": 999, "number": "H.1005", "since": "2025-08-01",
    }  # fmt: skip
    assert not site.requested("/H1005")
    assert measure["stage"] == "dead"
    assert measure["dead_reason"] == (
        "every bill is dead; the last, H.1004 (999): sent to study (H1005) on 2025-08-01"
        " (Accompanied a study order, see H1005)"
    )


def test_a_measure_whose_bills_all_died(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    measures = {"Abandoned": [(999, "H.1007"), (999, "S.1008")]}
    project = project_for(tmp_path, database_url, site, measures)
    project.run("crawl", check=True)
    measure = status(project)["measures"][0]
    assert measure["stage"] == "dead" and measure["live_bill"] is None
    # The last to die names the measure's fate: S.1008 went to a study order on 2025-10-01.
    assert measure["dead_reason"].startswith("every bill is dead; the last, S.1008 (999): ")
    assert measure["dead_reason"].endswith("on 2025-10-01 (Accompanied a study order, see S1009)")
    stages = {b["number"]: (b["stage"], b["dead_reason"]) for b in measure["bills"]}
    assert stages["H.1007"] == ("dead", "no further action taken")
    table = project.run("status", check=True).out
    assert "Abandoned — dead (every bill is dead; the last, S.1008 (999)" in table


def test_refile_found_in_the_next_session_text(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    measures = {"Refiled": [(998, "S.12"), (999, "S.1010")]}
    project = project_for(tmp_path, database_url, site, measures)
    project.run("crawl", check=True)
    document = status(project)
    found = bills(document)
    old, new = found["998:S.12"], found["999:S.1010"]
    assert relation(new, "refile_of") == {
        "type": "refile_of", "court": 998, "number": "S.12", "since": "2025-01-20",
    }  # fmt: skip
    assert relation(old, "refiled_as")["number"] == "S.1010"
    assert old["stage"] == "dead" and old["successor"] == {"court": 999, "number": "S.1010"}
    measure = document["measures"][0]
    assert measure["lineage"] == "S.12 (998, dead) -> S.1010 (999)"
    assert measure["live_bill"] == {"court": 999, "number": "S.1010"}
    history = project.run("history", "S.12", check=True).out
    assert "refiled_as S.1010 (999)" in history


def test_demo_shows_the_protect_act_chain_and_the_successor_of_s997(tmp_path: Path) -> None:
    run_cli("demo", "--dir", str(tmp_path), check=True)
    out = run_cli("--config", str(tmp_path / "config.toml"), "status", "--format", "json").out
    measures = {m["name"]: m for m in json.loads(out)["measures"]}
    protect = measures["PROTECT Act"]
    assert protect["live_bill"] == {"court": 194, "number": "H.5316"}
    assert protect["lineage"] == "HD.5608; H.5316 (House) / S.3072 (Senate text) -> conference"
    gomez = measures["Gomez 287(g) limits (S.997, refiled as S.1122)"]
    s997 = gomez["bills"][0]
    assert (s997["number"], s997["stage"]) == ("S.997", "dead")
    assert s997["dead_reason"].startswith("session ended")
    assert s997["successor"] == {"court": 194, "number": "S.1122"}
    assert gomez["live_bill"] == {"court": 194, "number": "S.1122"}
    h1588 = next(b for b in gomez["bills"] if b["number"] == "H.1588")
    assert h1588["role"] == "companion"
    assert relation(h1588, "companion")["number"] == "S.1122"
    assert all(b["session_note"] for b in protect["bills"])  # 194th, after July 31, 2026


def test_diff_between_snapshots(tmp_path: Path, database_url: str, site: ReplayServer) -> None:
    project = project_for(tmp_path, database_url, site, {"Senate": [(999, "S.1003")]})
    project.run("crawl", check=True)
    path = site.root / "api/GeneralCourts/999/Documents/S1003/DocumentHistoryActions.json"
    rows = json.loads(path.read_text())
    action = "Read third and passed to be engrossed"
    rows.append(
        {"Date": "2025-06-12T11:00", "Branch": "House", "Action": action, "IsStricken": False}
    )
    path.write_text(json.dumps(rows))
    project.run("crawl", check=True)
    out = project.run("diff", "S.1003", check=True).out
    assert "stage: passed_senate -> passed_both" in out
    assert "+ 2025-06-12 House: Read third and passed to be engrossed" in out
    assert project.run("diff", "S.1003", "--to", "2000-01-01").code == 2


# --- pure parts --------------------------------------------------------------------------------

T = datetime(2025, 1, 1, tzinfo=UTC)
ROWS = [
    ("Accompanied a new draft, see H5031", "replaced_by", "H.5031"),
    ("Accompanied a study order, see H5183", "study_order", "H.5183"),
    ("Accompanied by S2028", "accompanied_by", "S.2028"),
    (
        "Passed to be engrossed with an amendment striking out all after the enacting clause and "
        "inserting in place thereof the text contained in Senate document numbered 3072",
        "other_version",
        "S.3072",
    ),
    ("Read second and ordered to a third reading", None, None),
]


@pytest.mark.parametrize(("text", "kind", "number"), ROWS)
def test_relations_from_rows(text: str, kind: str | None, number: str | None) -> None:
    found = relations_from_actions(192, [HistoryAction(T, "House", text)])
    assert [(r.type, r.court, r.number) for r in found] == ([(kind, 192, number)] if kind else [])


def test_relations_from_document() -> None:
    text = "[SIMILAR MATTER FILED IN PREVIOUS SESSION SEE SENATE, NO. 997 OF 2023-2024.]"
    found = relations_from_document(194, "S.1122", "SD.1107", [None, text], T)
    assert {(r.type, r.court, r.number) for r in found} == {
        ("bill_of", 194, "SD.1107"),
        ("refile_of", 193, "S.997"),
    }


def test_chain_text_groups_versions_and_names_the_tail() -> None:
    nodes = [
        ChainNode(999, "HD.1", "in_committee"),
        ChainNode(999, "H.2", "replaced"),
        ChainNode(999, "H.3", "in_conference"),
        ChainNode(999, "S.4", "passed_senate"),
    ]
    edges = [
        Edge("999:H.2", "bill_of", "999:HD.1"),
        Edge("999:H.2", "replaced_by", "999:H.3"),
        Edge("999:H.3", "other_version", "999:S.4", "text contained in Senate document numbered 4"),
    ]
    assert (
        chain_text(nodes, edges, "999:H.3")
        == "HD.1 -> H.2 -> H.3 (House) / S.4 (Senate text) -> conference"
    )
