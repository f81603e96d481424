"""Web notes as notes: a published page's stored text and date, read like a note file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from models.notes.reading import Note


def paragraphs(text: str) -> str:
    """The extracted text with each line its own block: a page's headings, paragraphs and list
    items come one per line, and a sentence never runs from one into the next."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def note_from_page(
    url: str, title: str | None, text: str, day: date | None, source: str | None
) -> Note:
    """A Note from a page's main text: dated by what the page states about itself (never by
    when it was fetched); undated when it states nothing. Its name everywhere is `url`."""
    return Note(
        path=Path(url),  # not a file: alerts and output name the note by its URL
        title=title,
        body=paragraphs(text),
        date=day,
        date_source="page",  # the page's own metadata or text; where exactly: date_from
        weak_date=False,
        review_every=None,
        tracks=(),
        format="text",
        date_from=source or "the page states no date",
    )


@dataclass(frozen=True)
class WebNote:
    """A web note to judge: its URL, the note read from it, the stored version judged (None when
    read just now and not stored), and where the page is edited."""

    url: str
    note: Note
    version: int | None
    edit_url: str | None


def judged_version(note_says: str, version: int | None) -> str:
    """What an alert's "note says" line adds for a web note: which stored version was judged."""
    return f"{note_says} [page version {version}]" if version is not None else note_says
