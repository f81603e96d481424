"""Web notes in storage: pages and their text snapshots (written only on change), validators for
conditional reads, each page's streak of failed reads, and what the check reads back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.storage.schema import CrawlRun, WebNotePage, WebNoteSnapshot, utcnow

GONE_STATUSES = (404, 410)


class PageData(Protocol):
    """What storage needs of a page read (crawler.items.WebNoteRead satisfies it)."""

    @property
    def url(self) -> str: ...
    @property
    def fetched_from(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def note_date(self) -> str | None: ...
    @property
    def date_source(self) -> str | None: ...
    @property
    def edit_url(self) -> str | None: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def sitemap_lastmod(self) -> str | None: ...


@dataclass(frozen=True)
class KnownPage:
    """What the spider needs to know of a stored page to read it conditionally, or not at all."""

    url: str
    etag: str | None
    last_modified: str | None
    sitemap_lastmod: str | None
    stored: bool  # a snapshot of its text is stored
    failures: int


@dataclass(frozen=True)
class StoredPage:
    """A web note's newest stored version, and the page's health."""

    url: str
    version: int
    taken_at: datetime
    title: str | None
    text: str
    note_date: date | None
    date_source: str | None
    edit_url: str | None
    fetched_from: str
    failures: int
    last_status: int | None
    last_error: str | None


def known_pages(session: Session) -> dict[str, KnownPage]:
    return {
        page.url: KnownPage(
            page.url,
            page.etag,
            page.last_modified,
            page.sitemap_lastmod,
            page.content_hash is not None,
            page.failures,
        )
        for page in session.scalars(select(WebNotePage))
    }


def _page(session: Session, url: str, now: datetime) -> WebNotePage:
    page = session.scalars(select(WebNotePage).where(WebNotePage.url == url)).first()
    if page is None:
        page = WebNotePage(url=url, first_seen_at=now, failures=0, snapshots=[])
        session.add(page)
    return page


def page_hash(data: PageData) -> str:
    """What a version is: the text, the title, the date and where it came from, the edit link."""
    basis = [data.text, data.title, data.note_date, data.date_source, data.edit_url]
    return hashlib.sha256(json.dumps(basis).encode()).hexdigest()


def save_page(session: Session, run: CrawlRun, data: PageData, now: datetime | None = None) -> bool:
    """Store a page read: a new snapshot only when its text (or date) changed. True if it did."""
    now = now or utcnow()
    page = _page(session, data.url, now)
    _healthy(page, now)
    page.etag, page.last_modified = data.etag, data.last_modified
    page.sitemap_lastmod = data.sitemap_lastmod
    run.checked += 1
    digest = page_hash(data)
    if digest == page.content_hash:
        session.flush()
        return False
    session.flush()
    version = (
        session.scalar(
            select(func.max(WebNoteSnapshot.version)).where(WebNoteSnapshot.page_id == page.id)
        )
        or 0
    ) + 1
    session.add(
        WebNoteSnapshot(
            page_id=page.id, crawl_run_id=run.id, version=version, taken_at=now,
            content_hash=digest, title=data.title, text=data.text, note_date=data.note_date,
            date_source=data.date_source, edit_url=data.edit_url, fetched_from=data.fetched_from,
        )
    )  # fmt: skip
    page.content_hash, page.changed_at = digest, now
    run.changed += 1
    session.flush()
    return True


def touch_page(
    session: Session,
    run: CrawlRun,
    url: str,
    not_modified: bool,
    by_lastmod: bool,
    etag: str | None = None,
    last_modified: str | None = None,
    sitemap_lastmod: str | None = None,
    now: datetime | None = None,
) -> None:
    """A stored page found unchanged: by a 304 (checked), or not fetched because its sitemap
    lastmod has not moved (counted as skipped)."""
    now = now or utcnow()
    page = _page(session, url, now)
    if by_lastmod:
        run.skipped += 1
        session.flush()
        return
    _healthy(page, now)
    page.sitemap_lastmod = sitemap_lastmod or page.sitemap_lastmod
    if etag or last_modified:
        page.etag, page.last_modified = etag, last_modified
    run.checked += 1
    if not_modified:
        run.not_modified += 1
    session.flush()


def _healthy(page: WebNotePage, now: datetime) -> None:
    page.last_checked_at = now
    page.failures, page.failing_since, page.last_status, page.last_error = 0, None, None, None


def page_failed(
    session: Session, url: str, status: int | None, error: str, now: datetime | None = None
) -> WebNotePage:
    """One more failed read in the page's streak; its stored versions are kept as they are."""
    now = now or utcnow()
    page = _page(session, url, now)
    page.failures = (page.failures or 0) + 1
    page.failing_since = page.failing_since or now
    page.last_status, page.last_error = status, error
    session.flush()
    return page


def current_pages(session: Session) -> list[StoredPage]:
    """Every page with a stored version: its newest version, and its health."""
    newest = (
        select(WebNoteSnapshot.page_id, func.max(WebNoteSnapshot.version).label("version"))
        .group_by(WebNoteSnapshot.page_id)
        .subquery()
    )
    query = (
        select(WebNotePage, WebNoteSnapshot)
        .join(newest, newest.c.page_id == WebNotePage.id)
        .join(
            WebNoteSnapshot,
            (WebNoteSnapshot.page_id == WebNotePage.id)
            & (WebNoteSnapshot.version == newest.c.version),
        )
        .order_by(WebNotePage.url)
    )
    return [_stored(page, snap) for page, snap in session.execute(query)]


def _stored(page: WebNotePage, snap: WebNoteSnapshot) -> StoredPage:
    return StoredPage(
        page.url, snap.version, snap.taken_at, snap.title, snap.text,
        date.fromisoformat(snap.note_date) if snap.note_date else None, snap.date_source,
        snap.edit_url, snap.fetched_from, page.failures, page.last_status, page.last_error,
    )  # fmt: skip


def page_versions(session: Session, url: str) -> list[WebNoteSnapshot]:
    """A page's stored versions, oldest first (empty when the page is not stored)."""
    page = session.scalars(select(WebNotePage).where(WebNotePage.url == url)).first()
    return list(page.snapshots) if page is not None else []


def edit_links(session: Session, urls: Iterable[str]) -> dict[str, str]:
    """The newest edit link of each of these pages that has one."""
    wanted = set(urls)
    return {p.url: p.edit_url for p in current_pages(session) if p.url in wanted and p.edit_url}


def is_gone(failures: int, last_status: int | None, threshold: int) -> bool:
    """A page answered 404 or 410 `threshold` times in a row: it was taken down."""
    return failures >= threshold and last_status in GONE_STATUSES


@dataclass(frozen=True)
class FailingPage:
    url: str
    failures: int  # failed reads in a row
    last_status: int | None
    last_error: str | None
    failing_since: datetime | None
    stored: bool  # a version of it is stored (a page never read cannot be "gone")


def failing_pages(session: Session) -> list[FailingPage]:
    """Every page whose last read failed (stored or never read), with its streak."""
    query = select(WebNotePage).where(WebNotePage.failures > 0).order_by(WebNotePage.url)
    return [
        FailingPage(
            p.url,
            p.failures,
            p.last_status,
            p.last_error,
            p.failing_since,
            p.content_hash is not None,
        )
        for p in session.scalars(query)
    ]
