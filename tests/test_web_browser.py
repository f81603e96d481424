"""The review page in a real browser: Debian's headless Chromium (scripts/setup-browser) driven by
Playwright, against `legistrack serve` started on a free port over a database that a real crawl
of the replay site filled. Skipped only when Chromium is absent outside CI; under CI=true its
absence fails."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from crawler.replay import ReplayServer

from .conftest import Project, legistrack_bin, write_config

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_TITLE = "<script>alert('title')</script> An Act relative to constructed testing"
DRAFTS = """---
title: Made-up drafts (constructed)
last_updated: 2025-03-01
---
H.1001 is in committee. <script>alert('note')</script>
"""
SENATE = """Made-up Senate note (constructed)

S.1003 is in committee.

Last updated: Mar 1, 2025
"""
WATCH = """---
title: Made-up watch list (constructed)
last_updated: 2025-01-05
review_every: 30d
---
S.1003 is in committee.
"""


def _browser_or_skip() -> Any:
    if not CHROMIUM.exists():
        reason = (
            "the system's Chromium (/usr/bin/chromium) is not installed: bash scripts/setup-browser"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    return sync_playwright


@pytest.fixture
def crawled(tmp_path: Path, database_url: str, site: ReplayServer) -> Project:
    """The replay site (its H.1001 given a hostile title) crawled by the real CLI; notes checked."""
    document = site.root / "api/GeneralCourts/999/Documents/H1001.json"
    record = json.loads(document.read_text())
    record["Title"] = HOSTILE_TITLE
    document.write_text(json.dumps(record))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "drafts.md").write_text(DRAFTS)
    (notes / "senate.txt").write_text(SENATE)
    (notes / "watch.md").write_text(WATCH)
    measures = {"Made-up measure": [(999, "H.1001")], "Made-up Senate bill": [(999, "S.1003")]}
    config = write_config(tmp_path, database_url, site.url, measures)
    config.write_text(config.read_text() + '\n[notes]\npaths = ["notes"]\n')
    project = Project(tmp_path, config, database_url)
    project.run("crawl", check=True)
    return project


@pytest.fixture
def server(crawled: Project) -> Iterator[str]:
    """`legistrack serve --port 0`, waited for until it says where it listens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    env["USER"] = "browser-reviewer"
    proc = subprocess.Popen(
        [legistrack_bin(), "--config", str(crawled.config), "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()  # type: ignore[union-attr]
    try:
        line = lines.get(timeout=60)  # the first line says where it listens, or why it cannot
        found = re.search(r"review page at (http://\S+)", line)
        assert found, line
        yield found.group(1).rstrip("/")
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0


def alerts(project: Project) -> dict[int, dict[str, Any]]:
    out = project.run("alerts", "--state", "all", "--format", "json", check=True).out
    return {a["id"]: a for a in json.loads(out)}


class _Attacker(BaseHTTPRequestHandler):
    """A page on another site whose form posts to the review page on load."""

    target = ""

    def do_GET(self) -> None:
        body = (
            f'<form id="f" method="post" action="{self.target}"><input name="comment" '
            'value="csrf"></form><script>document.getElementById("f").submit()</script>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_review_in_a_real_browser(crawled: Project, server: str) -> None:
    sync_playwright = _browser_or_skip()
    before = alerts(crawled)
    assert len([a for a in before.values() if a["state"] == "open"]) >= 3
    hostile = next(a for a in before.values() if a["subject"] == "999:H.1001")
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        errors: list[str] = []  # a script blocked by the page's CSP would show here
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        # The queue, then a filter (HTMX swaps the queue in place).
        page.goto(server + "/")
        rows = page.locator("table.alerts tbody tr")
        assert rows.count() == len(before)
        page.select_option("select[name=rule]", "review_due")
        page.wait_for_url(re.compile(r"rule=review_due"))
        rows.first.wait_for()
        page.wait_for_function("document.querySelectorAll('table.alerts tbody tr').length == 1")
        assert "review_due" in rows.first.inner_text()
        assert page.evaluate("typeof window.htmx") == "object"  # the vendored HTMX ran

        # An alert: the hostile title and note are text, and no script ran.
        page.goto(f"{server}/alerts/{hostile['id']}")
        assert "<script>alert('note')</script>" in page.inner_text(".note-says")
        assert HOSTILE_TITLE in page.inner_text(".record-says")
        assert page.locator("svg.timeline").count() == 1
        page.fill("form[action$='/ack'] input[name=comment]", "looking into it")
        page.click("#ack")
        page.wait_for_url(f"{server}/alerts/{hostile['id']}")
        assert page.inner_text("#alert-state") == "acknowledged"
        assert "by browser-reviewer: looking into it" in page.inner_text(".history")
        assert alerts(crawled)[hostile["id"]]["state"] == "acknowledged"

        # Bulk-resolve everything the filter shows (the active alerts).
        page.goto(server + "/")
        page.check("input[name=scope][value=shown]")
        page.select_option("select[name=outcome]", "note_updated")
        page.click("button[name=action][value=resolve]")
        page.wait_for_selector("p.done")
        assert f"{len(before)} alerts resolved by browser-reviewer" in page.inner_text("p.done")
        after = alerts(crawled)
        assert {a["state"] for a in after.values()} == {"resolved"}
        assert {a["outcome"] for a in after.values()} == {"note_updated"}

        assert errors == []

        # A cross-site form post is refused and changes nothing.
        reopened = alerts(crawled)
        _Attacker.target = f"{server}/alerts/{hostile['id']}/resolve"
        attacker = ThreadingHTTPServer(("127.0.0.1", 0), _Attacker)
        threading.Thread(target=attacker.serve_forever, daemon=True).start()
        try:
            evil = browser.new_page()
            with evil.expect_response(re.compile(r"/resolve$")) as caught:
                evil.goto(f"http://localhost:{attacker.server_address[1]}/")
            assert caught.value.status == 403
            assert "cross-site request refused" in evil.inner_text("body")
        finally:
            attacker.shutdown()
        assert alerts(crawled) == reopened

        # Reading with JavaScript off, and at phone width.
        plain = browser.new_context(
            java_script_enabled=False, viewport={"width": 390, "height": 844}
        )
        phone = plain.new_page()
        phone.goto(server + "/?state=all&rule=review_due")
        assert phone.locator("table.alerts tbody tr").count() == 1
        phone.goto(f"{server}/?state=all")
        phone.select_option("select[name=rule]", "dead_bill_cited")
        phone.click("form.filters button[type=submit]")
        phone.wait_for_url(re.compile(r"rule=dead_bill_cited"))
        assert phone.locator("table.alerts tbody tr").count() == 1
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"the queue is {width}px wide on a 390px screen"
        phone.goto(f"{server}/alerts/{hostile['id']}")
        assert "The record says now" in phone.inner_text("main")
        browser.close()
    assert dialogs == []
