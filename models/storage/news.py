"""Storing news: each kept entry once (by GUID, else URL), and reading the stories back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.sources.news import EntryData
from models.storage.schema import CrawlRun, NewsItem, utcnow


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
