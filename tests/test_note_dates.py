"""The date a note's own text gives itself, in every style published texts write it.

Every note here is constructed for these tests (names, outlets, URLs and stories are made up);
each is written in the style of a kind of published text (news story, press release, newsletter,
advocacy page, pasted web page) without copying any.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.notes.dates import text_dating
from models.notes.reading import read_note

BODY = "\n\nA made-up paragraph about made-up things, for a test.\n"

# (case, note text, expected date, where it was read: the start of Note.date_from)
STYLES = [
    # bylines
    ("byline with a bar", "Made-up headline\n\nA dek line.\n\nJane Roe   |    February 9, 2026"
     + BODY, date(2026, 2, 9), 'the byline (line 5: "Jane Roe | February 9, 2026")'),
    ("byline By, day first", "Made-up headline\n\nBy Jane Roe, 9 February 2026" + BODY,
     date(2026, 2, 9), "the byline (line 3"),
    ("byline with a dot, ISO date", "Made-up headline\nJane Roe · 2026-02-09" + BODY,
     date(2026, 2, 9), "the byline (line 2"),
    ("byline, two authors and a time", "Made-up headline\n\nBy Jane Roe and Sam Poe | 02/09/2026"
     " 3:15 PM ET" + BODY, date(2026, 2, 9), "the byline (line 3"),
    ("byline, abbreviated month", "Made-up headline\n\n_Sam Poe — Feb. 9, 2026_" + BODY,
     date(2026, 2, 9), "the byline (line 3"),
    # datelines
    ("dateline in parentheses", "Made-up release title\n\nBOSTON (January 30, 2025) — The"
     " made-up office said today that it would do made-up things.\n", date(2025, 1, 30),
     "the dateline (line 3"),
    ("dateline with a state", "Made-up release title\n\nSPRINGFIELD, Mass., Jan. 30, 2025 — The"
     " made-up office said so.\n", date(2025, 1, 30), "the dateline (line 3"),
    # press-release headers
    ("release header, date below", "FOR IMMEDIATE RELEASE\nJanuary 30, 2025\nContact: Made-up"
     " Press Office\n\nMade-up release title" + BODY, date(2025, 1, 30),
     "a press-release header (line 2"),
    ("release header, weekday", "For Immediate Release:\nThursday, January 30, 2025\n\nMade-up"
     " title" + BODY, date(2025, 1, 30), "a press-release header (line 2"),
    ("release header, same line", "Made-up title\n\nFor Immediate Release: 1/30/2025" + BODY,
     date(2025, 1, 30), "a press-release header (line 3"),
    # date fields
    ("Date: field, US numbers", "Made-up memo\n\nDate: 01/29/2026" + BODY, date(2026, 1, 29),
     'a date field (line 3: "Date: 01/29/2026")'),
    ("Published: field, ISO", "Made-up page\n\n**Published:** 2026-02-09" + BODY,
     date(2026, 2, 9), "a date field (line 3"),
    ("Posted on", "Made-up newsletter\n\nPosted on March 2, 2026 by the Made-up Coalition" + BODY,
     date(2026, 3, 2), "a date field (line 3"),
    ("Originally published", "Made-up column\n\nOriginally published March 2, 2026" + BODY,
     date(2026, 3, 2), "a date field (line 3"),
    # a date line at the top
    ("a bare date under the title", "Made-up title\nFebruary 9, 2026" + BODY, date(2026, 2, 9),
     "a date line at the top (line 2"),
    # update lines: the latest update wins; a month and day take the publication's year
    ("update line after a byline", "Made-up headline\n\nJane Roe | February 6, 2026" + BODY
     + "\nUpdate (Feb. 9): A made-up correction.\n", date(2026, 2, 9),
     'an update line (line 7: "Update (Feb. 9): A made-up correction."); published 2026-02-06,'
     " the byline (line 3"),
    ("correction line", "Made-up headline\n\nDate: 02/06/2026" + BODY
     + "\nCorrection (Feb. 10): A made-up fix.\n", date(2026, 2, 10), "an update line (line 7"),
    ("UPDATE with a full date", "Made-up headline\n\nJane Roe | February 6, 2026" + BODY
     + "\nUPDATE, Feb. 12, 2026: More made-up news.\n", date(2026, 2, 12),
     "an update line (line 7"),
    ("the latest of several updates", "Made-up headline\n\nPublished: Feb. 1, 2026" + BODY
     + "\nUpdate (Feb. 12): Second.\n\nUpdate (Feb. 9): First.\n", date(2026, 2, 12),
     "an update line (line 7"),
    ("an update across the new year", "Made-up headline\n\nJane Roe | December 30, 2025" + BODY
     + "\nUpdate (Jan. 2): A made-up follow-up.\n", date(2026, 1, 2), "an update line (line 7"),
    ('"Last updated:" after a byline', "Made-up headline\n\nJane Roe | February 6, 2026" + BODY
     + "\nLast updated: April 12, 2026\n", date(2026, 4, 12), 'a "Last updated:" line (line 7'),
    # a date in the URL of the text's own Source: line
    ("Source: URL with /y/m/d/", "Made-up title" + BODY
     + "\nSource: https://news.example.org/2026/05/24/made-up-story/\n", date(2026, 5, 24),
     "the date in a Source: URL (line 5"),
    ("Source: URL with y-m-d", "Made-up title" + BODY
     + "\nSource: Made-up Wire — https://wire.example.org/stories/2026-05-24-made-up\n",
     date(2026, 5, 24), "the date in a Source: URL (line 5"),
    ("a byline wins over a Source: URL", "Made-up title\n\nJane Roe | February 9, 2026" + BODY
     + "\nSource: https://news.example.org/2026/01/15/older-made-up-story/\n", date(2026, 2, 9),
     "the byline (line 3"),
    # leftovers of pasted web pages
    ("<time datetime>", 'Made-up title\n<time datetime="2026-02-09T08:00:00-05:00">Feb 9</time>'
     + BODY, date(2026, 2, 9), "a date tag of a pasted web page (line 2"),
    ("published and modified meta tags", "Made-up title\n"
     '<meta property="article:published_time" content="2026-02-09T13:00:00Z">\n'
     '<meta property="article:modified_time" content="2026-02-11T13:00:00Z" />' + BODY,
     date(2026, 2, 11), "a modified-date tag of a pasted web page (line 3"),
    ("JSON-LD datePublished", 'Made-up title\n{"@type": "NewsArticle", "datePublished":'
     ' "2026-02-09T08:00:00-05:00"}' + BODY, date(2026, 2, 9), "a date tag of a pasted web page"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "day", "origin"), STYLES, ids=[s[0] for s in STYLES])
def test_each_date_style(tmp_path: Path, case: str, text: str, day: date, origin: str) -> None:
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    note = read_note(path)
    assert (note.date, note.date_source, note.undated) == (day, "text", False), case
    assert note.date_from.startswith(origin), note.date_from


SPELLINGS = [
    "Feb. 9, 2026", "February 9, 2026", "Feb 9 2026", "9 February 2026", "9 Feb. 2026",
    "02/09/2026", "2/9/2026", "2026-02-09", "February 9th, 2026", "Monday, February 9, 2026",
]  # fmt: skip


@pytest.mark.parametrize("written", SPELLINGS)
@pytest.mark.parametrize("line", ["Jane Roe | {}", "Published: {}", "BOSTON ({}) — Made-up."])
def test_every_spelling_in_every_place(written: str, line: str) -> None:
    best = text_dating("Made-up title\n\n" + line.format(written) + BODY).best
    assert best is not None and best.day == date(2026, 2, 9)


# Dates that do not date the text: the note is undated (judged as of its file's mtime here).
TRAPS = [
    ("an event in a sentence", "Made-up title\n\nThe hearing on Nov 25, 2025 drew a made-up crowd"
     " of 300 people.\n"),
    ("an event opening a line", "Made-up title\n\nOn March 25, 2026, the made-up House voted.\n"),
    ("a dated bullet of a timeline", "Made-up timeline\n\n- Date: Nov 25, 2025 (hearing)\n"
     "- Jan. 28, 2026 — filed\n"),
    ("a table row", "Made-up table\n\n| Hearing | Nov 25, 2025 |\n|---|---|\n"),
    ("a title naming a date", "Hearing scheduled for Nov 25, 2025 on made-up bills\n\nText.\n"),
    ("an update label without a date", "Made-up title\n\nUpdate: the made-up committee met on"
     " Nov 25, 2025.\n"),
    ("a month and day with no year to take", "Made-up title\n\nUpdate (Feb. 9): fixed.\n"),
    ("a Source: URL without a date", "Made-up title\n\nSource: https://example.org/made-up\n"),
    ("a dated URL that is no Source: line", "Made-up title\n\nSee"
     " https://example.org/2026/05/24/made-up for more.\n"),
    ("a name-and-date line deep in the body", "Made-up title\n\n" + "Made-up line.\n" * 16
     + "Senate Vote — May 7, 2026\n"),
    ("a month alone in a byline", "Made-up title\n\nJane Roe | February 2026\n"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text"), TRAPS, ids=[t[0] for t in TRAPS])
def test_dates_that_do_not_date_the_text(tmp_path: Path, case: str, text: str) -> None:
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    note = read_note(path)
    assert (note.date_source, note.undated) == ("mtime", True), (case, note.date_from)
    assert note.date_from == "undated: the file's modification time"


def test_front_matter_wins_over_the_text(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("---\nlast_updated: 2026-03-01\n---\n# Made-up\n\nJane Roe | Feb. 9, 2026\n")
    note = read_note(path)
    assert (note.date, note.date_source, note.date_from) == (
        date(2026, 3, 1), "front_matter", "front matter",
    )  # fmt: skip


def test_the_publication_date_is_kept_beside_the_updates() -> None:
    dating = text_dating(
        "Made-up\n\nJane Roe | February 6, 2026\n\nUpdate (Feb. 9): one.\nUpdate (Feb. 7): two.\n"
    )
    assert dating.published is not None and dating.published.day == date(2026, 2, 6)
    assert [u.day for u in dating.updates] == [date(2026, 2, 9), date(2026, 2, 7)]
    assert dating.best is not None and dating.best.day == date(2026, 2, 9)


def test_an_update_before_the_publication_date_does_not_win() -> None:
    best = text_dating("Made-up\n\nPublished: March 2, 2026\n\nLast updated: 2026-01-05\n").best
    assert best is not None and (best.day, best.kind) == (date(2026, 3, 2), "field")
