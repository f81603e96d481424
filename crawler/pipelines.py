"""Item pipeline: stores items through `models.storage.store`, a transaction per bill."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from twisted.python.failure import Failure

from crawler.items import (
    BillChecked,
    BillFailure,
    BillItem,
    BillSkipped,
    CourtListRead,
    FeedRead,
    ItemFailure,
    ListedJudged,
    ListingItem,
    NewsEntryItem,
    OrderItem,
    Problem,
    WebNoteFailure,
    WebNoteRead,
    WebNoteUnchanged,
)
from models.storage.db import ensure_schema, make_engine, session_factory
from models.storage.news import save_entry
from models.storage.orders import record_listing, save_order
from models.storage.schema import CrawlRun, utcnow
from models.storage.store import (
    SourceFailure,
    finish_run,
    record_failure,
    record_listed,
    record_problem,
    save_bill,
    start_run,
    touch_bill,
)
from models.storage.webnotes import page_failed, save_page, touch_page

logger = logging.getLogger(__name__)
progress = logging.getLogger("legistrack.progress")


def _subject(item: Any) -> str:
    """How failures name an item: `194:H.5316`, `EO 650`, `feed Bolts`..."""
    if isinstance(item, BillItem | BillFailure):
        return f"{item.court}:{item.tracked_number}"
    if isinstance(item, BillChecked | BillSkipped):
        return f"{item.court}:{item.number}"
    if isinstance(item, CourtListRead):
        return f"list {item.court}"
    if isinstance(item, ListedJudged):
        return f"{item.court}:{item.number}"
    if isinstance(item, OrderItem):
        return f"EO {item.number}"
    if isinstance(item, ListingItem):
        return f"listing {item.listing_url}"
    if isinstance(item, NewsEntryItem | FeedRead):
        return f"feed {item.feed}"
    if isinstance(item, WebNoteRead | WebNoteUnchanged | WebNoteFailure):
        return f"page {item.url}"
    return str(getattr(item, "subject", type(item).__name__))


class StorePipeline:
    """Saves BillItems (a snapshot only on change) and BillFailures; closes the CrawlRun."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.engine: Engine | None = None
        self.session: Session | None = None
        self.run: CrawlRun | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        return pipeline

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    def open_spider(self, spider: Any = None) -> None:
        url = (
            self.crawler.settings.get("LEGISTRACK_DATABASE_URL") or self.spider.config.database_url
        )
        self.engine = make_engine(url)
        ensure_schema(self.engine)
        self.session = session_factory(self.engine)()
        self.run = start_run(self.session, self.spider.name)
        self.session.commit()
        self.crawler.stats.set_value("legistrack/run_id", self.run.id)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Store one item; any error doing so is that item's recorded failure, never a skip."""
        try:
            self._process(item)
        except SQLAlchemyError:
            raise  # the database itself is failing: nothing can be recorded; the crawl fails
        except Exception as exc:
            assert self.session is not None
            self.session.rollback()
            logger.exception("storing %s failed", type(item).__name__)
            self._fail(_subject(item), f"internal error while storing: {exc!r}", None)
        return item

    def _process(self, item: Any) -> None:
        assert self.session is not None and self.run is not None
        if isinstance(item, BillFailure):
            self._fail(f"{item.court}:{item.tracked_number}", item.error, item.url)
        elif isinstance(item, ItemFailure):
            self._fail(item.subject, item.error, item.url)
        elif isinstance(item, WebNoteFailure):
            page_failed(self.session, item.url, item.status, item.error)
            self._fail(f"page {item.url}", item.error, item.url)
        elif isinstance(item, Problem):
            record_problem(self.session, self.run, item.subject, item.message, item.url, item.kind)
            self.session.commit()
            progress.info("%s: %s: %s", item.subject, item.kind, item.message)
        elif isinstance(item, BillItem):
            self._save(item)
        elif isinstance(item, BillChecked | BillSkipped | CourtListRead):
            self._note_unchanged(item)
        else:
            self._store(item)

    def _store(self, item: Any) -> None:
        """Orders, listings and news: each in its own transaction."""
        assert self.session is not None and self.run is not None
        session, run = self.session, self.run
        try:
            if isinstance(item, ListedJudged):
                record_listed(session, item.court, item.number, item.in_scope, item.reason)
                scope = {True: "in scope", False: "outside the committees", None: "undecided"}
                note, subject = f"{scope[item.in_scope]}: {item.reason}", _subject(item)
            elif isinstance(item, ListingItem):
                run.checked += 1
                new = record_listing(session, item.listing_url, item.links, utcnow())
                note = f"{len(item.links)} orders listed, {len(new)} new"
                subject = f"listing {item.listing_url}"
            elif isinstance(item, OrderItem):
                changed = save_order(session, run, item, item.tracked, item.keywords)
                note, subject = ("changed" if changed else "unchanged"), f"EO {item.number}"
            elif isinstance(item, FeedRead):
                run.checked += 1
                note, subject = f"{item.entries} entries", f"feed {item.feed}"
            elif isinstance(item, NewsEntryItem):
                added = save_entry(session, run, item)
                note, subject = ("new" if added else "known"), f"news {item.title[:60]}"
            elif isinstance(item, WebNoteRead):
                note = "changed" if save_page(session, run, item) else "unchanged"
                subject = f"page {item.url}"
            elif isinstance(item, WebNoteUnchanged):
                touch_page(session, run, item.url, item.not_modified, item.by_lastmod,
                           item.etag, item.last_modified, item.sitemap_lastmod)  # fmt: skip
                note = "unchanged (sitemap lastmod)" if item.by_lastmod else "unchanged (304)"
                subject = f"page {item.url}"
            else:
                return
            session.commit()
        except SourceFailure as exc:  # an order page that lost rows it showed before
            session.rollback()
            self._fail(_subject(item), str(exc), getattr(item, "url", None))
            return
        except SQLAlchemyError as exc:
            session.rollback()
            first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            self._fail(_subject(item), f"database error while saving: {first}", None)
            return
        progress.info("%s %s", subject, note)

    def _note_unchanged(self, item: BillChecked | BillSkipped | CourtListRead) -> None:
        """A bill read unchanged, a bill the policy skipped, a court list read: counts only."""
        assert self.session is not None and self.run is not None
        subject = _subject(item)
        if isinstance(item, BillSkipped):
            self.run.skipped += 1
            note = f"not read: {item.reason}"
        elif isinstance(item, CourtListRead):
            note = f"{item.listed} documents listed"
            if item.kept != item.listed:
                note += f", {item.kept} with a title keyword"
        else:
            try:
                touch_bill(
                    self.session,
                    self.run,
                    item.bill_id,
                    item.not_modified,
                    item.history_etag,
                    item.history_last_modified,
                )
            except SourceFailure as exc:
                self.session.rollback()
                self._fail(subject, str(exc), None)
                return
            except SQLAlchemyError as exc:
                self.session.rollback()
                first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
                self._fail(subject, f"database error while saving: {first}", None)
                return
            note = "unchanged (304)" if item.not_modified else "unchanged"
        self.session.commit()
        progress.info("%s %s", subject, note)

    def _save(self, item: BillItem) -> None:
        assert self.session is not None and self.run is not None
        subject = f"{item.court}:{item.tracked_number}"
        try:
            result = save_bill(self.session, self.run, item)
            if item.fallback_reason:
                self.run.fallbacks += 1
            self.session.commit()
        except SourceFailure as exc:
            self.session.rollback()
            self._fail(subject, str(exc), item.fetched_from)
            return
        except SQLAlchemyError as exc:
            # Recorded as this bill's failure (the run goes on); if even that cannot be written,
            # the database is gone and the error propagates.
            self.session.rollback()
            first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            self._fail(subject, f"database error while saving: {first}", item.fetched_from)
            return
        note = "changed" if result.changed else "unchanged"
        via = f" (from the HTML page: {item.fallback_reason})" if item.fallback_reason else ""
        progress.info("%s %s, %s%s", result.key, note, result.stage, via)

    def _fail(self, subject: str, message: str, url: str | None) -> None:
        assert self.session is not None and self.run is not None
        record_failure(self.session, self.run, subject, message, url)
        self.session.commit()
        progress.info("%s FAILED: %s", subject, message)

    def spider_error(self, failure: Failure, response: Any, spider: Any) -> None:
        """A callback that crashed: recorded as that bill's failure, never silently dropped."""
        ref = getattr(response, "cb_kwargs", {}).get("ref") if response is not None else None
        if ref is not None and hasattr(spider, "outcomes"):
            spider.outcomes[ref] = "failed"
        subject = ref.key if ref is not None else spider.name
        message = f"internal error while parsing: {failure.getErrorMessage()}"
        if self.session is not None and self.run is not None:
            self._fail(subject, message, getattr(response, "url", None))

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.session is None or self.run is None:
            return
        for subject in getattr(spider, "unresolved", list)():
            self._fail(subject, f"no result: the crawl ended ({reason}) before it was read", None)
        finish_run(self.session, self.run, reason)
        self.session.commit()
        self.session.close()
        if self.engine is not None:
            self.engine.dispose()
