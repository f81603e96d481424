"""Hostile data, end to end (issue 15, items 1-3 and 10): a history that loses rows, dates that
cannot be true, a feed that is not well-formed, and pages that ask for too much. Real spiders
over the fault-injecting replay server, a real database, the real `legistrack` command.

Every document served here is CONSTRUCTED for the test (made-up court 999 bills, made-up feed
entries and orders), in the real wording and markup the fixtures README describes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.replay import Canned, ReplayServer

from . import test_faults as faults
from .conftest import Project, Templates, write_config
from .test_faults import API, GOOD_HISTORY, HTML, JSON, NOTE, Fault, no_page

ROWS = json.loads(GOOD_HISTORY)  # S.1003: four rows that stand and one stricken


def history(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows).encode()


def row(date: str, action: str, branch: str = "Senate") -> dict[str, Any]:
    return {"Date": date, "Branch": branch, "Action": action, "IsStricken": False}


SIGNED = "Signed by the Governor, Chapter 999 of the Acts of 2025"
HOSTILE_FAULTS = [
    Fault(
        "a history with only its first row",
        {API: Canned(200, history(ROWS[:1]), JSON)},
        "without 3 of its 4 stored rows (not stricken)",
    ),
    Fault(
        "a history missing its last rows",
        {API: Canned(200, history(ROWS[1:3]), JSON)},
        "without 2 of its 4 stored rows (not stricken)",
    ),
    Fault(
        "a history with a row moved to another day",
        {API: Canned(200, GOOD_HISTORY.replace(b"2025-02-10T10:00", b"2025-02-11T10:00"), JSON)},
        "without 1 of its 4 stored rows (not stricken), e.g. 2025-02-10 Senate: Referred",
    ),
    Fault(
        "a signing row dated years ahead",
        {API: Canned(200, history([*ROWS, row("2031-03-01T12:00:00", SIGNED, "Executive")]), JSON)},
        "with a row dated 2031-03-01, after today",
    ),
    Fault(
        "a signing row dated year 1",
        {API: Canned(200, history([*ROWS, row("0001-01-01T12:00:00", SIGNED, "Executive")]), JSON)},
        "with a row dated 0001-01-01, before any General Court sat",
    ),
    Fault(
        "a history over the row cap",
        {
            API: Canned(
                200,
                history(
                    [
                        row(f"2025-05-02T10:{i % 60:02d}:00", f"Constructed row {i}")
                        for i in range(60)
                    ]
                ),
                JSON,
            )
        }
        | no_page(),
        "history of 60 rows is over crawl.max_history_rows (50): refused, nothing stored",
        crawl="max_history_rows = 50\n",
    ),
]


@pytest.mark.parametrize("fault", HOSTILE_FAULTS, ids=[f.name for f in HOSTILE_FAULTS])
def test_a_history_that_loses_rows_or_has_impossible_dates_is_a_source_failure(
    tmp_path: Path, database_url: str, site: ReplayServer, templates: Templates, fault: Fault
) -> None:
    """The fault table's harness (test_faults.test_fault): each failing crawl a FAILED line and
    exit 2; no snapshot, stage or news changed; no note alert; one source_failing alert."""
    faults.test_fault(tmp_path, database_url, site, templates, fault)


def test_the_struck_rows_of_a_history_are_not_lost_rows(
    tmp_path: Path, database_url: str, site: ReplayServer, templates: Templates
) -> None:
    """A row the source now shows stricken was struck, not lost: the bill changes, as before."""
    project = faults.fault_project(tmp_path, database_url, site, Fault("", {}, ""))
    templates.copy("test_faults: one good crawl", database_url, faults.good_crawl(site))
    struck = [dict(r, IsStricken=r["Action"].startswith("Read third")) for r in ROWS]
    site.overrides[API] = Canned(200, history(struck), JSON)
    result = project.run("crawl", "--source", "legislature", "--no-check", check=True)
    assert "1 changed, 0 failed" in result.out
    history_out = project.run("history", "S.1003", "--court", "999", check=True).out
    assert "- 2025-05-01 Senate: Read third and passed to be engrossed" in history_out


def test_a_reworded_row_is_a_correction_not_a_loss(
    tmp_path: Path, database_url: str, site: ReplayServer, templates: Templates
) -> None:
    """A clerk's correction: the same day, the same branch, a new wording. Stored, not refused."""
    project = faults.fault_project(tmp_path, database_url, site, Fault("", {}, ""))
    templates.copy("test_faults: one good crawl", database_url, faults.good_crawl(site))
    body = GOOD_HISTORY.replace(
        b"State Administration", b"State Administration and Regulatory Oversight"
    )
    site.overrides[API] = Canned(200, body, JSON)
    result = project.run("crawl", "--source", "legislature", "--no-check", check=True)
    assert "1 changed, 0 failed" in result.out


def alerts(project: Project) -> list[dict[str, Any]]:
    """The alerts about S.1003 (the fault project's news feed may raise others)."""
    return [a for a in faults.alerts(project) if a["subject"].endswith("S.1003")]


def test_an_acknowledged_alert_survives_a_bad_read_and_a_note_edited_back(
    tmp_path: Path, database_url: str, site: ReplayServer, templates: Templates
) -> None:
    """The maintainer's acknowledgement is never lost: not by a truncated history (refused, so the
    alert is untouched), and not when the finding goes away and comes back (it returns
    acknowledged, not open, and is not notified again)."""
    project = faults.fault_project(tmp_path, database_url, site, Fault("", {}, ""))
    note = tmp_path / "notes" / "senate.txt"
    wrong = NOTE.replace("passed the Senate", "is in committee")
    templates.copy("test_faults: one good crawl", database_url, faults.good_crawl(site))
    note.write_text(wrong)
    project.run("check", check=True)  # the good crawl's record against the wrong note
    (alert,) = alerts(project)
    project.run("alerts", "ack", str(alert["id"]), "--by", "maria", check=True)
    # Only the two referral rows: were it believed, S.1003 would be back in committee, and the
    # note right. It is refused; the alert stays as the maintainer left it.
    site.overrides[API] = Canned(200, history(ROWS[1:3]), JSON)
    bad = project.run("crawl", "--source", "legislature")
    assert bad.code == 2 and "FAILED 999:S.1003: " in bad.err
    assert [(a["id"], a["state"]) for a in alerts(project)] == [(alert["id"], "acknowledged")]
    del site.overrides[API]
    project.run("crawl", "--source", "legislature", check=True)
    assert [(a["id"], a["state"]) for a in alerts(project)] == [(alert["id"], "acknowledged")]
    # The note is corrected (the alert resolves itself), then edited back (it returns as it was).
    note.write_text(NOTE)
    project.run("check", check=True)
    assert [a["state"] for a in alerts(project)] == ["resolved"]
    note.write_text(wrong)
    out = project.run("check", check=True).out
    assert "0 new alerts" in out
    assert [(a["id"], a["state"]) for a in alerts(project)] == [(alert["id"], "acknowledged")]
    shown = project.run("alerts", "show", str(alert["id"]), check=True).out
    assert "acknowledged by legistrack: found again; acknowledged by maria" in shown


# --- the HTML fallback ---------------------------------------------------------------------------

PAGE = "/Bills/999/H1001"
FRAGMENT = PAGE + "/BillHistory?pageNumber=1"
H1001_API = "/api/GeneralCourts/999/Documents/H1001/DocumentHistoryActions"
H1001_ROWS = """
      <tr><td>1/17/2025</td><td>House</td><td>Referred to the committee on the Judiciary</td></tr>
      <tr><td>1/17/2025</td><td>Senate</td><td>Senate concurred</td></tr>"""


def fragment(displaying: str, rows: str = H1001_ROWS, pagination: str = "") -> bytes:
    return f"""<!-- CONSTRUCTED fixture: a made-up bill's BillHistory fragment -->
<div class="panel panel-default">
  <p>{displaying}</p>
  <table class="table table-striped"><tbody>{rows}
  </tbody></table>{pagination}
</div>""".encode()


HTML_FAULTS = {
    # The pagination markup changed: page 1 of 2 is read as the whole history.
    "pages lost to a pagination change": (
        fragment("Displaying 4 actions for Bill H.1001"),
        "the history says 'Displaying 4 actions' but 2 rows were read across 1 pages",
    ),
    "no count to check against": (
        fragment("Bill history"),
        "no 'Displaying N actions' on the history",
    ),
    "a pagination claiming 100,000 pages": (
        fragment(
            "Displaying 4 actions for Bill H.1001",
            pagination='<ul class="pagination-sm"><li>'
            '<a onclick="return reloadAjaxContent(100000);">Last</a></li></ul>',
        ),
        "the history claims 100000 pages, over crawl.max_requests_per_page (500): refused",
    ),
}


@pytest.mark.parametrize("stored", [False, True], ids=["first read", "stored bill"])
@pytest.mark.parametrize("case", list(HTML_FAULTS))
def test_the_html_history_is_checked_against_its_declared_count(
    tmp_path: Path, database_url: str, site: ReplayServer, case: str, stored: bool
) -> None:
    body, says = HTML_FAULTS[case]
    config = write_config(tmp_path, database_url, site.url, {"M": [(999, "H.1001")]}, "")
    project = Project(tmp_path, config, database_url)
    if stored:
        project.run("crawl", check=True)
    before = faults.record(project) if stored else None
    site.overrides[H1001_API] = Canned(500, b"Internal Server Error")
    site.overrides["/api/GeneralCourts/999/Documents/H1001"] = Canned(500, b"Internal Server Error")
    site.overrides[FRAGMENT] = Canned(200, body, HTML)
    result = project.run("crawl", "--source", "legislature")
    assert result.code == 2, result.out + result.err
    (failed,) = [x for x in result.err.splitlines() if x.startswith("FAILED 999:H.1001: ")]
    assert "API: HTTP 500 at" in failed and says in failed, failed
    assert "Traceback" not in result.err
    assert len(site.requested("/BillHistory")) == 1  # never 100,000 requests
    if stored:
        assert faults.record(project) == before
    else:  # nothing half-read was stored
        assert "no stored bill H.1001" in project.run("history", "H.1001", "--court", "999").err


def test_a_complete_html_history_over_two_pages_is_read(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """The check does not refuse what is whole: 4 rows declared, 2 + 2 read on two pages."""
    config = write_config(tmp_path, database_url, site.url, {"M": [(999, "H.1001")]}, "")
    project = Project(tmp_path, config, database_url)
    site.overrides[H1001_API] = Canned(500, b"Internal Server Error")
    pagination = (
        '<ul class="pagination-sm"><li><a onclick="return reloadAjaxContent(1);">1</a></li>'
        '<li><a onclick="return reloadAjaxContent(2);">2</a></li></ul>'
    )
    hearing = "Hearing scheduled for 03/11/2025 from 10:00 AM-12:00 PM in Virtual Hearing"
    draft = 'Accompanied a new draft, see <a href="/Bills/999/H1002">H1002</a>'
    second = f"""
      <tr><td>3/4/2025</td><td>Joint</td><td>{hearing}</td></tr>
      <tr><td>6/2/2025</td><td>House</td><td>{draft}</td></tr>"""
    site.overrides[FRAGMENT] = Canned(
        200, fragment("Displaying 4 actions for Bill H.1001", pagination=pagination), HTML
    )
    site.overrides[PAGE + "/BillHistory?pageNumber=2"] = Canned(
        200, fragment("Displaying 4 actions for Bill H.1001", second, pagination), HTML
    )
    result = project.run("crawl", "--source", "legislature", "--no-check")
    assert "FAILED 999:H.1001" not in result.err, result.err
    shown = project.run("history", "H.1001", "--court", "999", check=True).out
    assert shown.count("\n  + ") == 4, shown


# --- feeds, notes and listings ---------------------------------------------------------------

FEED = "/feeds/bolts.xml"


def rss(items: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- CONSTRUCTED test feed: made-up entries about the made-up bill S.1003 of court 999 -->
<rss version="2.0"><channel><title>Constructed</title><link>https://feed.example.invalid/</link>
{items}
</channel></rss>""".encode()


def item(n: int, title: str, when: str) -> str:
    return (
        f"<item><title>{title}</title><link>https://feed.example.invalid/{n}</link>"
        f"<guid>constructed-{n}</guid><pubDate>{when}</pubDate>"
        f"<description>Senate Bill 1003 was debated.</description></item>"
    )


def news(project: Project) -> list[dict[str, Any]]:
    return list(json.loads(project.run("news", "--format", "json", check=True).out))


@pytest.fixture
def feed_project(
    tmp_path: Path, database_url: str, site: ReplayServer, templates: Templates
) -> Project:
    """The fault harness's project after a good crawl of the legislature only (no news yet): the
    crawl is made once per session and copied here."""
    project = faults.fault_project(tmp_path, database_url, site, Fault("", {}, ""))

    def build(folder: Path, url: str) -> None:
        faults.fault_project(folder, url, site, Fault("", {}, "")).run(
            "crawl", "--source", "legislature", check=True
        )

    templates.copy("test_hostile_data: the legislature crawled", database_url, build)
    return project


def test_a_feed_entry_dated_in_the_future_is_refused_and_recorded(
    feed_project: Project, site: ReplayServer
) -> None:
    site.overrides[FEED] = Canned(
        200,
        rss(
            item(
                1, "Constructed: S.1003 signed, says the future", "Thu, 01 Jan 2099 12:00:00 +0000"
            )
            + item(2, "Constructed: S.1003 in the Senate", "Tue, 20 May 2025 12:00:00 +0000")
        ),
    )
    result = feed_project.run("crawl", "--source", "news")
    assert result.code == 2 and "Traceback" not in result.err
    (failed,) = [x for x in result.err.splitlines() if x.startswith("FAILED feed Bolts: ")]
    assert (
        "'Constructed: S.1003 signed, says the future' is dated 2099-01-01, after today" in failed
    )
    assert [n["title"] for n in news(feed_project)] == ["Constructed: S.1003 in the Senate"]
    assert not [a for a in alerts(feed_project) if a["rule"] == "news_since_note"]


def test_a_feed_that_is_not_well_formed_is_read_and_the_report_says_so(
    feed_project: Project, site: ReplayServer
) -> None:
    """feedparser recovers the entries of a feed whose XML is broken (a bare ampersand): they are
    read and stored, and the report says exactly that: a WARNING, not SKIPPED, not silence."""
    site.overrides[FEED] = Canned(
        200,
        rss(
            item(1, "Constructed: S.1003 & the Senate", "Tue, 20 May 2025 12:00:00 +0000")
            + item(2, "Constructed: S.1003 again", "Wed, 21 May 2025 12:00:00 +0000")
        ),
    )
    result = feed_project.run("crawl", "--source", "news", check=True)
    (line,) = [x for x in result.err.splitlines() if "not well-formed" in x]
    assert line.startswith("WARNING feed Bolts: warning: feed not well-formed (")
    assert line.endswith("its 2 readable entries were read anyway")
    assert "SKIPPED" not in result.err
    assert len(news(feed_project)) == 2


def test_a_feed_over_the_entry_cap_is_read_up_to_it_with_a_warning(
    feed_project: Project, site: ReplayServer
) -> None:
    config = feed_project.config
    config.write_text(config.read_text().replace("[crawl]\n", "[crawl]\nmax_feed_entries = 10\n"))
    items = "".join(
        item(n, f"Constructed: S.1003, story {n}", "Tue, 20 May 2025 12:00:00 +0000")
        for n in range(30)
    )
    site.overrides[FEED] = Canned(200, rss(items))
    result = feed_project.run("crawl", "--source", "news", check=True)
    warning = "WARNING feed Bolts: warning: 30 entries; only the first 10 were read"
    assert warning in result.err
    assert len(news(feed_project)) == 10


def test_a_note_dated_in_the_future_is_one_note_error_and_the_others_are_checked(
    feed_project: Project,
) -> None:
    notes = feed_project.folder / "notes"
    (notes / "future.txt").write_text(NOTE.replace("Jun 1, 2025", "Jan 1, 2099"))
    (notes / "later.md").write_text(
        "---\nlast_updated: 2099-06-01\n---\nS.1003 passed the Senate.\n"
    )
    result = feed_project.run("notes", "check")
    assert result.code == 2 and "Traceback" not in result.err
    errors = result.err.strip().splitlines()
    assert len(errors) == 2, errors
    future = next(e for e in errors if "future.txt" in e)
    assert (
        future.startswith("NOTE ERROR ")
        and "dated 2099-01-01 (from " in future
        and "after today" in future
    )
    later = next(e for e in errors if "later.md" in e)
    assert "dated 2099-06-01 (from front matter), after today" in later
    assert "senate.txt: ok" in result.out
    check = feed_project.run("check", check=True)
    assert "NOTE ERROR " in check.err and "(2 could not be read)" in check.out
    assert alerts(feed_project) == []


LISTING = "/law-library/constructed-listing-of-forty-orders"


def test_a_listing_page_costs_at_most_the_cap_in_requests(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    links = "".join(
        f'<li><a href="/executive-orders/constructed-{n}">No. {n}: Constructed order {n}</a></li>'
        for n in range(700, 740)
    )
    page = (
        f"<!-- CONSTRUCTED listing of made-up orders --><html><body><ul>{links}</ul></body></html>"
    )
    site.overrides[LISTING] = Canned(200, page.encode(), HTML)
    config = write_config(tmp_path, database_url, site.url, {}, "max_requests_per_page = 5\n")
    config.write_text(
        config.read_text() + f'\n[executive_orders]\nlisting_urls = ["{site.url}{LISTING}"]\n'
    )
    project = Project(tmp_path, config, database_url)
    result = project.run("crawl", "--source", "executive_orders")
    assert "Traceback" not in result.err
    warning = (
        f"WARNING listing {site.url}{LISTING}: warning: 40 order links; only 5 order pages "
        "were read from it (crawl.max_requests_per_page)"
    )
    assert warning in result.err, result.err
    assert len(site.requested("/executive-orders/constructed-")) == 5


def test_an_order_page_that_lost_its_revoking_row_is_refused(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """The made-up No. 699 revokes No. 650; its page then comes without the Revoking row (a
    layout change, a partial page). That is no un-revoking: refused, and 650 stays revoked."""
    from .test_orders_news_e2e import REVOKER, add_revoking_order, orders_project, status

    project = orders_project(tmp_path, database_url, site)
    add_revoking_order(site)
    project.run("crawl", "--source", "executive_orders", check=True)
    page = (site.root / f"{REVOKER[1:]}.html").read_text()
    start = page.rindex("<tr>", 0, page.index('<th scope="row">Revoking:</th>'))
    end = page.index("</tr>", start) + len("</tr>")
    site.overrides[REVOKER] = Canned(200, (page[:start] + page[end:]).encode(), HTML)
    result = project.run("crawl", "--source", "executive_orders")
    assert result.code == 2 and "Traceback" not in result.err
    (failed,) = [x for x in result.err.splitlines() if x.startswith("FAILED EO 699: ")]
    assert "no longer shows 1 of its 1 adjustment rows (e.g. revokes" in failed, failed
    orders = {o["number"]: o["status"] for o in status(project)["executive_orders"]}
    assert orders[650] == "revoked"


def test_an_order_page_dated_in_the_future_is_refused(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    from .test_orders_news_e2e import EO650, orders_project, status

    project = orders_project(tmp_path, database_url, site)
    project.run("crawl", "--source", "executive_orders", check=True)
    page = (site.root / f"{EO650[1:]}.html").read_text().replace("01/29/2026", "01/29/2099")
    site.overrides[EO650] = Canned(200, page.encode(), HTML)
    result = project.run("crawl", "--source", "executive_orders")
    assert result.code == 2 and "Traceback" not in result.err
    (failed,) = [x for x in result.err.splitlines() if x.startswith("FAILED EO 650: ")]
    assert "dated 2099-01-29, after today: refused" in failed, failed
    (order,) = status(project)["executive_orders"]
    assert order["date"] == "2026-01-29"


def test_a_history_naming_many_bills_follows_at_most_the_cap(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    drafts = [
        row(f"2025-06-{n:02d}T10:00:00", f"Accompanied a new draft, see S{2000 + n}")
        for n in range(1, 9)
    ]
    site.overrides[API] = Canned(200, history([*ROWS, *drafts]), JSON)
    config = write_config(
        tmp_path, database_url, site.url, {"M": [(999, "S.1003")]}, "max_requests_per_page = 3\n"
    )
    project = Project(tmp_path, config, database_url)
    result = project.run("crawl", "--source", "legislature", "--no-check")
    assert "Traceback" not in result.err
    warning = "WARNING 999:S.1003: warning: its history names 8 bills to follow; only the first 3"
    assert warning in result.err, result.err
    assert len(site.requested("/Documents/S20")) == 3
