"""Bad days, end to end: each fault served by the replay server, through the real spiders and
database. Nothing stored is lost or altered, no stage moves, no note alert comes from broken
data, the failure names source, item and fault, and failed runs raise source_failing (after three
in a row, tested once per source; the other faults set the threshold to one failed run).

Every fault starts from the same good crawl, made once per session and copied into its database.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from crawler.replay import Canned, ReplayServer
from models.storage.db import make_engine, session_scope
from models.storage.schema import NewsItem, Snapshot

from .conftest import FIXTURES, Project, Templates, legistrack_bin, write_config

DOC = "/api/GeneralCourts/999/Documents/S1003"
HISTORY = DOC + "/DocumentHistoryActions"
PAGE = "/Bills/999/S1003"
GOOD_DOC = (FIXTURES / "site" / f"{DOC[1:]}.json").read_bytes()
GOOD_HISTORY = (FIXTURES / "site" / f"{HISTORY[1:]}.json").read_bytes()
# A re-crawl asks the API for a stored bill's history first (its document only when the history
# changed), so that is where most faults are served.
API = HISTORY
HTML = {"Content-Type": "text/html"}
JSON = {"Content-Type": "application/json"}
NOTE = "Made-up Senate note\n\nS.1003 passed the Senate.\n\nLast updated: Jun 1, 2025\n"


@dataclass
class Fault:
    name: str
    overrides: dict[str, Canned]
    says: str  # what the FAILED line must say about the fault
    crawl: str = ""  # extra [crawl] settings
    source: str = "legislature"
    subject: str = "999:S.1003"
    expect_requests: dict[str, int] = field(default_factory=dict)
    streak: bool = False  # three failing crawls before source_failing (else the alert's at one)


def no_page(status: int = 404) -> dict[str, Canned]:
    return {PAGE: Canned(status, b"<html><body>Not found</body></html>", HTML)}


FAULTS = [
    Fault(
        "http 500",
        {API: Canned(500, b"Internal Server Error")} | no_page(),
        "API: HTTP 500 at",
        streak=True,
    ),
    Fault("http 502", {API: Canned(502, b"Bad Gateway")} | no_page(), "API: HTTP 502 at"),
    Fault(
        "http 503 retry-after",
        {API: Canned(503, b"busy", {"Retry-After": "1"})} | no_page(),
        "API: HTTP 503 at",
        crawl="retry_times = 1\nretry_backoff_max = 5.0\n",
        expect_requests={API: 2},
    ),
    Fault(
        "http 429 retry-after",
        {API: Canned(429, b"slow down", {"Retry-After": "1"})} | no_page(),
        "API: HTTP 429 at",
        crawl="retry_times = 1\nretry_backoff_max = 5.0\n",
        expect_requests={API: 2},
    ),
    Fault("http 404", {API: Canned(404, b"nope")} | no_page(), "API: HTTP 404 at"),
    Fault(
        "slower than the timeout",
        {API: Canned(200, GOOD_HISTORY, JSON, delay=4)} | no_page(),
        "API: timed out at",
        crawl="download_timeout = 1.0\n",
    ),
    Fault(
        "connection reset mid-body",
        {API: Canned(200, GOOD_HISTORY, JSON, reset_after=40)} | no_page(),
        "API: connection lost mid-response at",
    ),
    Fault(
        "truncated JSON",
        {API: Canned(200, GOOD_HISTORY[: len(GOOD_HISTORY) // 2], JSON)} | no_page(),
        "expected JSON, got not JSON",
    ),
    Fault(
        "JSON nested 100,000 deep",
        {API: Canned(200, b"[" * 100_000 + b"]" * 100_000, JSON)} | no_page(),
        "expected JSON, got JSON nested too deep to read",
    ),
    Fault(
        "HTML error page with status 200",
        {API: Canned(200, b"<!DOCTYPE html><html><body>Error</body></html>", HTML)} | no_page(),
        "expected JSON, got an HTML page",
    ),
    Fault(
        "JSON without its fields",
        {API: Canned(200, b'{"Message": "An error has occurred."}', JSON)} | no_page(),
        "expected a JSON list of history actions, got dict",
    ),
    Fault(
        "document fails after the history changed",
        {
            API: Canned(
                200, GOOD_HISTORY.replace(b"2025-05-01T15:00:00", b"2025-05-02T15:00:00"), JSON
            ),
            DOC: Canned(500, b"Internal Server Error"),
        }
        | no_page(),
        "API: HTTP 500 at",
    ),
    Fault(
        "empty history where there was one",
        {HISTORY: Canned(200, b"[]", JSON)},
        "empty history for 999:S.1003",
    ),
    Fault(
        "bill page without its heading",
        {
            API: Canned(500, b"error"),
            PAGE: Canned(200, b"<html><body><h2>x</h2></body></html>", HTML),
        },
        "HTML page: ",
    ),
    Fault(
        "redirect to a host not configured",
        {
            API: Canned(302, b"", {"Location": "http://elsewhere.invalid/api/doc"}),
            PAGE: Canned(302, b"", {"Location": "http://elsewhere.invalid/page"}),
        },
        "refused: 'elsewhere.invalid' is not a configured host",
    ),
    Fault(
        "body over the size limit",
        {API: Canned(200, GOOD_HISTORY + b" " * 60_000, JSON)} | no_page(),
        "API: ",
        crawl="max_response_bytes = 20000\n",
    ),
    Fault(
        "bytes that are not UTF-8",
        {API: Canned(200, GOOD_HISTORY.replace(b"Read third", b"Read \xff\xfe third"), JSON)}
        | no_page(),
        "body is not valid utf-8 text",
    ),
    Fault(
        "RSS feed with an entity-expansion bomb",
        {"/feeds/bolts.xml": Canned(200, (FIXTURES / "feeds" / "entity_bomb.xml").read_bytes())},
        "feed declares XML entities (refused)",
        source="news",
        subject="feed Bolts",
    ),
    Fault(
        "a feed that is not XML",
        {"/feeds/bolts.xml": Canned(200, b"\x00\x01 not xml at all", HTML)},
        "expected a feed",
        source="news",
        subject="feed Bolts",
        streak=True,
    ),
]

# The transport faults again through Twisted's HTTP/1.1 handler, the `http_client` a deployment
# can switch back to (crawler.http); the default, aiohttp, is the one above.
TRANSPORT = ("http 503 retry-after", "slower than the timeout", "connection reset mid-body",
             "body over the size limit", "redirect to a host not configured")  # fmt: skip
FAULTS += [
    replace(fault, name=f"{fault.name} (twisted)", crawl=f'{fault.crawl}http_client = "twisted"\n')
    for fault in FAULTS
    if fault.name in TRANSPORT
]


def fault_project(tmp_path: Path, database_url: str, site: ReplayServer, fault: Fault) -> Project:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "senate.txt").write_text(NOTE)
    config = write_config(tmp_path, database_url, site.url, {"Example": [(999, "S.1003")]})
    body = config.read_text().replace("[crawl]\n", f"[crawl]\n{fault.crawl}", 1)
    body = body.replace("retry_times = 0\n", "") if "retry_times" in fault.crawl else body
    body = (
        body.replace("download_timeout = 10.0\n", "") if "download_timeout" in fault.crawl else body
    )
    feed = f'[[feeds]]\nname = "Bolts"\nurl = "{site.url}/feeds/bolts.xml"\n'
    body += f'\n[notes]\npaths = ["notes"]\n\n{feed}'
    if not fault.streak:  # the streak is tested once per source; here one failure raises the alert
        body += "\n[schedule]\nfailures_before_alert = 1\n"
    config.write_text(body)
    return Project(tmp_path, config, database_url)


def record(project: Project) -> dict[str, Any]:
    """Everything a fault must not touch: snapshots, stages, news, alerts."""
    engine = make_engine(project.database_url)
    with session_scope(engine) as session:
        snapshots = sorted(
            (s.id, s.bill_id, s.content_hash) for s in session.scalars(select(Snapshot))
        )
        news = sorted(n.key for n in session.scalars(select(NewsItem)))
    engine.dispose()
    status = json.loads(project.run("status", "--format", "json", check=True).out)
    stages = {b["number"]: (b["stage"], b["stage_date"]) for b in status["measures"][0]["bills"]}
    return {"snapshots": snapshots, "stages": stages, "news": news}


def alerts(project: Project) -> list[dict[str, Any]]:
    return json.loads(project.run("alerts", "--state", "all", "--format", "json", check=True).out)


def good_crawl(site: ReplayServer) -> Callable[[Path, str], None]:
    """Build the template every fault starts from: one good crawl of the legislature and news."""

    def build(folder: Path, url: str) -> None:
        fault_project(folder, url, site, Fault("none", {}, "")).run("crawl", check=True)

    return build


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault(
    tmp_path: Path, database_url: str, site: ReplayServer, templates: Templates, fault: Fault
) -> None:
    project = fault_project(tmp_path, database_url, site, fault)
    templates.copy("test_faults: one good crawl", database_url, good_crawl(site))
    before = record(project)
    assert before["snapshots"] and before["news"]
    assert alerts(project) == []
    site.overrides.update(fault.overrides)
    started = len(site.requests)
    for attempt in range(3 if fault.streak else 1):
        result = project.run("crawl", "--source", fault.source)
        assert result.code == 2, (attempt, result.out, result.err)
        failed = [x for x in result.err.splitlines() if x.startswith(f"FAILED {fault.subject}: ")]
        assert failed, result.err
        assert fault.says in failed[0], failed[0]
        assert "Traceback" not in result.err
        assert record(project) == before  # nothing lost, altered or invented
        if attempt == 0:
            for path, count in fault.expect_requests.items():
                asked = [r for r in site.requests[started:] if r.path == path]
                assert len(asked) == count, (path, len(asked))
                if count > 1:  # Retry-After: 1 honoured, within the configured bound
                    assert 0.9 <= asked[1].at - asked[0].at <= 5.0
    found = alerts(project)
    assert [(a["rule"], a["subject"]) for a in found] == [("source_failing", fault.source)]
    assert fault.says.split(" at")[0] in found[0]["message"] or fault.says in found[0]["message"]


def sqlite_consistent(url: str) -> None:
    if url.startswith("sqlite"):
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        engine.dispose()


def test_a_crawl_killed_mid_crawl_leaves_the_database_consistent(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    config = write_config(
        tmp_path, database_url, site.url, {"M": [(999, "H.1001"), (999, "S.1003")]}
    )
    project = Project(tmp_path, config, database_url)
    project.run("crawl", check=True)
    before = record(project)
    site.open.clear()  # answers wait: the crawl is killed while it fetches
    asked_before = len(site.requests)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    proc = subprocess.Popen(
        [legistrack_bin(), "--config", str(config), "crawl"], env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(site.requests) < asked_before + 2:  # the crawl is fetching: kill it now
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    site.open.set()
    sqlite_consistent(database_url)
    assert record(project) == before  # no half-written snapshot
    result = project.run("crawl", check=True)  # the next crawl completes
    assert "0 failed" in result.out
    runs = project.run("sources", check=True).out
    assert "the crawl process ended before finishing" in runs  # the killed run: failed, named


def test_two_crawls_racing_on_one_database(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    config = write_config(tmp_path, database_url, site.url, {"M": [(999, "S.1003")]})
    site.open.clear()  # the crawl holding the lock waits at its first request until one exits
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    procs = [
        subprocess.Popen(
            [legistrack_bin(), "--config", str(config), "crawl"],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    deadline = time.monotonic() + 120
    while all(p.poll() is None for p in procs):  # one is refused while the other is held
        assert time.monotonic() < deadline
        time.sleep(0.05)
    site.open.set()
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results  # one crawls, the other refuses
    refusal = next(err for code, _, err in results if code == 2)
    assert "a crawl of legislature is already running on this database" in refusal
    sqlite_consistent(database_url)
    project = Project(tmp_path, config, database_url)
    assert "1 bills checked, 0 changed, 0 failed" in project.run("crawl", check=True).out


HOSTILE = [
    ("binary.md", b"\x00\x01\x02PNG\x00" * 100, "binary"),
    ("latin1.txt", "Café S.1003 passed the Senate.".encode("latin-1"), "not UTF-8"),
    ("broken.md", b"---\ntitle: [x\n---\nS.1003\n", "front matter"),
    ("huge.txt", b"a" * (50 * 1024 * 1024), "too large"),
]


def test_hostile_notes_each_get_one_line_and_the_others_are_checked(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    for name, body, _ in HOSTILE:
        (notes / name).write_bytes(body)
    refs = "\n".join(f"• S.1003 and H.{2000 + i} are cited here." for i in range(3000))
    (notes / "many.txt").write_text(f"Many references\n\n{refs}\n\nLast updated: Jun 1, 2025\n")
    (notes / "stale.txt").write_text(NOTE.replace("passed the Senate", "is in committee"))
    config = write_config(tmp_path, database_url, site.url, {"M": [(999, "S.1003")]})
    config.write_text(config.read_text() + '\n[notes]\npaths = ["notes"]\n')
    project = Project(tmp_path, config, database_url)
    project.run("crawl", "--no-check", check=True)
    result = project.run("notes", "check")
    assert result.code == 2  # some notes could not be read
    errors = result.err.strip().splitlines()
    assert len(errors) == len(HOSTILE)
    for name, _, problem in HOSTILE:
        line = next(e for e in errors if f"{notes / name}:" in e)
        assert line.startswith("NOTE ERROR ") and problem in line, line
    assert "stale.txt: STALE" in result.out and "many.txt: ok" in result.out
    assert "2 notes checked, 1 stale, 4 unreadable" in result.out
    show = project.run("notes", "show", str(notes / "many.txt"), check=True).out
    assert show.count("untracked") == 3000
