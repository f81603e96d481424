"""The review page over HTTP: every page and API route on a real database (SQLite, or PostgreSQL
with $LEGISTRACK_TEST_DATABASE_URL), seeded by the real store and check (tests/webseed.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from scheduler.cli import cli
from scheduler.reports import render_status
from scheduler.web.app import create_app
from scheduler.web.data import Data
from scheduler.web.security import Guard

from .webseed import HOSTILE_NOTE, HOSTILE_TITLE, Seeded, seed

ORIGIN = {"Origin": "http://testserver"}  # what a browser sends with the page's own forms
ESCAPED_NOTE = "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;"
ESCAPED_TITLE = "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"


@pytest.fixture
def seeded(tmp_path: Path, database_url: str) -> Seeded:
    return seed(tmp_path, database_url)


@pytest.fixture
def client(seeded: Seeded) -> Iterator[TestClient]:
    data = Data(seeded.config)
    guard = Guard.build(seeded.config.web, "127.0.0.1", 8150, "tester")
    with TestClient(create_app(data, guard), follow_redirects=False) as client:
        yield client
    data.close()


def cli_json(seeded: Seeded, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--config", str(seeded.config.path), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def ids_shown(client: TestClient, query: str) -> list[int]:
    return [a["id"] for a in client.get(f"/api/alerts?{query}").json()]


def test_queue_shows_active_alerts_newest_first_with_counts(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "open <b>4</b>" in page.text and "acknowledged <b>0</b>" in page.text
    assert "changed_since_note <b>2</b>" in page.text
    for alert_id in (1, 2, 3, 4):
        assert f'href="/alerts/{alert_id}"' in page.text
    assert page.text.index('href="/alerts/4"') < page.text.index('href="/alerts/1"')
    assert HOSTILE_NOTE not in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [4, 3, 2, 1]),
        ("rule=review_due", [4]),
        ("severity=stale", [3, 2, 1]),
        ("kind=bill", [3, 2, 1]),
        ("kind=note", [4]),
        ("note=notes/watch.md", [4, 3]),
        ("subject=999:H.1004", [2]),
        ("q=pending", [2]),
        ("q=IN+committee", [3, 1]),
        ("q=committee+H.1001", [1]),
        ("q=100%25", []),
        ("age=day", []),
        ("age=older", [4, 3, 2, 1]),
        ("state=resolved", []),
        ("state=all&rule=dead_bill_cited", [1]),
    ],
)
def test_queue_filters_and_search(client: TestClient, query: str, expected: list[int]) -> None:
    assert ids_shown(client, query) == expected
    page = client.get(f"/?{query}").text
    shown = [i for i in (1, 2, 3, 4) if f'name="ids" value="{i}"' in page]
    assert sorted(shown, reverse=True) == expected


def test_alert_page_puts_the_claim_beside_the_record(client: TestClient) -> None:
    page = client.get("/alerts/1").text
    assert '<mark title="the claimed words">in committee</mark>' in page
    assert ESCAPED_NOTE in page and HOSTILE_NOTE not in page
    assert ESCAPED_TITLE in page and HOSTILE_TITLE not in page
    assert "replaced by a new draft" in page
    assert 'href="/bills/999/H.1002"' in page  # the successor
    assert 'href="http://legislature.test/Bills/999/H1001"' in page  # the official page
    assert "<svg" in page and "note written 2025-03-01" in page
    assert "detected" in page and "legistrack" in page  # its history so far


def test_alert_page_of_a_signed_bill_names_the_chapter(client: TestClient) -> None:
    page = client.get("/alerts/2").text
    assert "Chapter 139 of the Acts of 2025" in page
    assert 'href="http://legislature.test/Laws/SessionLaws/Acts/2025/Chapter139"' in page
    assert "Signed by the Governor" in page and "Executive" in page


def test_ack_then_resolve_with_an_outcome_records_who_and_why(
    client: TestClient, seeded: Seeded
) -> None:
    done = client.post("/alerts/1/ack", data={"comment": "rewriting it"}, headers=ORIGIN)
    assert done.status_code == 303 and done.headers["location"] == "/alerts/1"
    refused = client.post("/alerts/1/resolve", data={"outcome": "maybe"}, headers=ORIGIN)
    assert refused.status_code == 400
    done = client.post(
        "/alerts/1/resolve",
        data={"outcome": "note_updated", "comment": "<b>fixed</b>"},
        headers=ORIGIN,
    )
    assert done.status_code == 303
    page = client.get("/alerts/1").text
    assert "acknowledged</b> by <b>tester</b>: rewriting it" in page
    assert "(note updated) by <b>tester</b>: &lt;b&gt;fixed&lt;/b&gt;" in page
    again = client.post("/alerts/1/ack", headers=ORIGIN)
    assert "problem=" in again.headers["location"]
    assert "cannot become acknowledged" in client.get(again.headers["location"]).text
    listed = {a["id"]: a for a in cli_json(seeded, "alerts", "--state", "all", "--format", "json")}
    assert listed[1]["state"] == "resolved" and listed[1]["outcome"] == "note_updated"
    assert client.get("/alerts/99").status_code == 404


def test_bulk_acknowledge_ticked_then_resolve_all_the_filter_shows(
    client: TestClient, seeded: Seeded
) -> None:
    done = client.post(
        "/alerts/bulk", data={"action": "ack", "ids": ["1", "2"], "comment": "on it"},
        headers=ORIGIN,
    )  # fmt: skip
    assert done.status_code == 303 and "done=acknowledged&n=2&skipped=0" in done.headers["location"]
    assert "2 alerts acknowledged by tester" in client.get(done.headers["location"]).text
    form = {"action": "resolve", "scope": "shown", "outcome": "false_alarm",
            "rule": "changed_since_note"}  # fmt: skip
    done = client.post("/alerts/bulk", data=form, headers=ORIGIN)
    assert "done=resolved&n=2" in done.headers["location"]
    assert "rule=changed_since_note" in done.headers["location"]  # the filter is kept
    states = {a["id"]: (a["state"], a["outcome"]) for a in
              cli_json(seeded, "alerts", "--state", "all", "--format", "json")}  # fmt: skip
    assert states == {
        1: ("acknowledged", None),
        2: ("resolved", "false_alarm"),
        3: ("resolved", "false_alarm"),
        4: ("open", None),
    }
    no_outcome = client.post("/alerts/bulk", data={"action": "resolve", "ids": ["4"]},
                             headers=ORIGIN)  # fmt: skip
    assert no_outcome.status_code == 400


def test_status_measure_bill_and_diff_pages(client: TestClient) -> None:
    status = client.get("/status").text
    for name in ("Made-up measure", "Made-up Senate bill", "Made-up signed act"):
        assert name in status
    assert ESCAPED_TITLE in status and HOSTILE_TITLE not in status
    assert status.count("<svg") == 3
    measure = client.get("/measures/Made-up measure").text
    assert "H.1001 (999)" in measure and "H.1002 (999)" in measure and "<svg" in measure
    assert client.get("/measures/Nothing").status_code == 404
    bill = client.get("/bills/999/H.1002").text
    assert "Read third and passed to be engrossed" in bill and "Made-up measure" in bill
    assert client.get("/bills/999/h1002").status_code == 200  # any spelling of the number
    diff = client.get("/bills/999/H.1002/diff").text
    assert "nothing (first snapshot)" in diff and "+ 2025-06-18 House" in diff
    assert client.get("/bills/999/H.1002/diff?since=yesterday").status_code == 400
    assert client.get("/bills/999/H.9999").status_code == 404
    assert client.get("/bills/999/X.1").status_code == 404
    assert client.get("/orders").status_code == 200
    assert "No story is stored" in client.get("/news").text
    assert "No story is stored for this subject" in client.get("/news?subject=EO 650").text


def test_notes_pages_show_dates_claims_and_marked_stale_sentences(client: TestClient) -> None:
    listing = client.get("/notes").text
    for name in ("notes/drafts.md", "notes/senate.txt", "notes/watch.md"):
        assert name in listing
    assert "2025-03-01" in listing and "front matter" in listing
    note = client.get("/notes/notes/drafts.md").text
    assert f"<mark>H.1001 is in committee. {ESCAPED_NOTE}</mark>" in note
    assert "dead_bill_cited" in note and "in committee" in note
    assert client.get("/notes/notes/none.md").status_code == 404


def test_precision_page_api_and_cli_count_reviewers_outcomes(
    client: TestClient, seeded: Seeded
) -> None:
    for alert_id, outcome in ((2, "note_updated"), (3, "false_alarm")):
        client.post(f"/alerts/{alert_id}/resolve", data={"outcome": outcome}, headers=ORIGIN)
    rows = {r["rule"]: r for r in client.get("/api/stats").json()}
    assert rows["changed_since_note"]["precision"] == 0.5
    assert rows["changed_since_note"]["counts"] == {"note_updated": 1, "false_alarm": 1}
    assert rows["dead_bill_cited"]["precision"] is None
    assert "50%" in client.get("/stats").text
    from_cli = {r["rule"]: r for r in cli_json(seeded, "alerts", "stats", "--format", "json")}
    assert from_cli["changed_since_note"]["precision"] == 0.5
    table = CliRunner().invoke(cli, ["--config", str(seeded.config.path), "alerts", "stats"])
    assert "changed_since_note" in table.output and "50%" in table.output


def test_atom_feed_of_open_alerts_links_each_page(client: TestClient) -> None:
    client.post("/alerts/4/resolve", data={"outcome": "will_not_fix"}, headers=ORIGIN)
    response = client.get("/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [e.find("a:link", ns).get("href") for e in root.findall("a:entry", ns)]  # type: ignore[union-attr]
    assert links == [f"http://testserver/alerts/{i}" for i in (3, 2, 1)]
    summaries = " ".join(e.findtext("a:summary", "", ns) for e in root.findall("a:entry", ns))
    assert HOSTILE_NOTE in summaries  # text in the XML, escaped on the wire
    assert b"<script>" not in response.content
    client.app.state.feed_max = 2  # type: ignore[attr-defined]
    newest = ET.fromstring(client.get("/feed.atom").content)
    assert len(newest.findall("a:entry", ns)) == 2


def test_a_control_character_in_an_alert_does_not_break_the_feed() -> None:
    from datetime import UTC, datetime

    from scheduler.web.feed import atom_feed

    row = {
        "id": 1,
        "rule": "contradicts_note",
        "note": "notes/hostile\x00.md",
        "subject": "999:H.12",
        "message": "the note says \x1b[31mpassed\x1b[0m\x07 \u202eexe.jpg",
        "note_says": "H.12 passed\x0b the House\x00",
        "record_says": "in committee\ufffe",
        "detected_at": "2026-03-01T12:00:00Z",
        "last_seen_at": None,
    }
    body = atom_feed([row], "http://testserver", datetime(2026, 3, 2, tzinfo=UTC))
    root = ET.fromstring(body)  # well-formed: a reader can read it
    summary = root.findtext(
        "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary"
    )
    assert summary is not None and "passed" in summary and "H.12 passed the House" in summary
    assert "\x1b" not in summary and "\u202e" not in summary


def test_api_alerts_match_the_cli_and_change_state(client: TestClient, seeded: Seeded) -> None:
    from_cli = cli_json(seeded, "alerts", "--format", "json")
    from_api = client.get("/api/alerts?state=open").json()
    assert [{k: a[k] for k in from_cli[0]} for a in from_api] == sorted(
        from_cli, key=lambda a: -a["id"]
    )
    one = client.get("/api/alerts/1").json()
    assert one["kind"] == "bill" and one["history"][0]["by"] == "legistrack"
    acked = client.post("/api/alerts/1/ack", json={"comment": "api"}, headers=ORIGIN).json()
    assert acked["state"] == "acknowledged" and acked["history"][-1]["by"] == "tester"
    bad = client.post("/api/alerts/1/resolve", json={"outcome": "nope"})
    assert bad.status_code == 422
    ok = client.post("/api/alerts/1/resolve", json={"outcome": "will_not_fix"})
    assert ok.json()["outcome"] == "will_not_fix"
    assert client.post("/api/alerts/1/resolve", json={"outcome": "false_alarm"}).status_code == 409
    assert client.post("/api/alerts/77/ack", json={}).status_code == 404
    assert client.get("/api/alerts/77").status_code == 404
    bulk = client.post("/api/alerts/bulk", json={"ids": [1, 2, 3], "action": "ack"}).json()
    assert bulk["changed"] == [2, 3] and "alert 1 is resolved" in bulk["problems"][0]
    needs = client.post("/api/alerts/bulk", json={"ids": [2], "action": "resolve"})
    assert needs.status_code == 422


def test_api_status_is_the_status_json(client: TestClient, seeded: Seeded) -> None:
    api = client.get("/api/status").json()
    cli_doc = json.loads(render_status(seeded.config, "json"))
    api.pop("generated_at")
    cli_doc.pop("generated_at")
    assert api == cli_doc
    assert client.get("/api/measures").json() == cli_doc["measures"]
    bill = client.get("/api/bills/999/H.1004").json()
    assert bill["bill"]["stage"] == "signed" and bill["snapshots"][0]["stage"] == "signed"
    assert client.get("/api/bills/999/H.9").status_code == 404


def test_api_notes_and_the_openapi_schema(client: TestClient) -> None:
    notes = client.get("/api/notes").json()
    assert {n["name"]: n["findings"] for n in notes["notes"]} == {
        "notes/drafts.md": 2,
        "notes/senate.txt": 0,
        "notes/watch.md": 2,
    }
    one = client.get("/api/notes/notes/drafts.md").json()
    assert one["date"] == "2025-03-01" and one["date_source"] == "front_matter"
    assert {s["key"] for s in one["subjects"]} == {"999:H.1001", "999:H.1004"}
    assert client.get("/api/notes/nothing.md").status_code == 404
    schema = client.get("/api/openapi.json").json()
    paths = ["/api/alerts", "/api/alerts/{alert_id}/resolve", "/api/alerts/bulk", "/api/status"]
    paths += ["/api/bills/{court}/{number}", "/api/notes", "/api/stats"]
    for path in paths:
        assert path in schema["paths"], path
    assert "/alerts/{alert_id}" not in schema["paths"]  # pages are not API
    assert client.get("/docs").status_code == 404  # no CDN-loaded docs page


def test_static_files_and_the_vendored_htmx(client: TestClient) -> None:
    htmx = client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "Zero-Clause BSD" in htmx.text[:300]
    assert client.get("/static/style.css").status_code == 200
    page = client.get("/").text
    assert 'src="/static/htmx.min.js"' in page and "cdn" not in page.lower()


def test_a_long_queue_lists_the_newest_and_says_so(client: TestClient) -> None:
    client.app.state.shown_max = 2  # type: ignore[attr-defined]
    page = client.get("/").text
    assert page.count('name="ids"') == 2 and "The newest 2 of 4 are listed" in page
    assert "all 4 alerts this filter shows" in page


def test_the_api_pages_through_alerts_and_says_how_many(client: TestClient) -> None:
    every = client.get("/api/alerts")
    assert every.headers["X-Total-Count"] == "4" and len(every.json()) == 4
    ids = [a["id"] for a in every.json()]
    first = client.get("/api/alerts?limit=3")
    rest = client.get("/api/alerts?limit=3&offset=3")
    assert [a["id"] for a in first.json()] == ids[:3]
    assert [a["id"] for a in rest.json()] == ids[3:]
    assert first.headers["X-Total-Count"] == rest.headers["X-Total-Count"] == "4"
    assert client.get("/api/alerts?offset=10").json() == []
    for bad in ("limit=0", "limit=-1", "offset=-1", "limit=99999999999999999999"):
        assert client.get(f"/api/alerts?{bad}").status_code == 422, bad
