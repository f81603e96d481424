"""Long notes written as the world writes: feature stories, newsletters and press releases with
several paragraphs, several subjects and quotes from people, each with the findings it must get.

Every note is constructed prose (people, outlets and quotes are made up). The articles run
through the real reading, citing and judging code on a made-up record (court 999); the note in
the style of a published news story about the PROTECT Act runs through the real `legistrack
check` on a database crawled from the demo's replay (the demo's record: the House passed H.5316
on 2026-03-25).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.items import HistoryAction
from models.config import ConfigError, parse_config
from models.legislature.calendar import EASTERN
from models.legislature.numbers import BillRef
from models.notes.citations import Citer, note_facts
from models.notes.reading import read_note
from models.rules.staleness import BillRecord, SubjectRecord, check_note
from scheduler.cli import cli

from .conftest import run_cli

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
CONFIG = parse_config(
    {
        "measures": [
            {"name": "Made-up Act", "aliases": ["Made-up Act"],
             "bills": [{"court": 999, "number": "H.1001"}]},
            {"name": "Made-up Senate bill", "bills": [{"court": 999, "number": "S.1003"}]},
            {"name": "Made-up House bill", "bills": [{"court": 999, "number": "H.1005"}]},
        ]
    },
    None,
)  # fmt: skip
REFERRED = "Referred to the committee on the Judiciary"
ROWS = {
    "H.1001": [("2026-01-20", "House", REFERRED),
               ("2026-03-25", "House", "Read third and passed to be engrossed")],
    "S.1003": [("2025-01-10", "Senate", REFERRED),
               ("2025-12-01", "Senate", "No further action taken")],
    "H.1005": [("2025-02-01", "House", REFERRED),
               ("2025-11-25", "House", "Hearing scheduled for 11/25/2025 from 10:00 AM-01:00 PM")],
}  # fmt: skip


def bill(number: str) -> BillRecord:
    actions = [
        HistoryAction(datetime.fromisoformat(d).replace(hour=15, tzinfo=UTC), b, a, i)
        for i, (d, b, a) in enumerate(ROWS[number])
    ]
    return BillRecord(BillRef(999, number), actions, f"https://example.test/{number}")


RECORDS = {f"999:{n}": SubjectRecord(f"999:{n}", "bill", (bill(n),)) for n in ROWS}
RECORDS["Made-up Act"] = SubjectRecord("Made-up Act", "measure", (bill("H.1001"),))

FEATURE = """The Made-up Pipeline Nobody Voted On (constructed for tests)

Lawmakers want to limit made-up agreements this session. One of them is older than the session.

Jane Roe   |   February 6, 2026

Tomas waited thirty years for the gate. When it opened, a van he did not know was waiting. "I had
my books in a box," he said. "They took the box too."

The transfer ran under a court order signed by a judge long before, and under an agreement the
governor has kept. The state has enacted other laws on made-up cooperation, but those laws never
touched the Made-up Act's target.

Late last month, members of the made-up caucus introduced the Made-up Act, which bans new
made-up agreements for police but exempts the prisons. "We drew a line," one sponsor said.

An older proposal goes further. S.1003, filed last session, seeks to end every made-up agreement,
prisons included. "That is the bill we need," said Ana Diaz, a made-up public defender.

If enacted, H.1005 would require a made-up report each year. Its hearing on Nov 25, 2025 drew a
crowd, and H.1005 is still in committee.

Update (Feb. 9): An earlier version misstated a made-up figure.
"""

NEWSLETTER = """Made-up District Newsletter (constructed for tests)

Posted on March 2, 2026 by the Office of Made-up Rep. Sam Poe

Friends, a quick update from the State House.

Our H.1005 is still in committee, and I testified for it at its hearing in November. "Every
family deserves the report," I told the committee.

The Made-up Act is moving. Once signed, the Made-up Act would take effect within 90 days, and I
expect a vote soon.

Finally, some good news to close on: H.1005 was signed into law last month!

Thank you for reading.
"""

RELEASE = """FOR IMMEDIATE RELEASE
Thursday, January 29, 2026
Contact: Made-up Press Office

Made-up Coalition Renews Its Call (constructed for tests)

BOSTON (January 29, 2026) — The made-up coalition said today that S.1003, which died in committee
last session, aimed to end made-up agreements, and that its members will push for a new bill.

"We will be back," said Lee Park, the made-up coalition's director. The coalition also backs
H.1005, which remains in committee after its hearing.
"""

UNDATED = """Made-up Explainer Without a Date (constructed for tests)

The Made-up Act, introduced by the made-up caucus, is still in committee.

"It is overdue," said a made-up advocate.
"""

# (case, note, expected date, expected (subject, rule, words the finding quotes))
ARTICLES = [
    ("feature story", FEATURE, date(2026, 2, 9), {
        ("Made-up Act", "changed_since_note", "introduced the Made-up Act"),
        ("999:S.1003", "dead_bill_cited", "S.1003, filed last session, seeks to end"),
    }),
    ("legislator's newsletter", NEWSLETTER, date(2026, 3, 2), {
        ("Made-up Act", "changed_since_note", "Once signed, the Made-up Act would"),
        ("999:H.1005", "contradicts_note", "H.1005 was signed into law last month"),
    }),
    # right on its date and still right: S.1003 is said to have died, H.1005 is in committee
    ("press release", RELEASE, date(2026, 1, 29), set()),
]  # fmt: skip


def judge(
    tmp_path: Path, text: str, mtime: date = date(2026, 11, 1)
) -> tuple[date | None, list[tuple[str, str, str, str]]]:
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    stamp = datetime.combine(mtime, time(12), EASTERN).timestamp()
    os.utime(path, (stamp, stamp))
    note = read_note(path)
    citations = Citer(CONFIG, [r.bills[0].ref for r in RECORDS.values()]).cite(note)
    found = check_note(note_facts(note, "note.txt", citations), RECORDS, NOW)
    return note.date, [(f.subject, f.rule, f.note_says, f.message) for f in found]


@pytest.mark.parametrize(
    ("case", "text", "day", "expected"), ARTICLES, ids=[a[0] for a in ARTICLES]
)
def test_articles(
    tmp_path: Path, case: str, text: str, day: date, expected: set[tuple[str, str, str]]
) -> None:
    note_date, found = judge(tmp_path, text)
    assert note_date == day, case
    assert {(subject, rule) for subject, rule, _, _ in found} == {(s, r) for s, r, _ in expected}
    for subject, rule, words in expected:
        says = next(n for s, r, n, _ in found if (s, r) == (subject, rule))
        assert words in says, (case, subject, rule, says)


def test_the_newsletter_finding_quotes_the_claim_it_judged(tmp_path: Path) -> None:
    _, found = judge(tmp_path, NEWSLETTER)
    (message,) = [m for s, r, _, m in found if r == "contradicts_note"]
    assert message.startswith('999:H.1005: the note says "signed into law" (signed), but on its')


def test_an_undated_article_is_judged_and_says_so(tmp_path: Path) -> None:
    note_date, found = judge(tmp_path, UNDATED, mtime=date(2026, 2, 15))
    assert note_date == date(2026, 2, 15)
    assert [(s, r) for s, r, _, _ in found] == [("Made-up Act", "changed_since_note")]
    undated = "(2026-02-15; undated: judged as of the file's modification time; add a date)"
    assert undated in found[0][3]


# --- the real check on the demo's record -----------------------------------------------------

BOLTS_STYLE = """A Prison Pipeline the Caucus Left Alone (constructed test note)

State lawmakers want to rein in ICE, but a new bill keeps one door open: the state prison
system's agreement with federal agents.

Robin Ashford   |    February 6, 2026

Nobody told Tomas, a man of sixty who had served three decades, that the van at the gate was not
his sister's. (This note is made up for legistrack's tests; its people do not exist.)

"I packed my books and said my goodbyes," he said. "Then they put the cuffs on me at the door."

The transfer ran under a court order signed by a judge years earlier, and under the Department of
Correction's 287(g) agreement, which the governor has kept in force.

Late last month, members of the caucus introduced the PROTECT Act, which bans new 287(g)
agreements for police departments and sheriffs but exempts the prison system. "We drew a line at
serious convictions," one sponsor told me.

Advocates say the state has enacted other laws on immigration cooperation but has never touched
the prison agreement. "It is the one pipeline that actually runs," said a public defender.

Update (Feb. 9): An earlier version misstated the number of sheriffs with agreements.
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo folder: the demo's replay crawled into a new database by `legistrack demo`."""
    folder = tmp_path_factory.mktemp("demo")
    run_cli("demo", "--dir", str(folder), check=True)
    return folder


def test_a_news_story_style_note_is_stale_with_its_real_date(demo: Path) -> None:
    (demo / "notes" / "bolts-style.txt").write_text(BOLTS_STYLE, encoding="utf-8")
    config = str(demo / "config.toml")
    shown = run_cli("--config", config, "notes", "show", str(demo / "notes" / "bolts-style.txt"))
    assert "date: 2026-02-09 from text: an update line (line 23" in shown.out
    assert (
        'published 2026-02-06, the byline (line 6: "Robin Ashford | February 6, 2026")' in shown.out
    )
    assert "measure  PROTECT Act: claims pending (introduced)" in shown.out
    run_cli("--config", config, "check", "--no-notify", check=True)
    alerts = json.loads(run_cli("--config", config, "alerts", "--format", "json").out)
    mine = [a for a in alerts if a["note"] == "notes/bolts-style.txt" and a["severity"] == "stale"]
    assert [(a["subject"], a["rule"]) for a in mine] == [("PROTECT Act", "changed_since_note")]
    (alert,) = mine
    assert alert["evidence_date"] == "2026-03-25"
    assert "changed after the note's date (2026-02-09)" in alert["message"]
    assert "2026-03-25 House: Read third and passed to be engrossed (H.5316" in alert["message"]
    assert alert["note_says"].startswith("Late last month, members of the caucus introduced")
    # the sample note is still flagged for exactly S.997 and the PROTECT Act
    sample = {
        (a["subject"], a["rule"])
        for a in alerts
        if a["note"] == "notes/ma-doc-287g-paradox.txt" and a["severity"] == "stale"
    }
    assert sample == {("193:S.997", "dead_bill_cited"), ("PROTECT Act", "changed_since_note")}


# A claim that still holds on the demo's record today (the PROTECT Act is law: "would ban" is not).
UNDATED_NOTE = (
    "Made-up undated note (constructed for tests)\n\nThe Safe Communities Act would ban it.\n"
)


def test_an_undated_note_is_said_undated_everywhere(demo: Path) -> None:
    folder = demo / "undated-notes"
    folder.mkdir()
    (folder / "undated.txt").write_text(UNDATED_NOTE, encoding="utf-8")
    config = str(demo / "config.toml")
    checked = run_cli("--config", config, "notes", "check", str(folder))
    assert "  undated: judged as of the file's modification time (" in checked.out
    assert 'add a date: a "Last updated: <date>" line, or front matter last_updated' in checked.out
    assert checked.out.rstrip().endswith("1 notes checked, 0 stale, 0 unreadable, 1 undated")
    assert checked.code == 0
    text = (demo / "config.toml").read_text(encoding="utf-8")
    loose = demo / "loose.toml"  # its own database: the demo's alerts are left alone
    loose.write_text(
        text.replace('paths = ["notes"]', 'paths = ["undated-notes"]').replace(
            "legistrack.db", "loose.db"
        ),
        encoding="utf-8",
    )
    stored = run_cli("--config", str(loose), "check", "--no-notify", check=True)
    assert "undated-notes/undated.txt: undated: judged as of the file's modification time (" in (
        stored.out
    )
    strict = demo / "strict.toml"
    strict.write_text(
        text.replace('paths = ["notes"]', 'paths = ["undated-notes"]\nrequire_date = true'),
        encoding="utf-8",
    )
    listed = run_cli("--config", str(strict), "notes", "show")
    assert "undated (1): undated-notes/undated.txt" in listed.out
    refused = run_cli("--config", str(strict), "notes", "check")
    assert refused.code == 2
    assert f"NOTE ERROR {folder / 'undated.txt'}: undated: no date in its text or front matter" in (
        refused.err
    )
    assert "Traceback" not in refused.err


def test_require_date_must_be_true_or_false() -> None:
    assert parse_config({"notes": {"require_date": True}}, None).notes.require_date is True
    expected = r"notes\.require_date: expected true or false, got 'yes'"
    with pytest.raises(ConfigError, match=expected):
        parse_config({"notes": {"require_date": "yes"}}, None)


def test_notes_show_lists_every_claim_with_its_sentence(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "lt.db"}"\n\n'
        '[[measures]]\nname = "Made-up House bill"\nbills = [{court = 999, number = "H.1005"}]\n',
        encoding="utf-8",
    )
    note = tmp_path / "newsletter.txt"
    note.write_text(NEWSLETTER, encoding="utf-8")
    assert CliRunner().invoke(cli, ["--config", str(config), "init"]).exit_code == 0
    result = CliRunner().invoke(cli, ["--config", str(config), "notes", "show", str(note)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith('date: 2026-03-02 from text: a date field (line 3: "Posted on March')
    assert "  bill     999:H.1005: claims in_committee (in committee)" in lines
    assert '    signed: "signed into law" in: Finally, some good news to close on: H.1005 was' in (
        result.output
    )
