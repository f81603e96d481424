"""The command line: help, config errors, demo, status formats. Crawls, the demo and one test of
each kind (help, a config error, a database error, crawl then status) run the real console script;
the other commands run in-process (tests/running.py)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from .conftest import FIXTURES, Project, legistrack_bin, run_cli

COMMANDS = [
    "init", "crawl", "status", "history", "diff", "demo", "check", "alerts", "alerts show",
    "alerts ack", "alerts resolve", "notes", "notes check", "notes show", "news", "daemon",
    "poll", "sources",
]  # fmt: skip
ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("command", [[], *(c.split() for c in COMMANDS)])
def test_every_command_has_help(command: list[str]) -> None:
    result = run_cli(*command, "--help", check=True, process=not command)  # the script's own
    assert result.out.startswith("Usage: legistrack")
    assert len(result.out.splitlines()) > 3


BAD_CONFIGS = [
    ("syntax", "[database\nurl = 1\n", r"TOML syntax error"),
    (
        "unknown key",
        '[database]\nurl = "sqlite:///x.db"\nuser = "me"\n',
        r"database\.user: unknown key",
    ),
    ("unknown section", "[databse]\n", r"databse: unknown key"),
    ("wrong type", '[crawl]\nretry_times = "three"\n', r"crawl\.retry_times: expected an integer"),
    (
        "court format",
        '[[measures]]\nname = "X"\nbills = [{court = "194th", number = "S.1"}]\n',
        r"measures\[0\]\.bills\[0\]\.court: expected a General Court number",
    ),
    (
        "bad number",
        '[[measures]]\nname = "X"\nbills = [{court = 194, number = "Bill 12"}]\n',
        r"measures\[0\]\.bills\[0\]\.number: 'Bill 12' is not a bill or docket number",
    ),
    (
        "duplicate measure",
        '[[measures]]\nname = "X"\nbills = [{court = 194, number = "S.1"}]\n'
        '[[measures]]\nname = "x"\nbills = [{court = 194, number = "S.2"}]\n',
        r"measures\[1\]\.name: duplicate measure 'x'",
    ),
    (
        "bad url",
        '[legislature]\napi_url = "malegislature.gov"\n',
        r"legislature\.api_url: expected an http",
    ),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_is_one_line_naming_file_and_key(
    tmp_path: Path, case: str, text: str, message: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    result = run_cli("--config", str(config), "status", process=case == "syntax")
    assert result.code == 2, case
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"legistrack: error: {config}: ")
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in result.err


def test_missing_config_file_is_one_line(tmp_path: Path) -> None:
    result = run_cli("--config", str(tmp_path / "nope.toml"), "crawl")
    assert result.code == 2
    assert result.err.strip() == f"legistrack: error: {tmp_path / 'nope.toml'}: file not found"


def test_config_from_environment_and_database_override(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('[database]\nurl = "sqlite:///from-file.db"\n')
    override = tmp_path / "override.db"
    result = run_cli(
        "init",
        env={"LEGISTRACK_CONFIG": str(config), "LEGISTRACK_DATABASE_URL": f"sqlite:///{override}"},
        check=True,
    )
    assert str(override) in result.out
    assert override.exists()
    assert not (tmp_path / "from-file.db").exists()


def test_relative_sqlite_path_resolves_against_the_config_folder(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "config.toml").write_text('[database]\nurl = "sqlite:///data/lt.db"\n')
    run_cli("--config", str(folder / "config.toml"), "init", check=True, cwd=tmp_path)
    assert (folder / "data" / "lt.db").exists()


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "postgresql+psycopg://nobody@127.0.0.1:1/none"\n')
    result = run_cli("--config", str(config), "status", process=True)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("legistrack: error: database "), result.err


def test_status_json_contract_and_unread_bills(project: Project) -> None:
    project.run("init", check=True)  # reading commands never create the database
    before = json.loads(project.run("status", "--format", "json", check=True).out)
    assert all(b["stage"] is None for m in before["measures"] for b in m["bills"])
    project.run("crawl", check=True)
    document = json.loads(project.run("status", "--format", "json", check=True).out)
    assert set(document) >= {"generated_at", "measures"}
    measure = document["measures"][0]
    assert measure["name"] == "Made-up measure"
    assert measure["stage"] == "passed_both"  # H.1002, the new draft of H.1001, found by lineage
    assert measure["live_bill"] == {"court": 999, "number": "H.1002"}
    bill = next(b for b in measure["bills"] if b["number"] == "H.2002")
    assert set(bill) >= {
        "court", "number", "docket", "title", "stage", "stage_date", "last_action", "url",
        "checked_at", "changed_at",
    }  # fmt: skip
    assert bill["court"] == 999 and bill["docket"] == "HD.2001"
    assert bill["url"].endswith("/Bills/999/H2002")
    assert bill["last_action"]["branch"] == "House"
    assert re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", bill["checked_at"])


def test_status_table_and_markdown(project: Project) -> None:
    project.run("crawl", check=True)
    table = project.run("status", check=True, process=True).out  # crawl, then status: for real
    assert "Made-up measure — passed_both (live bill H.1002)" in table
    assert "H.2002 (999) [HD.2001]" in table
    markdown = project.run("status", "--format", "markdown", check=True).out
    assert "## Made-up Senate bill: passed_senate" in markdown
    assert "| bill | stage | since | last action | title / notes |" in markdown


def test_history_of_an_unknown_bill_is_one_line(project: Project) -> None:
    project.run("init", check=True)  # reading commands never create the database
    result = project.run("history", "S.4242")
    assert result.code == 2
    assert "no stored bill S.4242" in result.err


def test_demo_runs_offline_and_prints_the_status_table(tmp_path: Path) -> None:
    result = run_cli("demo", "--dir", str(tmp_path / "demo"), check=True)
    assert "legislature: 11 bills checked, 11 changed, 0 failed" in result.out
    assert "executive_orders: 2 listings and orders checked, 1 changed, 0 failed" in result.out
    assert re.search(r"news: 3 feeds checked, \d+ new, 0 failed", result.out)
    assert "notes: 3 pages checked, 3 changed, 0 failed" in result.out  # the notes site
    assert "/notes-site/wiki/protect-act — PROTECT Act" in result.out
    assert "1 unchanged by 304, 1 unchanged by sitemap lastmod (not fetched)" in result.out
    assert "4 alerts resolved by the edit" in result.out
    assert re.search(r"EO 650\s+2026-01-29\s+in_effect", result.out)
    assert "PROTECT Act — signed (live bill H.5620, Chapter 163 of the Acts of 2026)" in result.out
    assert re.search(r"S\.997 \(193\)\s+dead\s+2025-01-01", result.out)
    assert "note: S.3072, S.3086: amendment text of H.5316 (194)" in result.out
    assert (tmp_path / "demo" / "legistrack.db").exists()
    config = tmp_path / "demo" / "config.toml"
    assert result.out.rstrip().splitlines()[-1] == f"  {legistrack_bin()} --config {config} serve"
    status = run_cli(
        "--config", str(tmp_path / "demo" / "config.toml"), "status", "--format", "json"
    )
    measures = {m["name"]: m for m in json.loads(status.out)["measures"]}
    s997 = measures["Gomez 287(g) limits (S.997, refiled as S.1122)"]["bills"][0]
    assert (s997["number"], s997["stage"]) == ("S.997", "dead")
    assert "session ended" in s997["stage_reason"]


def test_demo_config_tracks_what_the_shipped_config_tracks() -> None:
    shipped = tomllib.loads((ROOT / "config.toml").read_text())
    demo = tomllib.loads((ROOT / "scheduler" / "demo_data" / "config.toml").read_text())
    assert demo["measures"] == shipped["measures"]
    tracked = {(b["court"], b["number"]) for m in shipped["measures"] for b in m["bills"]}
    assert tracked == {
        (194, "HD.5608"), (194, "H.5316"), (194, "S.3072"),
        (193, "S.997"), (194, "S.1122"), (194, "H.1588"),
        (194, "S.1681"), (194, "H.2580"), (194, "HD.5610"),
    }  # fmt: skip


def test_fixtures_readme_names_every_fixture_folder() -> None:
    readme = (FIXTURES / "README.md").read_text()
    for entry in FIXTURES.iterdir():
        if entry.name != "README.md":
            assert entry.name in readme, entry.name
