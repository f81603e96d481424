"""Text from a source or a note cannot act on the reader (issue 15, item 9): no terminal control
sequence reaches a terminal from `history`, `diff`, `status`, `news`, `alerts`, `notes check`,
`notes show`, `sources` or `crawl`, and `status --format markdown` shows tags and links as text.
Also `diff` and `history` never print Python's `None`. The hostile title, action, feed entry and
note below are constructed for this test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crawler.replay import Canned, ReplayServer

from .conftest import Project, write_config

OSC8 = "\x1b]8;;https://evil.example/\x07click me\x1b]8;;\x07"
HOSTILE = f"{OSC8} \x1b[2J\x07bell\x08\x08\x08 \u202egnp.exe \x9b31m \x1bPdcs\x1b\\"
MARKUP = (
    '<script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) '
    "**bold** | pipe"
)
DOC = "api/GeneralCourts/999/Documents/S1003.json"
HISTORY = "api/GeneralCourts/999/Documents/S1003/DocumentHistoryActions.json"
# What a terminal acts on: C0 controls but tab and newline, DEL, C1 controls, bidi controls.
ACTS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<!-- CONSTRUCTED test feed: a hostile entry citing a made-up bill -->
<rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example</link>
<description>constructed</description>
<item><title>S.1003 news \u202eevil\u202c \x9b2J done &lt;script&gt;</title>
<link>https://hostile.example/story</link><guid>hostile-1</guid>
<pubDate>Fri, 10 Apr 2026 13:30:00 +0000</pubDate>
<description>About S.1003 \u202egnp.exe</description></item>
</channel></rss>
"""
NOTE = f"Made-up note {HOSTILE}\n\nS.1003 is in committee {HOSTILE}.\n\nLast updated: Jun 1, 2025\n"


def clean(text: str) -> None:
    found = ACTS.findall(text)
    assert not found, (found[:5], text[:2000])


@pytest.fixture
def hostile_site(tmp_path: Path, database_url: str, site: ReplayServer) -> Project:
    root = site.root
    doc = json.loads((root / DOC).read_text())
    doc["Title"] = f"An Act {HOSTILE} {MARKUP}"
    (root / DOC).write_text(json.dumps(doc))
    history = json.loads((root / HISTORY).read_text())
    history[0]["Action"] = f"Read third and passed to be engrossed {HOSTILE}"
    (root / HISTORY).write_text(json.dumps(history))
    (root / "feeds" / "hostile.xml").write_text(FEED, encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "hostile.txt").write_text(NOTE)
    config = write_config(tmp_path, database_url, site.url, {"M": [(999, "S.1003")]})
    config.write_text(
        config.read_text()
        + '\n[notes]\npaths = ["notes"]\n\n[[feeds]]\nname = "Hostile \u202eeman"\n'
        + f'url = "{site.url}/feeds/hostile.xml"\n'
    )
    return Project(tmp_path, config, database_url)


def test_no_control_sequence_reaches_the_terminal(
    hostile_site: Project, site: ReplayServer
) -> None:
    project = hostile_site
    crawl = project.run("crawl")
    clean(crawl.out + crawl.err)
    history = json.loads((site.root / HISTORY).read_text())
    history.insert(0, {**history[0], "Action": f"Signed {HOSTILE}", "Date": "2025-06-02T10:00:00"})
    (site.root / HISTORY).write_text(json.dumps(history))
    clean(project.run("crawl").err)
    site.overrides["/api/GeneralCourts/999/Documents/S1003/DocumentHistoryActions"] = Canned(
        500, f"broken {HOSTILE}".encode()
    )
    failed = project.run("crawl", "--source", "legislature")
    clean(failed.out + failed.err)
    outputs = {}
    for args in (
        ["history", "S.1003"],
        ["diff", "S.1003"],
        ["status"],
        ["news"],
        ["alerts"],
        ["alerts", "show", "1"],
        ["notes", "check"],
        ["notes", "show", str(project.folder / "notes" / "hostile.txt")],
        ["sources"],
        ["check"],
    ):
        result = project.run(*args)
        assert "Traceback" not in result.err, (args, result.err)
        clean(result.out + result.err)
        outputs[" ".join(args[:2])] = result.out
    assert "click me" in outputs["history S.1003"]  # the text stays, its sequences go
    assert "Signed" in outputs["diff S.1003"] and "gnp.exe" in outputs["diff S.1003"]
    assert "S.1003 news" in outputs["news"]
    assert "None" not in outputs["history S.1003"] + outputs["diff S.1003"]


def test_json_keeps_the_text_and_escapes_what_a_terminal_acts_on(hostile_site: Project) -> None:
    project = hostile_site
    project.run("crawl")
    for args in (["status", "--format", "json"], ["news", "--format", "json"],
                 ["alerts", "--format", "json"]):  # fmt: skip
        out = project.run(*args, check=True).out
        clean(out)
        json.loads(out)
    status = json.loads(project.run("status", "--format", "json", check=True).out)
    assert HOSTILE in status["measures"][0]["bills"][0]["title"]  # faithful, only escaped


def test_markdown_shows_tags_and_links_as_text(hostile_site: Project) -> None:
    project = hostile_site
    project.run("crawl")
    markdown = project.run("status", "--format", "markdown", check=True).out
    clean(markdown)
    assert "<script" not in markdown and "<img" not in markdown
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown)  # no live link, only text
    assert "&lt;script&gt;" in markdown
    assert re.search(r"\[S\.1003\]\(http://127\.0\.0\.1:\d+/Bills/999/S1003\)", markdown)
    row = next(line for line in markdown.splitlines() if "S.1003" in line and "|" in line)
    assert row.count(" | ") == 4  # the title's `|` does not add a column


def test_diff_of_a_first_titled_snapshot_prints_no_none(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> None:
    doc = json.loads((site.root / DOC).read_text())
    titled = doc["Title"]
    doc["Title"] = None
    (site.root / DOC).write_text(json.dumps(doc))
    project = Project(
        tmp_path,
        write_config(tmp_path, database_url, site.url, {"M": [(999, "S.1003")]}),
        database_url,
    )
    project.run("crawl", check=True)
    doc["Title"] = titled
    (site.root / DOC).write_text(json.dumps(doc))
    history = json.loads((site.root / HISTORY).read_text())
    history.insert(
        0, {**history[0], "Action": "Constructed later action", "Date": "2025-06-02T10:00:00"}
    )
    (site.root / HISTORY).write_text(json.dumps(history))
    project.run("crawl", check=True)
    diff = project.run("diff", "S.1003", check=True).out
    history_out = project.run("history", "S.1003", check=True).out
    assert "None" not in diff + history_out, diff + history_out
    assert "title: (none) -> 'An Act relative to constructed Senate business'" in diff
