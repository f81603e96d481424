"""Item pipeline: stores items through `models.storage`; bills in batches (a transaction each),
the rest an item per transaction."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from twisted.internet.task import LoopingCall
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
from models.storage.batch import Refused, save_bills, touch_bills
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

BATCH_SIZE = 500  # bills stored per transaction at most
BATCH_AGE = 1.0  # seconds a bill read waits at most before it is stored


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
    """Saves BillItems (a snapshot only on change) and BillFailures; closes the CrawlRun.

    Bills read (BillItem) and bills read unchanged (BillChecked) wait in a batch, stored as one
    transaction when it holds BATCH_SIZE of them, when its oldest has waited BATCH_AGE seconds,
    and when the crawl ends. A batch the database refuses is stored again one bill per
    transaction, so one bad bill never loses the others; a crawl killed mid-batch loses only
    that batch's bills, never half of one (the next crawl reads them again)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.engine: Engine | None = None
        self.session: Session | None = None
        self.run: CrawlRun | None = None
        self.pending: list[BillItem | BillChecked] = []
        self.pending_since = 0.0
        self.flusher: LoopingCall | None = None
        self.clock: Any = None  # what times the flushes: the running reactor (a test's Clock)

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
        self.flusher = LoopingCall(self._flush_if_old)
        if self.clock is not None:
            self.flusher.clock = self.clock
        # A flush that raises could not even record a failure: the database is gone. Said in
        # one line (not an unhandled Deferred's traceback); the crawl's end fails the run.
        self.flusher.start(BATCH_AGE / 2, now=False).addErrback(self._flushing_stopped)

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
        elif isinstance(item, BillItem | BillChecked):
            self._queue(item)
        elif isinstance(item, BillSkipped | CourtListRead):
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
            first = _first_line(exc)
            self._fail(_subject(item), f"database error while saving: {first}", None)
            return
        progress.info("%s %s", subject, note)

    def _note_unchanged(self, item: BillSkipped | CourtListRead) -> None:
        """A bill the policy skipped, a court list read: counts only."""
        assert self.session is not None and self.run is not None
        if isinstance(item, BillSkipped):
            self.run.skipped += 1
            note = f"not read: {item.reason}"
        else:
            note = f"{item.listed} documents listed"
            if item.kept != item.listed:
                note += f", {item.kept} with a title keyword"
        self.session.commit()
        progress.info("%s %s", _subject(item), note)

    # --- bills, in batches ---------------------------------------------------------------------

    def _queue(self, item: BillItem | BillChecked) -> None:
        if not self.pending:
            self.pending_since = time.monotonic()
        self.pending.append(item)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def _flush_if_old(self) -> None:
        if self.pending and time.monotonic() - self.pending_since >= BATCH_AGE:
            self.flush()

    def _flushing_stopped(self, failure: Failure) -> None:
        logger.error("storing bills stopped: %s", _first_line(failure.value or Exception()))

    def flush(self) -> None:
        """Store the waiting bills as one transaction; if the database refuses it, one by one."""
        assert self.session is not None and self.run is not None
        batch, self.pending = self.pending, []
        if not batch:
            return
        items = [item for item in batch if isinstance(item, BillItem)]
        checks = [item for item in batch if isinstance(item, BillChecked)]
        try:
            saved = save_bills(self.session, self.run, items) if items else []
            touched = touch_bills(self.session, self.run, checks) if checks else []
            self.run.fallbacks += sum(1 for item in items if item.fallback_reason)
            self.session.commit()
        except Exception as exc:
            self.session.rollback()
            first = _first_line(exc)
            logger.warning("a batch of %d bills failed (%s): storing them one at a time",
                           len(batch), first)  # fmt: skip
            for item in batch:
                self._store_one(item)
            return
        for item, outcome in zip(items, saved, strict=True):
            subject = f"{item.court}:{item.tracked_number}"
            if isinstance(outcome, Refused):
                self._fail(subject, outcome.message, item.fetched_from)
                continue
            note = "changed" if outcome.changed else "unchanged"
            via = f" (from the HTML page: {item.fallback_reason})" if item.fallback_reason else ""
            progress.info("%s %s, %s%s", outcome.key, note, outcome.stage, via)
        for check, refused in zip(checks, touched, strict=True):
            if refused is not None:
                self._fail(_subject(check), refused.message, None)
            else:
                note = "unchanged (304)" if check.not_modified else "unchanged"
                progress.info("%s %s", _subject(check), note)

    def _store_one(self, item: BillItem | BillChecked) -> None:
        """One bill in its own transaction (after its batch failed): any error is its failure;
        a database that cannot even record that fails the crawl."""
        assert self.session is not None and self.run is not None
        if isinstance(item, BillItem):
            subject, url = f"{item.court}:{item.tracked_number}", item.fetched_from
        else:
            subject, url = _subject(item), None
        try:
            if isinstance(item, BillItem):
                result = save_bill(self.session, self.run, item)
                if item.fallback_reason:
                    self.run.fallbacks += 1
                note = f"{'changed' if result.changed else 'unchanged'}, {result.stage}"
                subject_shown = result.key
            else:
                touch_bill(self.session, self.run, item.bill_id, item.not_modified,
                           item.history_etag, item.history_last_modified)  # fmt: skip
                note = "unchanged (304)" if item.not_modified else "unchanged"
                subject_shown = subject
            self.session.commit()
        except SourceFailure as exc:
            self.session.rollback()
            self._fail(subject, str(exc), url)
            return
        except Exception as exc:
            self.session.rollback()
            if not isinstance(exc, SQLAlchemyError):
                logger.exception("storing %s failed", subject)
            first = _first_line(exc)
            kind = "database" if isinstance(exc, SQLAlchemyError) else "internal"
            self._fail(subject, f"{kind} error while saving: {first}", url)
            return
        progress.info("%s %s", subject_shown, note)

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
        if self.flusher is not None and self.flusher.running:
            self.flusher.stop()
        if self.session is None or self.run is None:
            return
        self.flush()
        for subject in getattr(spider, "unresolved", list)():
            self._fail(subject, f"no result: the crawl ended ({reason}) before it was read", None)
        finish_run(self.session, self.run, reason)
        self.session.commit()
        self.session.close()
        if self.engine is not None:
            self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    """An error in one line: the driver's own message for a database error (SQLAlchemy's adds
    the statement and a link on lines of their own)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
