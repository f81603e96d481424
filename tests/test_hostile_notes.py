"""Hostile files in the notes folders (issue 15, items 4-6): a YAML alias bomb, a named pipe, a
socket, a symbolic-link loop, a link out of the folder, a period that overflows. Each is that
note's one `NOTE ERROR` line, short, and every other note is still checked, in `notes check`,
`check`, `crawl`, `poll` and the daemon, all run as real processes (a hang is a test timeout).
Every note here is constructed."""

from __future__ import annotations

import json
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.replay import ReplayServer

from .conftest import Project, run_cli, write_config
from .test_daemon import start_daemon

STALE = "Made-up Senate note\n\nS.1003 is in committee.\n\nLast updated: Jun 1, 2025\n"
# About 600 bytes of YAML whose aliases expand to 9**9 (387 million) strings: a "billion laughs".
ALIAS_BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "review_every: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
    "---\nS.1003 is in committee.\n"
)
TIMEOUT = 120  # seconds; a hang fails the test instead of holding it forever
MAX_LINE = 700  # NOTE ERROR <path>: <problem of at most 500 characters, then a cut marker>


def hostile_folder(root: Path) -> tuple[Path, dict[str, str], socket.socket]:
    """A notes folder with one good stale note and every hostile kind of file; returns the
    folder, {file name: what its NOTE ERROR line says}, and the socket to close afterwards."""
    notes = root / "notes"
    notes.mkdir()
    (notes / "stale.txt").write_text(STALE)
    (notes / "bomb.md").write_text(ALIAS_BOMB)
    os.mkfifo(notes / "pipe.md")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(notes / "socket.md"))
    (notes / "loop-a.md").symlink_to(notes / "loop-b.md")
    (notes / "loop-b.md").symlink_to(notes / "loop-a.md")
    outside = root / "outside.txt"
    outside.write_text("secret first line\nS.1003 is in committee.\nLast updated: Jun 1, 2025\n")
    (notes / "passwd.md").symlink_to(outside)
    (notes / "forever.md").write_text(
        "---\nreview_every: 99999999999999d\n---\nS.1003 is in committee. Updated: Jun 1, 2025\n"
    )
    (notes / "deep.md").write_text("---\nx: " + "[" * 50_000 + "]" * 50_000 + "\n---\nS.1003\n")
    says = {
        "bomb.md": "anchors and aliases",
        "pipe.md": "named pipe",
        "socket.md": "socket",
        "loop-a.md": "symbolic link loop",
        "loop-b.md": "symbolic link loop",
        "passwd.md": "outside the notes folders",
        "forever.md": "review_every",
        "deep.md": "nested too deep",
    }
    return notes, says, server


@pytest.fixture
def hostile(
    tmp_path: Path, database_url: str, site: ReplayServer
) -> Iterator[tuple[Project, dict[str, str]]]:
    _, says, server = hostile_folder(tmp_path)
    config = write_config(tmp_path, database_url, site.url, {"M": [(999, "S.1003")]})
    config.write_text(config.read_text() + '\n[notes]\npaths = ["notes"]\n')
    try:
        yield Project(tmp_path, config, database_url), says
    finally:
        server.close()


def note_errors(err: str, says: dict[str, str]) -> None:
    """One short NOTE ERROR line per hostile file, saying what it is."""
    lines = [line for line in err.splitlines() if line.startswith("NOTE ERROR ")]
    assert "Traceback" not in err, err
    for name, problem in says.items():
        found = [line for line in lines if f"/notes/{name}:" in line]
        assert len(found) == 1, (name, lines)
        assert problem in found[0], found[0]
    assert all(len(line) < MAX_LINE for line in lines), max(lines, key=len)[:200]
    assert "secret first line" not in err


def test_notes_check_refuses_each_hostile_file_in_one_line(
    hostile: tuple[Project, dict[str, str]],
) -> None:
    project, says = hostile
    project.run("crawl", "--no-check", check=True)
    result = project.run("notes", "check")
    note_errors(result.err, says)
    assert "stale.txt: STALE" in result.out
    assert f"1 notes checked, 1 stale, {len(says)} unreadable" in result.out
    assert result.code == 2


def test_check_crawl_and_poll_check_the_good_note_despite_the_others(
    hostile: tuple[Project, dict[str, str]],
) -> None:
    project, says = hostile
    crawl = project.run("crawl")
    note_errors(crawl.err, says)
    assert f"checked 1 notes ({len(says)} could not be read): 1 stale, 1 new alerts" in crawl.out
    assert crawl.code == 0
    check = project.run("check")
    note_errors(check.err, says)
    assert check.code == 0 and "1 stale" in check.out
    poll = project.run("poll", "--all")
    note_errors(poll.err, says)
    assert poll.code == 0 and "1 stale" in poll.out
    found = json.loads(project.run("alerts", "--format", "json", check=True).out)
    assert [a["note"] for a in found] == ["notes/stale.txt"]


def test_notes_show_does_not_follow_a_link_out_of_the_notes_folder(
    hostile: tuple[Project, dict[str, str]],
) -> None:
    project, _ = hostile
    project.run("init", check=True)
    shown = project.run("notes", "show", str(project.folder / "notes" / "passwd.md"))
    assert shown.code == 2 and "secret first line" not in shown.out + shown.err
    assert "outside the notes folders" in shown.err and len(shown.err.splitlines()) == 1
    piped = project.run("notes", "show", str(project.folder / "notes" / "pipe.md"))
    assert piped.code == 2 and "named pipe" in piped.err


def test_the_daemon_checks_past_hostile_notes_and_stops_on_sigterm(
    hostile: tuple[Project, dict[str, str]],
) -> None:
    project, says = hostile
    project.config.write_text(
        project.config.read_text() + '\n[schedule]\nlegislature = "every 2s"\nstop_grace = 5\n'
    )
    proc, lines = start_daemon(project)
    try:
        jobs = lambda seen: [x for x in seen if x.startswith("legislature: ok")]  # noqa: E731
        seen = lines.wait_for(lambda seen: len(jobs(seen)) >= 2, limit=TIMEOUT)
        assert "1 new alerts" in jobs(seen)[0]
        note_errors("\n".join(seen), says)  # said once, not at every job
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=TIMEOUT)
    assert code == 0
    assert "legistrack daemon: stopped" in lines.lines[-1]


@pytest.mark.parametrize("folder", ["/", "~", "~/"])
def test_notes_paths_naming_the_root_or_a_home_folder_is_refused(
    tmp_path: Path, folder: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/db"\n[notes]\npaths = ["{folder}"]\n'
    )
    result = run_cli("--config", str(config), "check")
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert line.startswith(f"legistrack: error: {config}: notes.paths: "), line
    assert "root or a home folder" in line


def test_an_error_line_is_capped_wherever_it_is_printed(tmp_path: Path) -> None:
    long = "x" * 100_000
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/db"\n[{long}]\n')
    result = run_cli("--config", str(config), "status")
    assert result.code == 2 and len(result.err) < MAX_LINE and "characters cut" in result.err


def test_a_config_file_that_is_a_named_pipe_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "config.toml")
    result = run_cli("--config", str(tmp_path / "config.toml"), "status")
    assert result.code == 2 and "named pipe" in result.err


def test_a_config_nested_too_deep_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("a = " + "[" * 20_000 + "1" + "]" * 20_000 + "\n")
    result = run_cli("--config", str(config), "status")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.strip() == f"legistrack: error: {config}: TOML nested too deep to read"
