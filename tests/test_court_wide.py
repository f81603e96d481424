"""A whole court stored: status lists the bills of no measure, a check over many notes reads the
record once with the same findings as note by note, stages computed once per bill, migration 0007.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select

from crawler.items import BillItem, HistoryAction
from models.config import load_config
from models.legislature.stages import StageTimeline, stage_of
from models.storage.db import alembic_config, make_engine, session_scope, upgrade
from models.storage.schema import Bill
from models.storage.store import save_bill, start_run
from scheduler.checking import evaluate

from .conftest import FIXTURES, Project, write_config

T0 = datetime(2025, 2, 3, 15, tzinfo=UTC)
REFERRED = ("House", "Referred to the committee on the Judiciary")
CONCURRED = ("Senate", "Senate concurred")
PASSED_HOUSE = ("House", "Read third and passed to be engrossed")
PASSED_SENATE = ("Senate", "Read third and passed to be engrossed")
NEW_DRAFT = ("House", "Accompanied a new draft, see H1002")
ON_FILE = ("Senate", "Placed on file, in concurrence")
MEASURES = {"Made-up measure": [(999, "H.1001")]}


def bill_item(court: int, number: str, rows: list[tuple[str, str]], days: int = 30) -> BillItem:
    actions = [
        HistoryAction(T0 + timedelta(days=days * i), branch, text, i)
        for i, (branch, text) in enumerate(rows)
    ]
    url = f"http://test/Bills/{court}/{number.replace('.', '')}"
    return BillItem(court, number, number, None, f"An Act about {number}", actions, "api", url, url)


STORED = [
    bill_item(999, "H.1001", [REFERRED, CONCURRED, NEW_DRAFT]),  # the measure's bill
    bill_item(999, "H.1002", [REFERRED, PASSED_HOUSE]),  # its new draft: gathered by lineage
    bill_item(999, "H.10", [REFERRED, CONCURRED, PASSED_HOUSE, PASSED_SENATE]),
    bill_item(999, "H.9", [REFERRED, CONCURRED]),
    bill_item(999, "S.2", [REFERRED, ON_FILE]),
    bill_item(998, "S.5", [REFERRED]),
]


def stored_project(folder: Path, database_url: str, extra_config: str = "") -> Project:
    """A config naming one measure (and `extra_config`), and a database holding it and bills of
    no measure."""
    engine = make_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        run = start_run(session, "legislature")
        for item in STORED:
            save_bill(session, run, item, T0 + timedelta(days=400))
    engine.dispose()
    config = write_config(folder, database_url, "http://127.0.0.1:9", MEASURES, extra_config)
    return Project(folder, config, database_url)


@pytest.fixture
def stored(tmp_path: Path, database_url: str) -> Iterator[Project]:
    """A config naming one measure, and a database holding it and bills of no measure."""
    yield stored_project(tmp_path, database_url)


def test_status_json_lists_every_bill_of_no_measure(stored: Project) -> None:
    document = json.loads(stored.run("status", "--format", "json", check=True).out)
    (measure,) = document["measures"]
    assert [b["number"] for b in measure["bills"]] == ["H.1001", "H.1002"]
    listed = [(b["court"], b["number"]) for b in document["bills"]]
    assert listed == [(998, "S.5"), (999, "H.9"), (999, "H.10"), (999, "S.2")]
    assert all(set(b) == set(measure["bills"][0]) for b in document["bills"])
    by_number = {b["number"]: b for b in document["bills"]}
    assert by_number["H.10"]["stage"] == "passed_both"
    assert by_number["H.10"]["last_action"]["branch"] == "Senate"
    assert by_number["S.2"]["stage"] == "dead"
    assert by_number["S.2"]["dead_reason"] == "placed on file"
    assert by_number["H.9"]["url"] == "http://test/Bills/999/H9"


def test_status_table_and_markdown_summarize_other_bills_per_court(stored: Project) -> None:
    table = stored.run("status", check=True).out
    assert "Other tracked bills, court 998: 1 bills in no measure" in table
    assert "Other tracked bills, court 999: 3 bills in no measure" in table
    assert "`legistrack status --format json` lists each one" in table
    court_999 = table.split("court 999:", 1)[1].splitlines()[1:]
    assert [line.split() for line in court_999 if line.strip()] == [
        ["in_committee", "1"],
        ["passed_both", "1"],
        ["dead", "1"],
    ]
    assert "H.10 (999)" not in table and "H.1002 (999)" in table  # no row per other bill
    markdown = stored.run("status", "--format", "markdown", check=True).out
    assert "## Other tracked bills, court 999" in markdown
    assert "| passed_both | 1 |" in markdown


NOTES = {
    "a.md": "Last updated: April 15, 2025\n\n- H.10 (passed House April 2025) is moving.\n",
    "b.md": "Last updated: March 1, 2025\n\n- H.10 is pending in committee.\n- S 2 would ban it.\n",
    "c.md": "Last updated: June 1, 2025\n\n- House Bill No. 10 was signed in May 2025.\n",
    "d.md": "Last updated: March 1, 2025\n\n- See H.9 and H.10 (both pending).\n- S.5 of 1991.\n",
    "e.md": "---\nlast_updated: 2025-03-01\ntracks:\n  - ref: H.10\n    status: in_committee\n---\n"
    "The Made-up measure (H.1001) is in committee.\n",
}


def test_a_check_of_many_notes_finds_what_each_note_alone_finds(stored: Project) -> None:
    folder = stored.folder / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = load_config(stored.config)
    now = T0 + timedelta(days=500)
    engine = make_engine(stored.database_url)
    try:
        with session_scope(engine) as session:
            together, errors = evaluate(session, config, [folder], now)
            alone = [evaluate(session, config, [folder / name], now)[0] for name in NOTES]
    finally:
        engine.dispose()
    assert errors == []
    assert [r.findings for r in together] == [r[0].findings for r in alone]
    assert [r.citations for r in together] == [r[0].citations for r in alone]
    rules = {r.name.rsplit("/", 1)[-1]: [f.rule for f in r.findings] for r in together}
    # H.10: referred Feb 3, House passed Apr 4, Senate May 4 2025; S.2 placed on file Mar 5.
    assert rules == {
        "a.md": ["changed_since_note"],  # true on its date; the Senate passed it afterwards
        "b.md": ["changed_since_note", "dead_bill_cited"],  # H.10 moved on; S.2 is dead now
        "c.md": ["contradicts_note"],  # "signed": it had passed both chambers, no more
        "d.md": ["changed_since_note"],  # H.9 still in committee; H.10 moved on
        "e.md": ["changed_since_note", "changed_since_note"],  # the measure, and H.10
    }


def _histories() -> dict[str, list[HistoryAction]]:
    """The real rows of tests/fixtures/actions_sample.tsv, by bill, at made-up times."""
    found: dict[str, list[HistoryAction]] = {}
    lines = (FIXTURES / "actions_sample.tsv").read_text().splitlines()[1:]
    for index, line in enumerate(lines):
        court, bill, _, branch, action, _ = line.split("\t")
        rows = found.setdefault(f"{court}:{bill}", [])
        rows.append(HistoryAction(T0 + timedelta(days=3 * index), branch, action, len(rows)))
    return found


@pytest.mark.parametrize("court", [192, 999])
def test_stage_timeline_equals_stage_of_at_every_instant(court: int) -> None:
    for key, rows in _histories().items():
        timeline = StageTimeline(rows, court)
        instants = sorted({r.date for r in rows} | {r.date - timedelta(hours=1) for r in rows})
        instants.append(datetime(2030, 1, 1, tzinfo=UTC))  # after court 192 ended
        for when in instants:
            prefix = [r for r in rows if r.date <= when]
            expected = stage_of(prefix, court, when) if prefix else None
            assert timeline.at(when) == expected, (key, when)


def test_migration_0007_upgrades_a_0006_database(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        command.upgrade(alembic_config(engine), "0006")
        with session_scope(engine) as session:
            save_bill(session, start_run(session, "legislature"), STORED[2], T0)
        command.upgrade(alembic_config(engine), "0007")
        indexes = {
            table: {ix["name"] for ix in inspect(engine).get_indexes(table)}
            for table in ("bills", "crawl_runs")
        }
        assert "ix_bills_last_action_at" in indexes["bills"]
        assert "ix_crawl_runs_source_id" in indexes["crawl_runs"]
        with session_scope(engine) as session:
            (bill,) = session.scalars(select(Bill))
            assert (bill.number, len(bill.actions)) == ("H.10", 4)
    finally:
        engine.dispose()
