"""What the CLI shows of a web note: its stored versions, a diff of two, and its links."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from models.notes.reading import Note
from models.notes.web import note_from_page
from models.storage.schema import WebNoteSnapshot
from models.storage.webnotes import page_versions

from . import formatting
from .common import fail


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def page_lines(session: Session, note: str) -> list[str]:
    """For an alert whose note is a web page: the page, its edit link and the newest version."""
    if not is_url(note):
        return []
    versions = page_versions(session, note)
    lines = [f"{'page:':14} {note}"]
    if versions and versions[-1].edit_url:
        lines.append(f"{'edit:':14} {versions[-1].edit_url}")
    if versions:
        newest = versions[-1]
        stamp = formatting.stamp(newest.taken_at)
        lines.append(f"{'page version:':14} {newest.version}, read {stamp}")
    return lines


def show_web_note(
    session: Session,
    url: str,
    show_diff: bool,
    old: int | None,
    new: int | None,
    echo: Callable[[str], None],
) -> Note | None:
    """Print a stored web note's versions (or the diff of two); the newest as a Note to show."""
    versions = page_versions(session, url)
    if not versions:
        fail(
            f"{url}: not a stored web note (crawl it first, or `notes check URL` for a quick look)"
        )
    newest = versions[-1]
    echo(f"{url}: {newest.title or '(no title)'}")
    if newest.edit_url:
        echo(f"edit: {newest.edit_url}")
    echo("versions:")
    for snap in versions:
        dated = f"dated {snap.note_date} ({snap.date_source})" if snap.note_date else "undated"
        echo(f"  {snap.version}  read {formatting.stamp(snap.taken_at)}  {dated}")
    if show_diff:
        echo_diff(url, versions, old, new, echo)
        return None
    judged = date.fromisoformat(newest.note_date) if newest.note_date else None
    return note_from_page(url, newest.title, newest.text, judged, newest.date_source)


def echo_diff(
    url: str,
    versions: list[WebNoteSnapshot],
    old: int | None,
    new: int | None,
    echo: Callable[[str], None],
) -> None:
    by_number = {v.version: v for v in versions}
    new = new if new is not None else versions[-1].version
    old = old if old is not None else new - 1
    if old not in by_number or new not in by_number:
        known = ", ".join(str(v) for v in by_number)
        fail(f"{url}: versions {old} and {new} are not both stored (stored: {known})")
    before, after = by_number[old], by_number[new]
    echo(f"diff of version {old} and version {new}:")
    header = [f"date: {before.note_date} ({before.date_source})", ""]
    header_after = [f"date: {after.note_date} ({after.date_source})", ""]
    lines = difflib.unified_diff(
        header + before.text.splitlines(), header_after + after.text.splitlines(),
        f"{url} version {old}", f"{url} version {new}", lineterm="",
    )  # fmt: skip
    for line in lines:
        echo(line)
