"""Executive orders and news end to end: real spiders, the replay server, a real database."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from crawler.replay import Canned, ReplayServer

from .conftest import FIXTURES, Project, write_config

EO650 = "/executive-orders/no-650-protecting-access-to-essential-services-and-keeping-massachusetts-communities-safe"  # noqa: E501
LISTING = "/law-library/massachusetts-executive-orders-600-699"
REVOKER = "/executive-orders/no-699-constructed-test-order-revoking-no-650"
NOTE = """Made-up note on EO 650

Banned new 287(g) agreements (EO 650, January 2026).
The PROTECT Act (H.5316) passed the House.

Last updated: Feb 1, 2026
"""


def orders_project(
    tmp_path: Path, database_url: str, site: ReplayServer, extra: str = ""
) -> Project:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "eo.txt").write_text(NOTE)
    config = write_config(tmp_path, database_url, site.url, {}, "")
    config.write_text(
        config.read_text()
        + f"""
[notes]
paths = ["notes"]

[executive_orders]
listing_urls = ["{site.url}{LISTING}"]
track = [650]
keywords = ["immigration", "ICE", "287(g)", "federal civil immigration"]

[news]
keywords = ["287(g)"]
{extra}
[[measures]]
name = "PROTECT Act"
aliases = ["PROTECT Act"]
bills = [{{court = 194, number = "H.5316"}}, {{court = 194, number = "S.3072"}}]
"""
    )
    return Project(tmp_path, config, database_url)


def status(project: Project) -> dict[str, Any]:
    return json.loads(project.run("status", "--format", "json", check=True).out)


def alerts(project: Project) -> list[dict[str, Any]]:
    return json.loads(project.run("alerts", "--state", "all", "--format", "json", check=True).out)


def add_revoking_order(site: ReplayServer) -> None:
    """A made-up No. 699 revoking No. 650 appears on the listing and at its own page."""
    listing = site.root / "law-library" / "massachusetts-executive-orders-600-699.html"
    html = listing.read_text()
    link = f'<li><a href="{REVOKER}">No. 699: Constructed test order revoking No. 650</a></li>'
    listing.write_text(html.replace("</ul>", f"{link}</ul>", 1))
    shutil.copy(
        FIXTURES / "massgov" / "eo_999_revoking_650.html", site.root / f"{REVOKER[1:]}.html"
    )


def test_a_new_order_revoking_a_tracked_one(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = orders_project(tmp_path, database_url, site)
    first = project.run("crawl", "--source", "executive_orders", check=True)
    assert "executive_orders: 2 listings and orders checked, 1 changed, 0 failed" in first.out
    (order,) = status(project)["executive_orders"]
    assert (order["number"], order["status"], order["date"]) == (650, "in_effect", "2026-01-29")
    assert order["issuer"] == "Maura Healey" and order["url"].endswith(EO650)
    assert not [a for a in alerts(project) if a["rule"] == "order_changed"]

    add_revoking_order(site)
    project.run("crawl", "--source", "executive_orders", check=True)
    orders = {o["number"]: o for o in status(project)["executive_orders"]}
    assert orders[650]["status"] == "revoked"
    assert orders[650]["adjusted_by"] == ["No. 699 (2026-12-01) revokes"]
    changed = [a for a in alerts(project) if a["rule"] == "order_changed"]
    assert len(changed) == 1
    assert changed[0]["subject"] == "EO 650" and changed[0]["note"] == "notes/eo.txt"
    assert "is revoked on 2026-12-01" in changed[0]["message"]
    assert "No. 699" in changed[0]["message"]
    table = project.run("status", check=True).out
    assert re.search(r"EO 650\s+2026-01-29\s+revoked\s+No. 699 \(2026-12-01\) revokes", table)
    assert re.search(r"EO 699 \(found\)\s+2026-12-01\s+in_effect", table)


def test_unchanged_recrawl_adds_no_rows(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = orders_project(tmp_path, database_url, site)
    extra_feed = f'\n[[feeds]]\nname = "Bolts"\nurl = "{site.url}/feeds/bolts.xml"\n'
    project.config.write_text(project.config.read_text() + extra_feed)
    project.run("crawl", "--source", "executive_orders", check=True)
    project.run("crawl", "--source", "news", check=True)
    news_before = json.loads(project.run("news", "--format", "json", check=True).out)
    again = project.run("crawl", "--source", "all", "--no-check")
    assert "executive_orders: 2 listings and orders checked, 0 changed, 0 failed" in again.out
    assert "news: 1 feeds checked, 0 new, 0 failed" in again.out
    assert json.loads(project.run("news", "--format", "json", check=True).out) == news_before


def test_news_citing_a_bill_after_the_note_raises_news_since_note(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = orders_project(tmp_path, database_url, site)
    feed = f'\n[[feeds]]\nname = "MassLive politics"\nurl = "{site.url}/feeds/masslive.xml"\n'
    project.config.write_text(project.config.read_text() + feed)
    result = project.run("crawl", "--source", "news", check=True)
    assert "news: 1 feeds checked" in result.out
    stories = json.loads(project.run("news", "--format", "json", check=True).out)
    by_title = {s["title"]: s for s in stories}
    house = by_title["Constructed: Mass. House passes H.5316, 134-21"]
    assert "194:H.5316" in house["subjects"] and "PROTECT Act" in house["subjects"]
    news_alerts = [a for a in alerts(project) if a["rule"] == "news_since_note"]
    assert news_alerts and all(a["severity"] == "review" for a in news_alerts)
    assert {a["evidence_date"] for a in news_alerts} >= {"2026-03-25"}
    assert any("Mass. House passes H.5316" in a["message"] for a in news_alerts)
    only = project.run("news", "--subject", "H.5316", check=True).out
    assert "Mass. House passes H.5316" in only
    since = project.run("news", "--since", "2026-05-01", "--format", "json", check=True).out
    assert all(s["published"] >= "2026-05-01" for s in json.loads(since))


def test_rules_can_be_turned_off(tmp_path: Path, database_url: str, site: ReplayServer) -> None:
    extra = "\n[rules]\nnews_since_note = false\n"
    project = orders_project(tmp_path, database_url, site, extra)
    feed = f'\n[[feeds]]\nname = "MassLive politics"\nurl = "{site.url}/feeds/masslive.xml"\n'
    project.config.write_text(project.config.read_text() + feed)
    project.run("crawl", "--source", "news", check=True)
    assert not [a for a in alerts(project) if a["rule"] == "news_since_note"]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (LISTING, b"<html><body>Maintenance</body></html>", "listing: "),
        (EO650, b"<html><body>Page not found</body></html>", "order page: "),
    ],
)
def test_order_source_failures_are_recorded_not_silent(
    tmp_path: Path, database_url: str, site: ReplayServer, path: str, body: bytes, message: str
) -> None:
    project = orders_project(tmp_path, database_url, site)
    project.run("crawl", "--source", "executive_orders", check=True)
    site.overrides[path] = Canned(200, body, {"Content-Type": "text/html"})
    result = project.run("crawl", "--source", "executive_orders")
    assert result.code == 2
    assert "FAILED " in result.err and message in result.err
    (order,) = status(project)["executive_orders"]
    assert order["status"] == "in_effect"  # nothing changed from a broken page


def test_a_malformed_feed_entry_is_skipped_and_the_others_read(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    shutil.copy(FIXTURES / "feeds" / "malformed_entry_rss.xml", site.root / "feeds" / "bad.xml")
    project = orders_project(tmp_path, database_url, site)
    feed = f'\n[[feeds]]\nname = "Bad"\nurl = "{site.url}/feeds/bad.xml"\n'
    project.config.write_text(project.config.read_text() + feed)
    result = project.run("crawl", "--source", "news", check=True)
    assert "news: 1 feeds checked" in result.out and "0 failed" in result.out
    assert "SKIPPED feed Bad: skipped: entry" in result.err


def test_a_new_order_matching_keywords_raises_new_order(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    project = orders_project(tmp_path, database_url, site)
    project.run("crawl", "--source", "executive_orders", check=True)  # the listing's baseline
    page = "/executive-orders/no-698-constructed-keyword-order"
    listing = site.root / "law-library" / "massachusetts-executive-orders-600-699.html"
    link = f'<li><a href="{page}">No. 698: Constructed keyword order</a></li>'
    listing.write_text(listing.read_text().replace("</ul>", f"{link}</ul>", 1))
    # Made up: No. 650's constructed page renumbered; its text mentions federal civil immigration.
    body = (site.root / f"{EO650[1:]}.html").read_text()
    (site.root / f"{page[1:]}.html").write_text(body.replace("No. 650:", "No. 698:"))
    project.run("crawl", "--source", "executive_orders", check=True)
    (found,) = [a for a in alerts(project) if a["rule"] == "new_order"]
    assert found["subject"] == "EO 698" and found["note"] == "(executive orders)"
    assert "matches" in found["message"] and "federal civil immigration" in found["message"]
    assert "1 new alerts" not in project.run("check", check=True).out  # not raised twice


def test_fetch_articles_finds_citations_the_summary_lacks(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    """Constructed feed: the entry's summary cites nothing; its article page cites S.3072."""
    shutil.copy(FIXTURES / "feeds" / "article.html", site.root / "feeds" / "story.html")
    (site.root / "feeds" / "plain.xml").write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- CONSTRUCTED test feed: one made-up entry whose article is tests/fixtures/feeds/article.html -->
<rss version="2.0"><channel><title>Constructed</title><link>{site.url}/</link>
<item><title>Constructed: a day at the State House</title><link>{site.url}/feeds/story.html</link>
<guid>constructed-story-1</guid><pubDate>Fri, 08 May 2026 12:00:00 +0000</pubDate>
<description>Nothing cited here.</description></item>
</channel></rss>"""
    )
    project = orders_project(tmp_path, database_url, site)
    feed = f'\n[[feeds]]\nname = "Plain"\nurl = "{site.url}/feeds/plain.xml"\n'
    project.config.write_text(project.config.read_text() + feed)
    project.run("crawl", "--source", "news", check=True)
    assert json.loads(project.run("news", "--format", "json", check=True).out) == []
    assert not site.requested("/feeds/story.html")
    # Not kept, so not remembered: with fetch_articles on, the next crawl reads its article.
    text = project.config.read_text().replace("[news]\n", "[news]\nfetch_articles = true\n")
    project.config.write_text(text)
    project.run("crawl", "--source", "news", check=True)
    (story,) = json.loads(project.run("news", "--format", "json", check=True).out)
    assert "194:S.3072" in story["subjects"]
    assert site.requested("/feeds/story.html")
