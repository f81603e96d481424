"""Tests for models.notes.reading: plain and Markdown notes, their dates, front matter, errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from models.legislature.calendar import EASTERN
from models.notes.reading import (
    ExplicitClaim,
    NoteError,
    find_dates,
    find_notes,
    parse_note_date,
    parse_period,
    read_note,
)

NOTES = Path(__file__).parent / "fixtures" / "notes"
SAMPLE = NOTES / "ma-doc-287g-paradox.txt"
SHARED_SAMPLE = Path("/work/shared/notes/ma-doc-287g-paradox.txt")


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- the real note --------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_SAMPLE.exists(), reason="shared/notes is not available")
def test_fixture_is_a_byte_for_byte_copy() -> None:
    assert SAMPLE.read_bytes() == SHARED_SAMPLE.read_bytes()


def test_sample_note() -> None:
    note = read_note(SAMPLE)
    assert note.title == (
        "Massachusetts — DOC 287(g) paradox: Democratic governor defends ICE pipeline"
    )
    assert note.date == date(2026, 4, 12)
    assert note.date_source == "text" and not note.weak_date
    assert note.format == "text"
    assert note.review_every is None and note.tracks == ()
    assert note.body == SAMPLE.read_text(encoding="utf-8")  # no front matter: all of it
    assert note.path == SAMPLE


# --- dates ----------------------------------------------------------------------------------

DATE_FORMS = [
    ("Apr 12, 2026", date(2026, 4, 12)),
    ("Apr. 12, 2026", date(2026, 4, 12)),
    ("April 12, 2026", date(2026, 4, 12)),
    ("April 12 2026", date(2026, 4, 12)),
    ("April 12th, 2026", date(2026, 4, 12)),
    ("12 April 2026", date(2026, 4, 12)),
    ("12 Apr 2026", date(2026, 4, 12)),
    ("2026-04-12", date(2026, 4, 12)),
    ("2026-04-12T09:30:00-04:00", date(2026, 4, 12)),
    ("4/12/2026", date(2026, 4, 12)),
    ("04/12/2026", date(2026, 4, 12)),
    ("Sept 3, 2025", date(2025, 9, 3)),
    ("Apr 12, 2026 (second revision)", date(2026, 4, 12)),
    ("March 2026", date(2026, 3, 1)),  # a month alone: its first day
    ("2026-03", date(2026, 3, 1)),
    ("soon", None),
    ("2026-02-30", None),  # no such day
    ("13/01/2026", None),  # month first: no 13th month
    ("78-172", None),
    ("2,047", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), DATE_FORMS)
def test_parse_note_date(text: str, expected: date | None) -> None:
    assert parse_note_date(text) == expected


def test_full_date_preferred_over_an_earlier_month() -> None:
    assert parse_note_date("drafted March 2026, revised Apr 12, 2026") == date(2026, 4, 12)


def test_find_dates_positions_and_month_only() -> None:
    text = "passed 12 April 2026, then conference in May 2026"
    found = find_dates(text)
    assert [(f.day, text[f.start : f.end], f.month_only) for f in found] == [
        (date(2026, 4, 12), "12 April 2026", False),
        (date(2026, 5, 1), "May 2026", True),
    ]
    assert [f.day for f in find_dates(text, month_year=False)] == [date(2026, 4, 12)]


TEXT_DATE_LINES = [
    ("Last updated: Apr 12, 2026", date(2026, 4, 12)),
    ("Updated: 2026-04-12", date(2026, 4, 12)),
    ("Last reviewed: 12 April 2026", date(2026, 4, 12)),
    ("last updated 4/12/2026", date(2026, 4, 12)),
    ("**Last updated:** April 12, 2026", date(2026, 4, 12)),
    ("_Updated: Sunday, April 12, 2026_", date(2026, 4, 12)),
    ("- Updated on 04/12/2026", date(2026, 4, 12)),
]


@pytest.mark.parametrize(("line", "expected"), TEXT_DATE_LINES)
def test_date_from_a_text_line(tmp_path: Path, line: str, expected: date) -> None:
    note = read_note(write(tmp_path, "n.txt", f"Made-up title line\n\nBody text.\n\n{line}\n"))
    assert (note.date, note.date_source) == (expected, "text")


@pytest.mark.parametrize(
    "line",
    [
        "He updated the table on April 12, 2026.",  # the label must open the line
        "Updated the figures for April 12, 2026 and later.",  # the date must follow the label
        "Last updated: recently",
    ],
)
def test_prose_is_not_a_date_line(tmp_path: Path, line: str) -> None:
    note = read_note(write(tmp_path, "n.txt", f"Made-up title line\n\n{line}\n"))
    assert note.date_source == "mtime"


def test_latest_date_line_wins(tmp_path: Path) -> None:
    text = (
        "Made-up\n\nUpdated: 2026-01-05\n\nLast reviewed: 2026-04-30\n\nLast updated: 2026-02-01\n"
    )
    assert read_note(write(tmp_path, "n.txt", text)).date == date(2026, 4, 30)


def test_iso_updated_fixture() -> None:
    note = read_note(NOTES / "made-up-updated-iso.txt")
    assert (note.date, note.date_source) == (date(2026, 4, 12), "text")
    assert note.title == 'Made-up note dated by an ISO "Updated:" line'


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("last_updated: 2026-05-02", date(2026, 5, 2)),
        ("updated: May 2, 2026", date(2026, 5, 2)),
        ("date: '5/2/2026'", date(2026, 5, 2)),
        ("last_updated: 2026-05-02T23:30:00-04:00", date(2026, 5, 2)),
        ("last_updated: 2026-05-03T03:30:00Z", date(2026, 5, 2)),  # Eastern: still May 2
        ("last_updated: 2026-05-02\nupdated: 2026-01-01", date(2026, 5, 2)),
    ],
)
def test_front_matter_date_wins(tmp_path: Path, front: str, expected: date) -> None:
    text = f"---\n{front}\n---\n# Made-up\n\nLast updated: Apr 12, 2026\n"
    note = read_note(write(tmp_path, "n.md", text))
    assert (note.date, note.date_source, note.weak_date) == (expected, "front_matter", False)


def test_mtime_fallback_is_weak(tmp_path: Path) -> None:
    path = write(tmp_path, "undated.txt", "Made-up note without any date\n")
    stamp = datetime(2026, 3, 9, 12, 0, tzinfo=EASTERN).timestamp()
    os.utime(path, (stamp, stamp))
    note = read_note(path)
    assert (note.date, note.date_source, note.weak_date) == (date(2026, 3, 9), "mtime", True)


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_date_fallback(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    note = write(repo, "sub/committed.md", "# Made-up committed note\n\nNo date line.\n")
    untracked = write(repo, "sub/untracked.md", "# Made-up untracked note\n")
    git(repo, "add", "sub/committed.md")
    stamp = "2026-02-10T23:30:00-05:00"
    git(
        repo,
        "commit",
        "-q",
        "-m",
        "note",
        env={"GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_DATE": stamp},
    )
    read = read_note(note)
    assert (read.date, read.date_source, read.weak_date) == (date(2026, 2, 10), "git", False)
    assert read_note(untracked).date_source == "mtime"


# --- front matter ---------------------------------------------------------------------------


def test_front_matter_fixture() -> None:
    note = read_note(NOTES / "made-up-front-matter.md")
    assert note.format == "markdown"
    assert note.title == "Made-up measure, constructed for tests"
    assert (note.date, note.date_source) == (date(2026, 5, 2), "front_matter")
    assert note.review_every == timedelta(days=90)
    assert note.tracks == (
        ExplicitClaim("H.1001", "passed_house", date(2026, 3, 1)),
        ExplicitClaim("Made-up measure", "in_conference", date(2026, 5, 1)),
        ExplicitClaim("S.1003", None, None),
    )
    assert note.body.startswith("# A heading that the front matter title overrides\n")
    assert "review_every" not in note.body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", timedelta(days=90)),
        ("12w", timedelta(weeks=12)),
        ("3m", timedelta(days=90)),
        ("1y", timedelta(days=365)),
        ("2 weeks", timedelta(weeks=2)),
        (" 6 M ", timedelta(days=180)),
        ("often", None),
        ("0d", None),
        ("90", None),
        ("1.5m", None),
    ],
)
def test_parse_period(text: str, expected: timedelta | None) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# Made-up heading\n\nBody\n", "Made-up heading"),
        ("Intro line\n\n## Second level\n\n# First level #\n", "First level"),
        ("```\n# not a heading\n```\n# Real heading\n", "Real heading"),
        ("Made-up setext title\n====\n\nBody\n", "Made-up setext title"),
        ("Just a paragraph.\n", None),
        ("---\ntitle: From front matter\n---\n# From heading\n", "From front matter"),
    ],
)
def test_markdown_title(tmp_path: Path, text: str, title: str | None) -> None:
    assert read_note(write(tmp_path, "n.md", text)).title == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Research Note Researched\n\nMade-up title\n\nMA\n", "Made-up title"),
        ("\n\n  Made-up first line  \nsecond line\n", "Made-up first line"),
        ("Research Note\nMade-up title\n", "Made-up title"),
        ("x" * 201 + "\n", None),  # a paragraph, not a title
        ("", None),
    ],
)
def test_text_title(tmp_path: Path, text: str, title: str | None) -> None:
    assert read_note(write(tmp_path, "n.txt", text)).title == title


def test_front_matter_in_a_text_file_makes_it_markdown(tmp_path: Path) -> None:
    note = read_note(write(tmp_path, "n.txt", "---\ntitle: Made-up\n---\nBody\n"))
    assert (note.format, note.title, note.body) == ("markdown", "Made-up", "Body\n")


def test_empty_front_matter_and_bom_and_crlf(tmp_path: Path) -> None:
    raw = "\ufeff---\r\n---\r\n# Made-up\r\n\r\nUpdated: 2026-04-12\r\n".encode()
    note = read_note(write(tmp_path, "n.md", raw))
    assert note.body == "# Made-up\n\nUpdated: 2026-04-12\n"
    assert (note.title, note.date) == ("Made-up", date(2026, 4, 12))


def test_tracks_entry_forms(tmp_path: Path) -> None:
    text = (
        "---\ntracks:\n"
        "  - {ref: ' H.1001 ', status: Passed-House, as_of: March 2026}\n"
        "  - {ref: EO 999, as_of: 2026-01-29}\n"
        "  - {ref: S.1003, status: pending}\n"
        "---\n"
    )
    assert read_note(write(tmp_path, "n.md", text)).tracks == (
        ExplicitClaim("H.1001", "passed_house", date(2026, 3, 1)),
        ExplicitClaim("EO 999", None, date(2026, 1, 29)),
        ExplicitClaim("S.1003", "pending", None),
    )


# --- errors ---------------------------------------------------------------------------------

ERRORS: list[tuple[str, str | bytes, str]] = [
    ("binary", b"Made-up\x00\x01\x02", "binary file"),
    ("latin-1", "Made-up caf\u00e9 note\n".encode("latin-1"), "not UTF-8 text"),
    ("broken yaml", "---\ntitle: [unclosed\n---\nBody\n", "front matter: not valid YAML"),
    ("list, not mapping", "---\n- a\n- b\n---\nBody\n", "front matter: expected a mapping"),
    ("text, not mapping", "---\njust words\n---\nBody\n", "front matter: expected a mapping"),
    ("unclosed", "---\ntitle: Made-up\n\nBody\n", "front matter: no closing '---' line"),
    ("review_every", "---\nreview_every: often\n---\n", "front matter review_every: "),
    ("review_every int", "---\nreview_every: 90\n---\n", "front matter review_every: "),
    ("last_updated", "---\nlast_updated: soon\n---\n", "front matter last_updated: not a date"),
    ("title", "---\ntitle: [a, b]\n---\n", "front matter title: expected text"),
    ("tracks", "---\ntracks: H.1001\n---\n", "front matter tracks: expected a list"),
    ("tracks key", "---\ntracks:\n  - {ref: H.1, stauts: x}\n---\n", "tracks[0].stauts: unknown"),
    ("tracks ref", "---\ntracks:\n  - {status: dead}\n---\n", "tracks[0].ref: required"),
    ("tracks status", "---\ntracks:\n  - {ref: H.1, status: live}\n---\n", "unknown stage"),
    ("tracks as_of", "---\ntracks:\n  - {ref: H.1, as_of: 2026}\n---\n", "tracks[0].as_of: "),
]


@pytest.mark.parametrize(("case", "content", "problem"), ERRORS, ids=[e[0] for e in ERRORS])
def test_note_errors(tmp_path: Path, case: str, content: str | bytes, problem: str) -> None:
    path = write(tmp_path, "bad.md", content)
    with pytest.raises(NoteError) as caught:
        read_note(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and problem in message
    assert "\n" not in message and caught.value.path == path


def test_yaml_error_names_the_file_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.md", "---\ntitle: ok\nreview_every: [90d\n---\n")
    with pytest.raises(NoteError, match=r"line \d+\)$"):
        read_note(path)


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "Made-up " * 10)
    with pytest.raises(NoteError) as caught:
        read_note(path, max_bytes=20)
    assert str(caught.value) == f"{path}: too large: 80 bytes (limit 20)"
    assert read_note(path, max_bytes=80).body == "Made-up " * 10


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(NoteError, match=r"no such file$"):
        read_note(tmp_path / "absent.md")
    with pytest.raises(NoteError, match="is a folder"):
        read_note(tmp_path)


def test_nul_after_the_first_8_kb_is_not_binary(tmp_path: Path) -> None:
    path = write(tmp_path, "n.txt", b"Made-up title\n" + b"x" * 9000 + b"\x00")
    assert read_note(path).title == "Made-up title"


# --- finding notes --------------------------------------------------------------------------


def test_find_notes(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    names = [
        "b.md",
        "a.txt",
        "sub/deeper/c.markdown",
        "sub/D.MD",
        "sub/skip.json",
        "README.md",  # describes the folder: not a note
        ".hidden.md",
        ".git/e.md",
    ]
    for name in names:
        write(root, name, "Made-up\n")
    explicit = write(tmp_path, "explicit.json", "Made-up\n")  # named: taken whatever its suffix
    missing = tmp_path / "missing"
    files, errors = find_notes([root, explicit, root / "b.md", missing])
    assert files == sorted(
        [root / "a.txt", root / "b.md", root / "sub/D.MD", root / "sub/deeper/c.markdown", explicit]
    )
    assert [str(error) for error in errors] == [f"{missing}: no such file or folder"]


def test_find_notes_in_the_fixtures() -> None:
    files, errors = find_notes([NOTES])
    assert errors == []
    assert [path.relative_to(NOTES).as_posix() for path in files] == [
        "ma-doc-287g-paradox.txt",
        "made-up-front-matter.md",
        "made-up-updated-iso.txt",
        "nested/made-up-nested.markdown",
    ]
    nested = read_note(NOTES / "nested/made-up-nested.markdown")
    assert (nested.title, nested.date) == ("Made-up nested note", date(2026, 4, 12))
