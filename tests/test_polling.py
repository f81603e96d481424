"""Spending requests where change can be: track_all, conditional requests, history-first reads,
and the polling policy (dormant and final bills), end to end through the replay server."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.parsers.api import parse_document_list
from crawler.parsers.errors import ParseError
from crawler.replay import Canned, ReplayServer
from models.config import ConfigError, parse_config
from models.legislature.numbers import BillRef
from models.legislature.polling import (
    POLL,
    SKIP_DORMANT,
    SKIP_FINAL,
    KnownBill,
    PollPolicy,
    decide,
    named_bills,
)
from models.storage.db import make_engine, session_scope
from models.storage.schema import CrawlRun, ListedDocument, Snapshot

from .conftest import Project, write_config

LISTED = 8  # documents in tests/fixtures/site/api/GeneralCourts/999/Documents.json
API = "/api/GeneralCourts/999/Documents"
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


# --- the policy, table-driven --------------------------------------------------------------


def known(court: int = 999, checked: datetime | None = NOW, last_action: datetime | None = None):
    return KnownBill(
        1, court, "H.1", None, "t", "hash", None, None, last_action, checked, followed=()
    )


DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
POLICY = PollPolicy(dormant_after_days=30, dormant_every_hours=24)


@pytest.mark.parametrize(
    ("bill", "policy", "expected"),
    [
        (known(checked=None), POLICY, POLL),  # never read
        (known(last_action=NOW - 2 * DAY, checked=NOW - HOUR), POLICY, POLL),
        (known(last_action=NOW - 40 * DAY, checked=NOW - HOUR), POLICY, SKIP_DORMANT),
        (known(last_action=NOW - 40 * DAY, checked=NOW - 2 * DAY), POLICY, POLL),  # due again
        (known(last_action=NOW - 40 * DAY, checked=NOW - HOUR), PollPolicy(30, 0), POLL),
        (known(last_action=None, checked=NOW - HOUR), POLICY, POLL),
        # the 193rd General Court ended on 2025-01-01: read after that, its record is final
        (known(court=193, checked=datetime(2025, 3, 1, tzinfo=UTC)), POLICY, SKIP_FINAL),
        (known(court=193, checked=datetime(2025, 3, 1, tzinfo=UTC)), PollPolicy(30, 0), SKIP_FINAL),
        # read before it ended: once more, to see its final record
        (known(court=193, checked=datetime(2024, 12, 1, tzinfo=UTC)), POLICY, POLL),
        (known(court=194, checked=NOW - HOUR, last_action=NOW - DAY), POLICY, POLL),
    ],
)  # fmt: skip
def test_decide(bill: KnownBill, policy: PollPolicy, expected: str) -> None:
    assert decide(bill, policy, NOW).action == expected


def test_a_named_bill_is_never_dormant() -> None:
    quiet = known(last_action=NOW - 40 * DAY, checked=NOW - HOUR)
    assert decide(quiet, POLICY, NOW, dormancy=False).action == POLL
    ended = known(court=193, checked=datetime(2025, 3, 1, tzinfo=UTC))
    assert decide(ended, POLICY, NOW, dormancy=False).action == SKIP_FINAL


def test_named_bills_follow_the_line_to_its_end_and_side_steps_within_depth() -> None:
    def bill(number: str, *links: tuple[str, str]) -> KnownBill:
        followed = tuple((kind, 999, target) for kind, target in links)
        return KnownBill(1, 999, number, None, "t", "h", None, None, None, NOW, followed=followed)

    line = [("H.1", [("replaced_by", "H.2")]), ("H.2", [("reported_by", "H.3")]),
            ("H.3", [("other_version", "S.4")]), ("S.4", [("amendment_text", "S.5")])]  # fmt: skip
    stored = {BillRef(999, n): bill(n, *links) for n, links in line}
    one = named_bills([BillRef(999, "H.1")], stored, 1)
    assert one == {BillRef(999, n) for n in ("H.1", "H.2", "H.3", "S.4")}
    assert BillRef(999, "S.5") in named_bills([BillRef(999, "H.1")], stored, 2)
    assert named_bills([BillRef(999, "H.1")], stored, 0) == {BillRef(999, "H.1")}


def test_a_bill_never_hashed_is_always_read() -> None:
    bill = known(court=193, checked=datetime(2025, 3, 1, tzinfo=UTC))
    unhashed = KnownBill(*[getattr(bill, f) for f in bill.__dataclass_fields__][:5], None,
                         None, None, None, bill.last_checked_at)  # fmt: skip
    assert decide(unhashed, POLICY, NOW).action == POLL


# --- config and the list parser ----------------------------------------------------------


def test_config_reads_track_all_and_the_policy() -> None:
    config = parse_config(
        {
            "legislature": {
                "track_all": [194, 194],
                "track_all_keywords": ["immigration"],
                "dormant_after_days": 14,
                "dormant_every_hours": 6,
            }
        },
        None,
    )
    assert config.legislature.track_all == (194,)
    assert config.legislature.track_all_keywords == ("immigration",)
    assert config.legislature.polling == PollPolicy(14, 6.0)


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ({"track_all": 194}, "legislature.track_all: expected an array of General Court numbers"),
        ({"track_all": ["194"]}, "legislature.track_all: expected an array"),
        ({"track_all_keywords": "x"}, "legislature.track_all_keywords: expected an array"),
        ({"dormant_after_days": 0}, "legislature.dormant_after_days: expected 1 or more"),
        ({"dormant_every_hours": -1}, "legislature.dormant_every_hours: expected a number"),
    ],
)
def test_config_errors_name_the_key(table: dict[str, object], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        parse_config({"legislature": table}, Path("config.toml"))


def test_document_list_parser() -> None:
    body = json.dumps(
        [
            {"BillNumber": "H1", "DocketNumber": "HD9", "Title": "A", "GeneralCourtNumber": 999},
            {"BillNumber": None, "DocketNumber": "SD4", "Title": "B", "GeneralCourtNumber": 999},
            {"BillNumber": "nonsense", "DocketNumber": None, "GeneralCourtNumber": 999},
            {"BillNumber": "S7", "GeneralCourtNumber": 998},
        ]
    )
    summaries, problems = parse_document_list(body, "u", 999)
    assert [(s.number, s.docket_number, s.title) for s in summaries] == [
        ("H.1", "HD.9", "A"),
        ("SD.4", "SD.4", "B"),
    ]
    assert len(problems) == 2 and "entry 2" in problems[0] and "court 998" in problems[1]
    for garbage in ("[]", "{}", "<html>", '[{"Title": "no numbers"}]'):
        with pytest.raises(ParseError):
            parse_document_list(garbage, "u", 999)


# --- end to end ------------------------------------------------------------------------------


def court_project(tmp_path: Path, database_url: str, site: ReplayServer, extra: str = "",
                  measures: dict[str, list[tuple[int, str]]] | None = None,
                  dormant_every_hours: float = 0) -> Project:  # fmt: skip
    config = write_config(
        tmp_path, database_url, site.url, measures or {}, dormant_every_hours=dormant_every_hours
    )
    body = config.read_text().replace("[legislature]\n", f"[legislature]\n{extra}", 1)
    config.write_text(body)
    return Project(tmp_path, config, database_url)


def set_dormancy(project: Project, before: float, after: float) -> None:
    old, new = f"dormant_every_hours = {before}\n", f"dormant_every_hours = {after}\n"
    text = project.config.read_text()
    assert old in text
    project.config.write_text(text.replace(old, new))


def last_run(url: str) -> CrawlRun:
    engine = make_engine(url)
    with session_scope(engine) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None
        session.expunge(run)
    engine.dispose()
    return run


def snapshot_count(url: str) -> int:
    engine = make_engine(url)
    with session_scope(engine) as session:
        count = session.scalar(select(func.count()).select_from(Snapshot)) or 0
    engine.dispose()
    return count


def since(site: ReplayServer, start: int) -> list[tuple[str, dict[str, str]]]:
    return [(r.path, r.headers) for r in site.requests[start:]]


def test_track_all_reads_every_listed_document_once(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = court_project(
        tmp_path, database_url, site, "track_all = [999]\n", {"M": [(999, "H.1001")]}
    )
    result = project.run("crawl", "--no-check", check=True)
    assert f"legislature: {LISTED} bills checked, {LISTED} changed, 0 failed" in result.out
    paths = [r.path for r in site.requests]
    assert paths.count(API) == 1
    assert paths.count(f"{API}/H1001") == 1  # configured and listed: read once
    status = json.loads(project.run("status", "--format", "json", check=True).out)
    listed = {f"{b['court']}:{b['number']}" for b in status["bills"]}
    assert "999:S.1010" in listed and "999:H.1001" not in listed  # H.1001 is the measure's


def test_track_all_keywords_keep_only_matching_titles(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    extra = 'track_all = [999]\ntrack_all_keywords = ["ABANDONED"]\n'
    project = court_project(tmp_path, database_url, site, extra)
    result = project.run("crawl", "--no-check", check=True)
    assert "legislature: 2 bills checked, 2 changed" in result.out  # H.1007 and S.1008
    documents = {r.path for r in site.requests if "History" not in r.path and r.path != API}
    assert documents == {f"{API}/H1007", f"{API}/S1008"}


def test_a_broken_list_is_a_recorded_failure_and_configured_bills_are_still_read(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = court_project(
        tmp_path, database_url, site, "track_all = [999]\n", {"M": [(999, "S.1003")]}
    )
    site.overrides[API] = Canned(200, b"<!DOCTYPE html><html>down</html>", {})
    result = project.run("crawl", "--no-check")
    assert result.code == 2
    assert "FAILED list 999: " in result.err
    assert "2 bills checked, 1 changed, 1 failed" in result.out  # the list counts as failed
    assert last_run(project.database_url).status == "partial"


@pytest.mark.parametrize(
    ("validators", "header"),
    [("both", "If-None-Match"), ("etag", "If-None-Match"), ("last-modified", "If-Modified-Since")],
)
def test_unchanged_recrawl_revalidates_and_writes_nothing(
    tmp_path: Path, database_url: str, site: ReplayServer, validators: str, header: str
) -> None:
    site.validators = validators
    project = court_project(tmp_path, database_url, site, "track_all = [999]\n")
    project.run("crawl", "--no-check", check=True)
    snapshots, start = snapshot_count(project.database_url), len(site.requests)
    result = project.run("crawl", "--no-check", check=True)
    assert f"{LISTED} bills checked, 0 changed, 0 failed, {LISTED} unchanged by 304" in result.out
    asked = since(site, start)
    assert len(asked) == LISTED + 1  # the list, then one conditional request per document
    histories = [(p, h) for p, h in asked if p.endswith("/DocumentHistoryActions")]
    assert len(histories) == LISTED and all(header in h for _, h in histories)
    assert snapshot_count(project.database_url) == snapshots
    run = last_run(project.database_url)
    assert (run.checked, run.changed, run.not_modified, run.status) == (LISTED, 0, LISTED, "ok")
    # `sources` tells an operator whether the site sends validators (measured, not assumed).
    etags = LISTED if validators in ("both", "etag") else 0
    dates = LISTED if validators in ("both", "last-modified") else 0
    sources = project.run("sources", check=True).out
    assert f"an ETag for {etags} and a Last-Modified for {dates} of them" in sources


def test_without_validators_only_histories_are_read_again(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = court_project(tmp_path, database_url, site, "track_all = [999]\n")
    project.run("crawl", "--no-check", check=True)
    snapshots, start = snapshot_count(project.database_url), len(site.requests)
    result = project.run("crawl", "--no-check", check=True)
    assert f"{LISTED} bills checked, 0 changed, 0 failed (run 2, ok)" in result.out
    asked = [p for p, h in since(site, start)]
    assert asked.count(API) == 1
    assert sum(p.endswith("/DocumentHistoryActions") for p in asked) == LISTED
    assert len(asked) == LISTED + 1  # no document fetched again
    assert not any("If-None-Match" in h or "If-Modified-Since" in h for _, h in since(site, start))
    assert snapshot_count(project.database_url) == snapshots
    sources = project.run("sources", check=True).out
    assert (
        f"{LISTED} bills stored; the source sent an ETag for 0 and a Last-Modified for 0" in sources
    )


def test_a_changed_history_fetches_the_document_and_writes_one_snapshot(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    site.validators = "both"
    project = court_project(tmp_path, database_url, site, "track_all = [999]\n")
    project.run("crawl", "--no-check", check=True)
    snapshots, start = snapshot_count(project.database_url), len(site.requests)
    history = site.root / "api/GeneralCourts/999/Documents/S1003/DocumentHistoryActions.json"
    rows = json.loads(history.read_text())
    passed = "Read third and passed to be engrossed"
    rows.append({"Date": "2025-06-12T11:00:00", "Branch": "House", "Action": passed})
    history.write_text(json.dumps(rows))
    later = time.time() + 5  # Last-Modified has one-second resolution
    os.utime(history, (later, later))
    result = project.run("crawl", "--no-check", check=True)
    assert (
        f"{LISTED} bills checked, 1 changed, 0 failed, {LISTED - 1} unchanged by 304" in result.out
    )
    asked = [p for p, _ in since(site, start)]
    assert f"{API}/S1003" in asked and len(asked) == LISTED + 2  # + S.1003's document
    assert snapshot_count(project.database_url) == snapshots + 1


def test_dormant_bills_are_not_read_again_until_due(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """Court 999's fixtures act in 2025: dormant. One bill made active (an action yesterday).
    The policy is for bills tracked court-wide: H.1007 and S.1008 come from `track_all`."""
    history = site.root / "api/GeneralCourts/999/Documents/S1003/DocumentHistoryActions.json"
    rows = json.loads(history.read_text())
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    rows.append(
        {"Date": yesterday, "Branch": "Senate", "Action": "Reconsidered", "IsStricken": False}
    )
    history.write_text(json.dumps(rows))
    measures = {"M": [(999, "S.1003")]}
    extra = 'track_all = [999]\ntrack_all_keywords = ["abandoned"]\n'
    project = court_project(tmp_path, database_url, site, extra, measures=measures,
                            dormant_every_hours=24)  # fmt: skip
    project.run("crawl", "--no-check", check=True)
    start = len(site.requests)
    result = project.run("crawl", "--no-check", check=True)
    assert "1 bills checked, 0 changed, 0 failed, 2 not due (polling policy)" in result.out
    # The tracked bill and the court list are asked for concurrently: order is not promised.
    assert sorted(p for p, _ in since(site, start)) == [API, f"{API}/S1003/DocumentHistoryActions"]
    run = last_run(project.database_url)
    assert (run.checked, run.skipped, run.status) == (1, 2, "ok")
    # An operator who turns the policy off gets every bill read on every crawl.
    set_dormancy(project, 24, 0)
    result = project.run("crawl", "--no-check", check=True)
    assert "3 bills checked, 0 changed, 0 failed (run 3, ok)" in result.out


def test_a_bill_of_an_ended_court_is_not_read_again(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """192 H.3190 (real; signed in 2022) is read once from its HTML pages, then never again."""
    project = court_project(tmp_path, database_url, site, measures={"Real": [(192, "H.3190")]})
    project.run("crawl", "--no-check", check=True)
    start = len(site.requests)
    result = project.run("crawl", "--no-check", check=True)
    assert "0 bills checked, 0 changed, 0 failed, 1 not due (polling policy)" in result.out
    assert since(site, start) == []
    assert last_run(project.database_url).status == "ok"  # nothing read is not a failure here
    status = json.loads(project.run("status", "--format", "json", check=True).out)
    assert status["measures"][0]["bills"][0]["stage"] == "signed"


def test_bills_reached_by_lineage_are_followed_from_stored_relations(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """H.1001 -> new draft H.1002 -> Senate text S.1006: a 304 or a skip still follows them."""
    site.validators = "etag"
    measures = {"Drafts": [(999, "H.1001")]}
    project = court_project(tmp_path, database_url, site, measures=measures)
    project.run("crawl", "--no-check", check=True)
    start = len(site.requests)
    result = project.run("crawl", "--no-check", check=True)
    assert "3 bills checked, 0 changed, 0 failed, 3 unchanged by 304" in result.out
    assert {p.split("/")[-2] for p, _ in since(site, start)} == {"H1001", "H1002", "S1006"}
    # A measure's bills and their lineage are read on every crawl, dormant or not.
    set_dormancy(project, 0, 24)
    result = project.run("crawl", "--no-check", check=True)
    assert "3 bills checked, 0 changed, 0 failed, 3 unchanged by 304" in result.out


def test_committee_filter_judges_each_listed_document_once(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """Court 999's fixtures: H.1001 and H.1004 go to the Judiciary; S.1006 was never referred."""
    extra = 'track_all = [999]\ntrack_all_committees = ["judiciary"]\nlineage_depth = 0\n'
    project = court_project(tmp_path, database_url, site, extra, dormant_every_hours=24)
    result = project.run("crawl", "--no-check", check=True)
    assert "legislature: 2 bills checked, 2 changed, 0 failed" in result.out
    asked = [r.path for r in site.requests]
    assert sum(p.endswith("/DocumentHistoryActions") for p in asked) == LISTED
    assert sorted(p for p in asked if p.startswith(f"{API}/") and "History" not in p) == [
        f"{API}/H1001",
        f"{API}/H1004",
    ]
    status = json.loads(project.run("status", "--format", "json", check=True).out)
    assert sorted(b["number"] for b in status["bills"]) == ["H.1001", "H.1004"]
    engine = make_engine(project.database_url)
    with session_scope(engine) as session:
        judged = {
            row.number: (row.in_scope, row.reason)
            for row in session.scalars(select(ListedDocument))
        }
    engine.dispose()
    assert judged["H.1001"] == (True, "referred to the committee on Judiciary")
    assert judged["H.1002"] == (False, "referred only to House Ways and Means")
    assert judged["S.1006"][0] is None
    assert len(judged) == LISTED
    # Next crawl: the stored bills are dormant (2025 actions), the outside ones were judged an
    # hour ago; only the list and the never-referred S.1006 are read.
    start = len(site.requests)
    result = project.run("crawl", "--no-check", check=True)
    assert "0 bills checked, 0 changed, 0 failed, 2 not due (polling policy)" in result.out
    assert [p for p, _ in since(site, start)] == [API, f"{API}/S1006/DocumentHistoryActions"]


def test_a_stored_bill_listed_under_a_new_title_is_read_whole(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    site.validators = "both"
    project = court_project(tmp_path, database_url, site, "track_all = [999]\n")
    project.run("crawl", "--no-check", check=True)
    snapshots, start = snapshot_count(project.database_url), len(site.requests)
    new_title = "An Act relative to constructed Senate business (title changed)"
    for path in (
        "api/GeneralCourts/999/Documents.json",
        "api/GeneralCourts/999/Documents/S1003.json",
    ):
        file = site.root / path
        file.write_text(file.read_text().replace("constructed Senate business", new_title[19:]))
    result = project.run("crawl", "--no-check", check=True)
    assert (
        f"{LISTED} bills checked, 1 changed, 0 failed, {LISTED - 1} unchanged by 304" in result.out
    )
    history = [h for p, h in since(site, start) if p == f"{API}/S1003/DocumentHistoryActions"]
    assert len(history) == 1 and "If-None-Match" not in history[0]  # read whole, not revalidated
    assert f"{API}/S1003" in [p for p, _ in since(site, start)]
    assert snapshot_count(project.database_url) == snapshots + 1
    status = json.loads(project.run("status", "--format", "json", check=True).out)
    assert {b["number"]: b["title"] for b in status["bills"]}["S.1003"] == new_title
