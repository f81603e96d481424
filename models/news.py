"""News items: which tracked subjects an entry cites, storing each story once, and reading them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import Config
from .numbers import BillRef
from .references import find_references, resolve_bill
from .schema import CrawlRun, NewsItem, utcnow


class EntryData(Protocol):
    """What storage needs of a kept feed entry (crawler items satisfy it)."""

    @property
    def key(self) -> str: ...
    @property
    def feed(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def published(self) -> datetime | None: ...
    @property
    def summary(self) -> str: ...
    @property
    def subjects(self) -> Sequence[str]: ...
    @property
    def keywords(self) -> Sequence[str]: ...


def subjects_in(
    text: str, config: Config, known: Collection[BillRef], on: date | None
) -> list[str]:
    """The subject keys a text cites, as notes name them: `194:H.5316`, a measure, `EO 650`.

    A configured bill brings its measure's name along, so news of S.3072 reaches a note that
    cites the PROTECT Act."""
    aliases = {m.name: list(m.aliases) for m in config.measures}
    tracked = set(config.tracked_bills()) | set(known)
    measure_of = {ref: m.name for m in config.measures for ref in m.bills}
    keys: dict[str, None] = {}
    for ref in find_references(text, aliases):
        if ref.kind == "order" and ref.order is not None:
            keys[f"EO {ref.order}"] = None
        elif ref.kind == "measure" and ref.measure:
            keys[ref.measure] = None
        else:
            bill = resolve_bill(ref, tracked, on)
            if bill is not None:
                keys[bill.key] = None
                if bill in measure_of:  # news of a bill is news of its measure
                    keys[measure_of[bill]] = None
    return list(keys)


def known_keys(session: Session) -> set[str]:
    return set(session.scalars(select(NewsItem.key)))


def save_entry(session: Session, run: CrawlRun, entry: EntryData) -> bool:
    """Store a kept entry once (by GUID, else by normalized URL); True when it was new."""
    if session.scalars(select(NewsItem.id).where(NewsItem.key == entry.key)).first():
        return False
    session.add(
        NewsItem(
            key=entry.key,
            feed=entry.feed,
            title=entry.title,
            url=entry.url,
            published=entry.published,
            summary=entry.summary,
            subjects="\n".join(entry.subjects),
            keywords="; ".join(entry.keywords),
            first_seen_at=utcnow(),
        )
    )
    run.changed += 1
    session.flush()
    return True


@dataclass(frozen=True)
class Story:
    """A stored news item as the rules and the CLI read it."""

    key: str
    feed: str
    title: str
    url: str | None
    published: datetime | None
    summary: str
    subjects: tuple[str, ...]
    keywords: tuple[str, ...]


def stories(
    session: Session, since: datetime | None = None, subject: str | None = None
) -> list[Story]:
    query = select(NewsItem).order_by(NewsItem.published.desc(), NewsItem.id)
    if since is not None:
        query = query.where(NewsItem.published >= since)
    found = [
        Story(
            n.key,
            n.feed,
            n.title,
            n.url,
            n.published,
            n.summary,
            tuple(s for s in n.subjects.split("\n") if s),
            tuple(k for k in n.keywords.split("; ") if k),
        )
        for n in session.scalars(query)
    ]
    if subject is not None:
        found = [s for s in found if subject in s.subjects]
    return found
