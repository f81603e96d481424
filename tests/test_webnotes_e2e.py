"""Web notes end to end: the real CLI crawls a constructed notes site (a sitemap, three pages in
different templates) from the local replay server into a real database, and judges the pages."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.replay import Canned, ReplayServer

from .conftest import FIXTURES, Project, write_config

WIKI = "/notes-site/wiki/s1003"
BLOG = "/notes-site/blog/vendor-contracts-roundup"
LIST = "/notes-site/pages/reading-list"
SITEMAP = "/notes-site/sitemap.xml"


@pytest.fixture
def notes_site(tmp_path: Path) -> Iterator[ReplayServer]:
    """The legislature replay and the constructed notes site on one local server (ETags on)."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", root)
    shutil.copytree(FIXTURES / "notes_site", root, dirs_exist_ok=True)
    with ReplayServer(root) as server:
        server.validators = "etag"
        for listing in (root / SITEMAP.strip("/"), root / "notes-site" / "feed.xml"):
            listing.write_text(listing.read_text().replace("REPLAY", server.url))
        yield server


@pytest.fixture
def web(tmp_path: Path, database_url: str, notes_site: ReplayServer) -> Project:
    measures = {"Made-up Senate bill": [(999, "S.1003")]}
    extra = f'[notes]\n[[notes.sites]]\nsitemap = "{notes_site.url}{SITEMAP}"\n'
    config = write_config(tmp_path, database_url, notes_site.url, measures, extra)
    return Project(tmp_path, config, database_url)


def alerts(project: Project) -> list[dict[str, Any]]:
    out = project.run("alerts", "--state", "all", "--format", "json", check=True).out
    return list(json.loads(out))


def edit_wiki(server: ReplayServer, lastmod: str = "2025-06-03") -> None:
    """The maintainer's edit: the entry's new text, and the sitemap's lastmod moved."""
    shutil.copyfile(
        FIXTURES / "notes_site_edits" / "s1003.html", server.root / "notes-site/wiki/s1003.html"
    )
    sitemap = server.root / SITEMAP.strip("/")
    sitemap.write_text(sitemap.read_text().replace("<lastmod>2025-06-01<", f"<lastmod>{lastmod}<"))


def notes_requests(server: ReplayServer) -> list[str]:
    return [r.path for r in server.requested("/notes-site/")]


def test_the_stale_page_is_flagged_and_an_edit_resolves_it(
    web: Project, notes_site: ReplayServer
) -> None:
    first = web.run("crawl", check=True)
    assert "notes: 3 pages checked, 3 changed, 0 failed" in first.out
    assert "checked 3 notes (0 could not be read): 1 stale, 1 new alerts" in first.out
    page = notes_site.url + WIKI
    (alert,) = alerts(web)
    assert (alert["note"], alert["subject"], alert["rule"], alert["state"]) == (
        page, "999:S.1003", "contradicts_note", "open",
    )  # fmt: skip
    assert alert["note_says"].endswith("[page version 1]")
    assert "S.1003 is in committee." in alert["note_says"]
    shown = web.run("alerts", "show", str(alert["id"]), check=True).out
    assert f"page:          {page}" in shown
    assert f"edit:          {page}/edit" in shown
    quick = web.run("notes", "check", page)
    assert quick.code == 1 and f"{page}: STALE" in quick.out and f"edit: {page}/edit" in quick.out

    edit_wiki(notes_site)
    second = web.run("crawl", "--source", "notes", check=True)
    assert "notes: 2 pages checked, 1 changed, 0 failed, 1 unchanged by 304" in second.out
    assert "1 unchanged by sitemap lastmod (not fetched)" in second.out
    assert "0 stale, 0 new alerts, 1 resolved" in second.out
    (resolved,) = alerts(web)
    assert resolved["state"] == "resolved"

    show = web.run("notes", "show", page, check=True).out
    assert "date: 2025-06-03 from page: 'Last updated:' text" in show
    assert "  1  read " in show and "dated 2025-06-01 ('Last updated:' text)" in show
    assert "  2  read " in show and f"edit: {page}/edit" in show
    assert "bill     999:S.1003: claims passed_senate" in show
    diff = web.run("notes", "show", page, "--diff", check=True).out
    assert "-S.1003 is in committee." in diff.replace(" The committee", "\n")
    assert "+S.1003 passed the Senate in May 2025" in diff
    assert "-date: 2025-06-01" in diff and "+date: 2025-06-03" in diff


def test_unchanged_pages_cost_one_conditional_request_or_none(
    web: Project, notes_site: ReplayServer
) -> None:
    web.run("crawl", check=True)
    assert sorted(notes_requests(notes_site)) == sorted([SITEMAP, WIKI, BLOG, LIST])
    notes_site.requests.clear()
    again = web.run("crawl", "--source", "notes", check=True)
    # the sitemap, and the one page it gives no lastmod for, asked conditionally (a 304)
    assert sorted(notes_requests(notes_site)) == sorted([SITEMAP, LIST])
    (conditional,) = notes_site.requested(LIST)
    assert conditional.headers.get("If-None-Match", "").startswith('"')
    assert "notes: 1 pages checked, 0 changed, 0 failed, 1 unchanged by 304, " in again.out
    assert "2 unchanged by sitemap lastmod (not fetched)" in again.out
    assert "  2  read " not in web.run("notes", "show", notes_site.url + LIST, check=True).out


def test_a_failing_page_raises_source_health_after_the_streak_and_loses_nothing(
    web: Project, notes_site: ReplayServer
) -> None:
    web.run("crawl", check=True)
    page = notes_site.url + WIKI
    (alert,) = alerts(web)
    edit_wiki(notes_site)  # its lastmod moved: it is fetched, and fails
    notes_site.overrides[WIKI] = Canned(500, b"<html><body>Server error</body></html>")
    for crawl in range(3):
        result = web.run("crawl", "--source", "notes")
        assert result.code == 2 and f"FAILED page {page}: HTTP 500" in result.err
        failing = [a for a in alerts(web) if a["rule"] == "source_failing"]
        assert len(failing) == (1 if crawl == 2 else 0)
    assert failing[0]["subject"] == f"notes page {page}" and failing[0]["state"] == "open"
    kept = {a["id"]: a for a in alerts(web)}[alert["id"]]
    assert kept["state"] == "open" and kept["note_says"] == alert["note_says"]
    show = web.run("notes", "show", page, check=True).out
    assert "  1  read " in show and "  2  read " not in show and "is in committee" not in show
    assert "date: 2025-06-01" in show

    del notes_site.overrides[WIKI]
    healed = web.run("crawl", "--source", "notes", check=True)
    assert "2 resolved" in healed.out  # the page's source_failing, and the note's alert (edited)


def test_a_page_taken_down_resolves_its_alerts_after_the_streak(
    web: Project, notes_site: ReplayServer
) -> None:
    web.run("crawl", check=True)
    page = notes_site.url + WIKI
    (alert,) = alerts(web)
    sitemap = notes_site.root / SITEMAP.strip("/")
    sitemap.write_text(
        "\n".join(line for line in sitemap.read_text().splitlines() if WIKI not in line)
    )
    (notes_site.root / "notes-site/wiki/s1003.html").unlink()
    for crawl in range(3):
        notes_site.requests.clear()
        result = web.run("crawl", "--source", "notes")
        assert notes_requests(notes_site).count(WIKI) == 1  # unlisted, still asked: it is gone
        assert f"FAILED page {page}: HTTP 404" in result.err
        state = {a["id"]: a for a in alerts(web)}[alert["id"]]["state"]
        assert state == ("resolved" if crawl == 2 else "open")
    shown = web.run("alerts", "show", str(alert["id"]), check=True).out
    assert "resolved by legistrack: the page is gone: HTTP 404 in 3 crawls in a row" in shown
    assert not [a for a in alerts(web) if a["rule"] == "source_failing"]
    assert "  1  read " in web.run("notes", "show", page, check=True).out  # history kept


def test_pages_elsewhere_are_not_fetched(web: Project, notes_site: ReplayServer) -> None:
    sitemap = notes_site.root / SITEMAP.strip("/")
    elsewhere = notes_site.url.replace("127.0.0.1", "localhost") + "/notes-site/other"
    sitemap.write_text(sitemap.read_text().replace(
        "</urlset>", f"<url><loc>{elsewhere}</loc></url></urlset>"
    ))  # fmt: skip
    notes_site.overrides[BLOG] = Canned(302, b"", {"Location": elsewhere})
    result = web.run("crawl", "--source", "notes", "--no-check")
    listing = f"SKIPPED sitemap {notes_site.url}{SITEMAP}"
    assert f"{listing}: skipped: {elsewhere}: not on a configured host, not fetched" in result.err
    assert "is not a configured host" in result.err and "FAILED page" in result.err
    assert not notes_requests(notes_site).count("/notes-site/other")


def test_a_feed_lists_the_pages_and_a_page_never_read_raises_source_health(
    tmp_path: Path, database_url: str, notes_site: ReplayServer
) -> None:
    missing = notes_site.url + "/notes-site/wiki/no-such-entry"
    extra = (
        f'[notes]\n[[notes.sites]]\nfeed = "{notes_site.url}/notes-site/feed.xml"\n'
        f'pages = ["{missing}"]\nexclude = ["*/pages/*"]\n'
    )
    measures = {"Made-up Senate bill": [(999, "S.1003")]}
    project = Project(tmp_path, write_config(tmp_path, database_url, notes_site.url, measures,
                                             extra), database_url)  # fmt: skip
    project.run("crawl", "--source", "legislature", "--no-check", check=True)
    for _ in range(3):
        result = project.run("crawl", "--source", "notes")
        assert result.code == 2 and f"FAILED page {missing}: HTTP 404" in result.err
        assert "notes: 3 pages checked" in result.out  # two from the feed (one excluded), 1 failed
    failing = [a for a in alerts(project) if a["rule"] == "source_failing"]
    assert [a["subject"] for a in failing] == [f"notes page {missing}"]
    stale = [a for a in alerts(project) if a["rule"] == "contradicts_note"]
    assert [a["note"] for a in stale] == [notes_site.url + WIKI]
    assert LIST not in " ".join(notes_requests(notes_site))
    quick = project.run("notes", "check", missing)
    assert quick.code == 2 and f"NOTE ERROR {missing}: HTTP 404" in quick.err


def test_the_review_page_lists_web_notes_and_shows_one(
    web: Project, notes_site: ReplayServer
) -> None:
    from urllib.parse import quote

    from fastapi.testclient import TestClient

    from models.config import load_config
    from scheduler.web.app import create_app
    from scheduler.web.data import Data
    from scheduler.web.security import Guard

    web.run("crawl", check=True)
    page = notes_site.url + WIKI
    config = load_config(web.config)
    data = Data(config)
    guard = Guard.build(config.web, "127.0.0.1", 8150, "tester")
    try:
        app = create_app(data, guard)
        with TestClient(app, base_url="http://127.0.0.1:8150", follow_redirects=False) as client:
            listing = client.get("/notes").text
            assert f'href="/notes/{quote(page, safe="/")}"' in listing
            assert "1 stale" in listing
            shown = client.get(f"/notes/{quote(page, safe='/')}")
            assert shown.status_code == 200, shown.text
            assert "S.1003 is in committee." in shown.text
            names = [n["name"] for n in client.get("/api/notes").json()["notes"]]
            assert page in names and len(names) == 3
            # The page's alert marks the claimed words, read from the stored page.
            (alert,) = client.get("/api/alerts").json()
            shown = client.get(f"/alerts/{alert['id']}")
            assert '<mark title="the claimed words">' in shown.text
            assert "(written 2025-06-01)" in shown.text  # the note's date, read from the page
    finally:
        data.close()
