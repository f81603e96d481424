"""Research notes: reading a note file (plain text or Markdown), its front matter and its date."""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from models.files import FileRefused, read_regular
from models.legislature.calendar import EASTERN
from models.legislature.stages import STAGES
from models.notes.dates import FoundDate as FoundDate  # re-exported: dates are read there
from models.notes.dates import TextDating, parse_note_date, text_dating
from models.notes.dates import find_dates as find_dates

from . import safe_yaml

NOTE_SUFFIXES = (".md", ".markdown", ".txt")
MARKDOWN_SUFFIXES = (".md", ".markdown")
# A claim's status: a stage (models.legislature.stages), or "pending" (any live stage).
CLAIM_STAGES: tuple[str, ...] = (*STAGES, "pending")
_BINARY_SNIFF = 8192
_GIT_TIMEOUT = 10.0
_MAX_TITLE = 200
_MAX_PROBLEM = 300  # a problem quotes what it read; never more than this of it
MAX_PERIOD_DAYS = 36_600  # review_every: at most a century


class NoteError(Exception):
    """A note that cannot be read, already phrased as one line: `<path>: <problem>` (the problem
    cut to a few hundred characters, whatever it quotes)."""

    def __init__(self, path: Path | str, problem: str) -> None:  # a file, or a web page's URL
        problem = " ".join(problem.split("\n"))
        if len(problem) > _MAX_PROBLEM:
            cut = len(problem) - _MAX_PROBLEM
            problem = f"{problem[:_MAX_PROBLEM]}… [{cut} more characters cut]"
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as it is (a check's helper process sends its errors back): `problem` is
        already cut, and cutting it again would cut it twice."""
        return _restore_error, (self.path, self.problem)


def _restore_error(path: Path | str, problem: str) -> NoteError:
    error = NoteError.__new__(NoteError)
    Exception.__init__(error, f"{path}: {problem}")
    error.path, error.problem = path, problem
    return error


@dataclass(frozen=True)
class ExplicitClaim:
    """One entry of front matter `tracks:`: what the note's author says a reference's status is."""

    ref: str
    status: str | None  # one of CLAIM_STAGES
    as_of: date | None  # a month ("2026-03") is read as its first day


@dataclass(frozen=True)
class Note:
    """One note as read: title, body (the text after front matter), date and the date's source."""

    path: Path
    title: str | None
    body: str
    date: date | None
    date_source: str  # "front_matter" | "text" | "git" | "mtime"
    weak_date: bool  # True only for "mtime": a copy or checkout resets it
    review_every: timedelta | None
    tracks: tuple[ExplicitClaim, ...]
    format: str  # "markdown" | "text"
    date_from: str = ""  # where the date was read, said for people (see date_origin)

    @property
    def undated(self) -> bool:
        """No date in the note's text or front matter: judged as of its file's commit or mtime."""
        return self.date_source in ("git", "mtime")


# ---------------------------------------------------------------------------------------------
# Reading a file


def read_note(path: Path, max_bytes: int = 5_000_000) -> Note:
    """Read one note; every problem is a NoteError naming the file.

    Front matter (`---` on the first line, up to a `---` or `...` line) is read in any file;
    `format` is "markdown" for .md/.markdown files (or any file with front matter), else "text".
    The date is front matter `last_updated` (or `updated`, `date`), else the date the text gives
    itself (models.notes.dates.text_dating: the latest update line, else the publication date
    from a date tag, a date field, the byline, the dateline, a press-release header, a date line
    at the top or a Source: URL), else the file's last git commit, else its mtime (weak). A note
    dated by git or mtime is `undated`. Git and mtime dates are the day in Eastern time.
    """
    text = _read_text(path, max_bytes)
    meta, body = _split_front_matter(path, text)
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES or meta is not None
    fields = meta or {}
    title = _fm_str(path, fields, "title") or _title(body, markdown)
    review_every = _fm_period(path, fields)
    tracks = _fm_tracks(path, fields.get("tracks"))
    note_date, source, origin = _fm_date(path, fields), "front_matter", "front matter"
    if note_date is None:
        dating = text_dating(body)
        found = dating.best
        note_date, source, origin = (found.day if found else None), "text", _origin(dating)
    if note_date is None:
        note_date, source = git_commit_date(path), "git"
        origin = "undated: the file's last git commit"
    if note_date is None:
        note_date, source = _mtime_date(path), "mtime"
        origin = "undated: the file's modification time"
    return Note(
        path=path,
        title=title,
        body=body,
        date=note_date,
        date_source=source,
        weak_date=source == "mtime",
        review_every=review_every,
        tracks=tracks,
        format="markdown" if markdown else "text",
        date_from=origin,
    )


def _origin(dating: TextDating) -> str:
    """Where the text's date was read; for an update, also the publication date it overrides."""
    best, published = dating.best, dating.published
    if best is None:
        return ""
    if published is None or best is published:
        return best.describe()
    return f"{best.describe()}; published {published.day}, {published.describe()}"


def _read_text(path: Path, max_bytes: int) -> str:
    try:
        data = read_regular(path, max_bytes)  # never blocks on a pipe, never reads a device
    except FileRefused as exc:
        problem = "is a folder, not a note file" if exc.problem.startswith("is a folder") else None
        raise NoteError(path, problem or exc.problem) from None
    if b"\x00" in data[:_BINARY_SNIFF]:
        raise NoteError(path, "binary file (NUL bytes), not a note")
    try:
        text = data.decode("utf-8-sig")  # plain UTF-8, with or without a byte-order mark
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        raise NoteError(path, f"not UTF-8 text (byte 0x{byte:02X} at offset {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any] | None, str]:
    """(front matter mapping or None, body). Empty front matter is an empty mapping."""
    first, sep, rest = text.partition("\n")
    if first.rstrip() != "---":
        return None, text
    closing = re.search(r"^(?:---|\.\.\.)[ \t]*$", rest, re.MULTILINE)
    if not sep or closing is None:
        raise NoteError(path, "front matter: no closing '---' line")
    loaded = _load_yaml(path, rest[: closing.start()])
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        kind = type(loaded).__name__
        raise NoteError(path, f"front matter: expected a mapping of keys, got a {kind}")
    body = rest[closing.end() :].removeprefix("\n")
    return {str(key): value for key, value in loaded.items()}, body


def _load_yaml(path: Path, text: str) -> Any:
    try:
        return safe_yaml.load(text)
    except safe_yaml.UnsafeYaml as exc:
        raise NoteError(path, f"front matter: {exc} (not read)") from None
    except yaml.YAMLError as exc:
        raise NoteError(path, f"front matter: not valid YAML: {_yaml_problem(exc)}") from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem or exc.context or "syntax error"
        mark = exc.problem_mark
        # The mark counts from 0 on the line after the opening '---': +2 gives the file's line.
        return f"{problem} (line {mark.line + 2})" if mark is not None else problem
    return str(exc).splitlines()[0]


def _fm_str(path: Path, fields: dict[str, Any], key: str) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise NoteError(path, f"front matter {key}: expected text, got {value!r}")
    return value.strip() or None


def _as_date(value: object) -> date | None:
    """A YAML date, datetime (aware ones in Eastern time) or a date written as text."""
    if isinstance(value, datetime):
        return value.astimezone(EASTERN).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_note_date(value)
    return None


def _fm_date(path: Path, fields: dict[str, Any]) -> date | None:
    for key in ("last_updated", "updated", "date"):
        if fields.get(key) is None:
            continue
        value = _as_date(fields[key])
        if value is None:
            raise NoteError(path, f"front matter {key}: not a date: {fields[key]!r}")
        return value
    return None


_PERIOD = re.compile(
    r"^\s*(?P<n>\d+)\s*(?P<unit>d|days?|w|weeks?|m|months?|y|years?)\s*$", re.IGNORECASE
)
_PERIOD_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


def parse_period(text: str) -> timedelta | None:
    """`90d`, `12w`, `3m` (30 days each), `1y` (365 days), also `90 days`; None if not a period."""
    match = _PERIOD.match(text)
    if not match or int(match.group("n")) == 0 or len(match.group("n")) > 6:
        return None
    days = int(match.group("n")) * _PERIOD_DAYS[match.group("unit")[0].lower()]
    return timedelta(days=days) if days <= MAX_PERIOD_DAYS else None


def _fm_period(path: Path, fields: dict[str, Any]) -> timedelta | None:
    value = fields.get("review_every")
    if value is None:
        return None
    period = parse_period(value) if isinstance(value, str) else None
    if period is None:
        raise NoteError(
            path,
            "front matter review_every: expected a period like 90d, 12w, 3m or 1y "
            f"(at most 100y), got {value!r}",
        )
    return period


def _fm_tracks(path: Path, value: object) -> tuple[ExplicitClaim, ...]:
    """`tracks:` entries: a mapping {ref, status?, as_of?} or just a ref as text."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise NoteError(path, f"front matter tracks: expected a list, got {value!r}")
    claims: list[ExplicitClaim] = []
    for index, item in enumerate(value):
        where = f"front matter tracks[{index}]"
        entry: dict[str, Any] = {"ref": item} if isinstance(item, str) else item
        if not isinstance(entry, dict):
            raise NoteError(path, f"{where}: expected a mapping like {{ref: S.1681}}, got {item!r}")
        unknown = sorted(set(map(str, entry)) - {"ref", "status", "as_of"})
        if unknown:
            raise NoteError(path, f"{where}.{unknown[0]}: unknown key (known: ref, status, as_of)")
        ref = entry.get("ref")
        if not isinstance(ref, str) or not ref.strip():
            raise NoteError(path, f"{where}.ref: required, the bill, measure or order tracked")
        claims.append(
            ExplicitClaim(ref.strip(), _status(path, where, entry), _as_of(path, where, entry))
        )
    return tuple(claims)


def _status(path: Path, where: str, entry: dict[str, Any]) -> str | None:
    value = entry.get("status")
    if value is None:
        return None
    stage = re.sub(r"[\s-]+", "_", value.strip().lower()) if isinstance(value, str) else None
    if stage not in CLAIM_STAGES:
        raise NoteError(
            path, f"{where}.status: unknown stage {value!r} (one of: {', '.join(CLAIM_STAGES)})"
        )
    return stage


def _as_of(path: Path, where: str, entry: dict[str, Any]) -> date | None:
    value = entry.get("as_of")
    if value is None:
        return None
    parsed = _as_date(value)
    if parsed is None:
        raise NoteError(path, f"{where}.as_of: not a date or month: {value!r}")
    return parsed


# ---------------------------------------------------------------------------------------------
# Title

_ATX_HEADING = re.compile(r"^#[ \t]+(?P<title>.+?)[ \t]*#*[ \t]*$")
_SETEXT_RULE = re.compile(r"^=+[ \t]*$")
# Wiki exports open with a header line such as "Research Note Researched" before the title.
_EXPORT_HEADER = re.compile(r"^research note(?:\s+\w+)?$", re.IGNORECASE)


def _title(body: str, markdown: bool) -> str | None:
    """Markdown: the first level-1 heading (`# T` or `T` over `===`), outside code fences.
    Text: the first non-empty line that is not an export header ("Research Note <status>").
    A line over 200 characters is a paragraph, not a title: None then."""
    lines = body.split("\n")
    if markdown:
        fenced = False
        for index, line in enumerate(lines):
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            if fenced:
                continue
            heading = _ATX_HEADING.match(line)
            if heading:
                return heading.group("title")
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if line.strip() and _SETEXT_RULE.match(following):
                return line.strip()
        return None
    for line in lines:
        stripped = line.strip()
        if stripped and not _EXPORT_HEADER.match(stripped):
            return stripped if len(stripped) <= _MAX_TITLE else None
    return None


# ---------------------------------------------------------------------------------------------
# File dates and finding notes


def git_commit_date(path: Path) -> date | None:
    """The day (Eastern) of the last commit touching `path`; None outside git or if untracked."""
    try:
        proc = subprocess.run(
            ["git", "log", "-1", "--format=%cI", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = proc.stdout.strip()
    if proc.returncode != 0 or not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp).astimezone(EASTERN).date()
    except ValueError:
        return None


def _mtime_date(path: Path) -> date | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, EASTERN).date()
    except OSError:
        return None


def _is_note_name(name: str) -> bool:
    """A note file found in a folder: a known suffix, not hidden, not the folder's README."""
    stem, suffix = os.path.splitext(name)
    return suffix.lower() in NOTE_SUFFIXES and not name.startswith(".") and stem.lower() != "readme"


def find_notes(paths: Sequence[Path]) -> tuple[list[Path], list[NoteError]]:
    """Note files named, or found in named folders (recursively), sorted, each once.

    A file named explicitly is taken whatever its suffix; in folders, *.md, *.markdown and *.txt
    files are taken, except README files and anything hidden (".git", ".obsidian", ".draft.md").
    A symbolic link found in a folder is followed only when it ends inside one of `paths`; a link
    out of them, a loop or a dangling link is a NoteError, as is a path that does not exist or a
    folder that cannot be listed. Pipes, devices and sockets are taken, for read_note to refuse.
    """
    found: set[Path] = set()
    errors: list[NoteError] = []
    roots = [Path(os.path.realpath(path)) for path in paths]
    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            errors.append(NoteError(path, "no such file or folder"))
            continue
        except OSError as exc:
            errors.append(NoteError(path, _link_problem(exc)))
            continue
        if stat.S_ISDIR(mode):
            found.update(_walk(path, roots, errors))
        else:
            found.add(path)
    return sorted(found), errors


def inside(path: Path, roots: Sequence[Path]) -> bool:
    """Whether `path`, links resolved, is one of `roots` or inside one of them."""
    real = Path(os.path.realpath(path))
    return any(real == root or root in real.parents for root in roots)


def check_link(path: Path, roots: Sequence[Path]) -> None:
    """A NoteError unless `path` is no symbolic link, or one that ends inside `roots`."""
    if not path.is_symlink():
        return
    try:
        os.stat(path)
    except OSError as exc:
        raise NoteError(path, _link_problem(exc)) from None
    if not inside(path, roots):
        raise NoteError(path, "symbolic link to a file outside the notes folders (not followed)")


def _link_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT:
        return "symbolic link to nothing (dangling)"
    return f"cannot read: {exc.strerror or exc}"


def _walk(folder: Path, roots: Sequence[Path], errors: list[NoteError]) -> Iterable[Path]:
    def failed(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        errors.append(NoteError(where, f"cannot list folder: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(folder, onerror=failed):  # links to folders: not entered
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            if _is_note_name(name):
                path = Path(root) / name
                try:
                    check_link(path, roots)
                except NoteError as exc:
                    errors.append(exc)
                    continue
                yield path
