"""End to end: the real `legistrack crawl` against the local replay server, into a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from crawler.replay import Canned, ReplayServer
from models.storage.db import make_engine, session_scope
from models.storage.schema import Bill, CrawlError, CrawlRun, Snapshot

from .conftest import Project, write_config


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with session_scope(engine) as s:
        result = {
            "bills": s.scalar(select(func.count()).select_from(Bill)) or 0,
            "snapshots": s.scalar(select(func.count()).select_from(Snapshot)) or 0,
            "runs": s.scalar(select(func.count()).select_from(CrawlRun)) or 0,
        }
    engine.dispose()
    return result


def snapshots_of(url: str, court: int, number: str) -> list[Snapshot]:
    engine = make_engine(url)
    with session_scope(engine) as s:
        bill = s.scalars(select(Bill).where(Bill.court == court, Bill.number == number)).one()
        rows = list(s.scalars(select(Snapshot).where(Snapshot.bill_id == bill.id)))
    engine.dispose()
    return rows


def status(project: Project) -> dict[str, dict[str, object]]:
    result = project.run("status", "--format", "json", check=True)
    document = json.loads(result.out)
    return {f"{b['court']}:{b['number']}": b for m in document["measures"] for b in m["bills"]}


def test_first_crawl_stores_every_bill(project: Project) -> None:
    result = project.run("crawl", check=True)
    # 3 configured bills, and by lineage H.1002 (new draft of H.1001) and S.1006 (its Senate text)
    assert "legislature: 5 bills checked, 5 changed, 0 failed" in result.out
    assert counts(project.database_url) == {"bills": 5, "snapshots": 5, "runs": 1}
    bills = status(project)
    assert bills["999:H.1001"]["stage"] == "replaced"
    assert bills["999:S.1003"]["stage"] == "passed_senate"
    assert bills["999:S.1003"]["stage_date"] == "2025-05-01"


def test_unchanged_recrawl_adds_no_snapshot_but_records_the_check(project: Project) -> None:
    project.run("crawl", check=True)
    first = status(project)
    result = project.run("crawl", check=True)
    assert "5 bills checked, 0 changed, 0 failed" in result.out
    assert counts(project.database_url) == {"bills": 5, "snapshots": 5, "runs": 2}
    second = status(project)
    for key, bill in second.items():
        assert bill["checked_at"] > first[key]["checked_at"], key
        assert bill["changed_at"] == first[key]["changed_at"], key


def test_changed_history_adds_exactly_one_snapshot_for_that_bill(
    project: Project, site: ReplayServer
) -> None:
    project.run("crawl", check=True)
    path = site.root / "api/GeneralCourts/999/Documents/S1003/DocumentHistoryActions.json"
    rows = json.loads(path.read_text())
    rows.append(
        {
            "Date": "2025-06-12T11:00:00",
            "Branch": "House",
            "Action": "Read third and passed to be engrossed",
            "IsStricken": False,
        }
    )
    path.write_text(json.dumps(rows))
    result = project.run("crawl", check=True)
    assert "5 bills checked, 1 changed, 0 failed" in result.out
    assert counts(project.database_url)["snapshots"] == 6
    assert len(snapshots_of(project.database_url, 999, "S.1003")) == 2
    assert len(snapshots_of(project.database_url, 999, "H.1001")) == 1
    assert status(project)["999:S.1003"]["stage"] == "passed_both"
    history = project.run("history", "S1003", check=True).out
    assert "+ 2025-06-12 House: Read third and passed to be engrossed" in history


def test_api_500_falls_back_to_the_html_page_with_the_same_stage(
    project: Project, site: ReplayServer
) -> None:
    project.run("crawl", check=True)
    before = status(project)["999:H.1001"]
    # A re-crawl asks the API for the stored bill's history first: that is what fails.
    history = "/api/GeneralCourts/999/Documents/H1001/DocumentHistoryActions"
    site.overrides[history] = Canned(500, b"Server Error")
    result = project.run("crawl", check=True)
    assert "1 read from HTML pages" in result.out
    assert site.requested("/Bills/999/H1001/BillHistory?pageNumber=1")
    fragment = site.requested("/BillHistory")[-1]
    assert fragment.headers.get("X-Requested-With") == "XMLHttpRequest"
    after = status(project)["999:H.1001"]
    assert after["stage"] == before["stage"] == "replaced"
    # Same record from the second source: no spurious snapshot, title and docket kept.
    assert len(snapshots_of(project.database_url, 999, "H.1001")) == 1
    assert after["title"] == before["title"]


def test_html_fallback_alone_reads_a_paginated_history(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """192 H.3190 has no API document in the replay: its two HTML history pages are read."""
    config = write_config(tmp_path, database_url, site.url, {"Real bill": [(192, "H.3190")]})
    project = Project(tmp_path, config, database_url)
    result = project.run("crawl", check=True)
    assert "1 bills checked, 1 changed, 0 failed, 1 read from HTML pages" in result.out
    bill = status(project)["192:H.3190"]
    assert bill["stage"] == "signed"
    assert bill["stage_date"] == "2022-04-29"
    assert bill["last_action"] == {
        "date": "2022-04-29",
        "branch": "Executive",
        "text": "Signed by the Governor, Chapter 54 of the Acts of 2022",
    }
    assert bill["title"] is None  # the page shows none; never invented
    assert {"type": "accompanied_by", "court": 192, "number": "S.2028", "since": "2022-04-21"} in (
        bill["relations"]
    )


def test_404_is_a_recorded_failure_and_the_others_are_saved(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    measures = {"Made-up": [(999, "S.1003"), (999, "H.1999")]}
    config = write_config(tmp_path, database_url, site.url, measures)
    project = Project(tmp_path, config, database_url)
    result = project.run("crawl")
    assert result.code == 2
    assert "2 bills checked, 1 changed, 1 failed" in result.out
    failed = [line for line in result.err.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1
    assert failed[0].startswith("FAILED 999:H.1999: API: HTTP 404 at ")
    assert "HTML page: HTTP 404" in failed[0]
    assert "Traceback" not in result.err
    bills = status(project)
    assert bills["999:S.1003"]["stage"] == "passed_senate"
    assert bills["999:H.1999"]["stage"] is None
    engine = make_engine(database_url)
    with session_scope(engine) as s:
        errors = list(s.scalars(select(CrawlError)))
        run = s.scalars(select(CrawlRun)).one()
        assert [e.subject for e in errors] == ["999:H.1999"]
        assert run.status == "partial"
    engine.dispose()


def test_a_docket_with_a_bill_number_is_tracked_under_both(project: Project) -> None:
    project.run("crawl", check=True)
    bill = status(project)["999:H.2002"]
    assert bill["docket"] == "HD.2001"
    assert bill["stage"] == "reported_favorably"
    by_docket = project.run("history", "HD 2001", check=True).out
    by_number = project.run("history", "H2002", check=True).out
    assert by_docket == by_number
    assert "docket HD.2001" in by_number


def test_stricken_rows_are_skipped_and_rows_sorted(project: Project) -> None:
    project.run("crawl", check=True)
    snapshot = snapshots_of(project.database_url, 999, "S.1003")[0]
    actions = json.loads(snapshot.content)["actions"]
    assert len(actions) == 4  # five rows, one stricken
    assert [a["date"][:10] for a in actions] == sorted(a["date"][:10] for a in actions)


def test_empty_history_where_there_was_one_is_a_failure_not_a_change(
    project: Project, site: ReplayServer
) -> None:
    project.run("crawl", check=True)
    site.overrides["/api/GeneralCourts/999/Documents/S1003/DocumentHistoryActions"] = Canned(
        200, b"[]", {"Content-Type": "application/json"}
    )
    result = project.run("crawl")
    assert result.code == 2
    assert "FAILED 999:S.1003: api returned an empty history" in result.err
    assert len(snapshots_of(project.database_url, 999, "S.1003")) == 1
    assert status(project)["999:S.1003"]["stage"] == "passed_senate"


def test_html_error_page_with_status_200_from_the_api_is_not_data(
    project: Project, site: ReplayServer
) -> None:
    site.overrides["/api/GeneralCourts/999/Documents/S1003"] = Canned(
        200,
        b"<!DOCTYPE html><html><body>Service unavailable</body></html>",
        {"Content-Type": "text/html"},
    )
    result = project.run("crawl")
    assert result.code == 2
    line = next(x for x in result.err.splitlines() if x.startswith("FAILED 999:S.1003"))
    assert "expected JSON, got an HTML page" in line
    assert "HTML page: HTTP 404" in line  # the replay has no bill page for S.1003


def test_retries_wait_as_retry_after_asks_then_read_the_api(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    extra = "retry_backoff = 0.2\nretry_backoff_max = 5.0\n"
    config = write_config(tmp_path, database_url, site.url, {"M": [(999, "S.1003")]}, extra)
    config.write_text(config.read_text().replace("retry_times = 0", "retry_times = 2"))
    path = "/api/GeneralCourts/999/Documents/S1003"
    site.overrides[path] = Canned(503, b"busy", {"Retry-After": "1"}, times=1)
    site.overrides[path + "/DocumentHistoryActions"] = Canned(502, b"bad gateway", times=1)
    result = Project(tmp_path, config, database_url).run("crawl", check=True)
    assert "1 bills checked, 1 changed, 0 failed" in result.out
    assert "HTML" not in result.out  # read from the API after the retries
    documents = [r for r in site.requested(path) if r.path == path]
    histories = site.requested(path + "/DocumentHistoryActions")
    assert len(documents) == 2 and len(histories) == 2
    assert documents[1].at - documents[0].at >= 0.9  # Retry-After: 1 was honoured
    assert histories[1].at - histories[0].at >= 0.15  # no Retry-After: the 0.2 s backoff


def test_retries_give_up_and_the_failure_is_recorded(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    extra = "retry_backoff = 0.05\nhtml_fallback = false\n"
    config = write_config(tmp_path, database_url, site.url, {"M": [(999, "S.1003")]}, extra)
    config.write_text(config.read_text().replace("retry_times = 0", "retry_times = 2"))
    path = "/api/GeneralCourts/999/Documents/S1003"
    site.overrides[path] = Canned(500, b"error")
    result = Project(tmp_path, config, database_url).run("crawl")
    assert result.code == 2
    assert len([r for r in site.requested(path) if r.path == path]) == 3  # first try + 2 retries
    assert "FAILED 999:S.1003: API: HTTP 500 at" in result.err
    assert "(HTML fallback is off)" in result.err


def test_scrapy_crawl_works_from_the_project_folder(project: Project) -> None:
    """scrapy.cfg makes `scrapy crawl legislature` use the project's settings and config."""
    root = Path(__file__).parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    env["LEGISTRACK_CONFIG"] = str(project.config)
    scrapy = Path(sys.executable).parent / "scrapy"
    proc = subprocess.run(
        [str(scrapy), "crawl", "legislature", "-s", "LOG_LEVEL=WARNING", "-s", "ROBOTSTXT_OBEY=0"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert counts(project.database_url)["bills"] == 5
