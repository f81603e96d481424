"""Spider `news`: RSS and Atom feeds; entries that cite tracked items or keywords are kept."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.failures import describe_failure, strict_text
from crawler.items import FeedRead, ItemFailure, NewsEntryItem, Problem
from crawler.parsers.errors import ParseError
from crawler.parsers.feeds import FeedEntry, article_text, parse_feed
from crawler.spiders.base import ConfiguredSpider
from models.config import Config, Feed
from models.legislature.numbers import BillRef
from models.legislature.sanity import latest_possible
from models.sources.keywords import matching
from models.sources.news import subjects_in
from models.storage.db import ensure_schema, make_engine, session_scope
from models.storage.news import known_keys
from models.storage.schema import Bill, NewsItem, utcnow


class NewsSpider(ConfiguredSpider):
    name = "news"

    def __init__(self, config: Config | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.known: set[str] = set()
        self.bills: list[BillRef] = []
        self.feeds_with_items: set[str] = set()
        self.started = utcnow()

    def source_urls(self) -> list[str]:
        return [feed.url for feed in self.conf.feeds]

    async def start(self) -> AsyncIterator[Any]:
        assert self.config is not None
        engine = make_engine(self.config.database_url)
        ensure_schema(engine)
        with session_scope(engine) as session:
            self.known = known_keys(session)
            self.bills = [BillRef(b.court, b.number) for b in session.query(Bill)]
            self.feeds_with_items = {row[0] for row in session.query(NewsItem.feed).distinct()}
        engine.dispose()
        for feed in self.config.feeds:
            yield scrapy.Request(
                feed.url,
                callback=self.parse_feed,
                errback=self.failed,
                cb_kwargs={"feed": feed},
                dont_filter=True,
            )

    def parse_feed(self, response: Response, feed: Feed) -> Iterator[Any]:
        try:
            parsed = parse_feed(response.body, response.url)
        except ParseError as exc:
            yield ItemFailure(f"feed {feed.name}", str(exc), response.url)
            return
        if not parsed.entries and feed.name in self.feeds_with_items:
            message = "the feed has no entries, where stories were kept from it before"
            yield ItemFailure(f"feed {feed.name}", message, response.url)
            return
        subject = f"feed {feed.name}"
        yield FeedRead(feed.name, response.url, len(parsed.entries))
        for warning in parsed.warnings:
            yield Problem(subject, warning, response.url, kind="warning")
        for problem in parsed.problems:
            yield Problem(subject, problem, response.url)
        entries = parsed.entries
        cap = self.conf.crawl.max_feed_entries
        if len(entries) > cap:
            message = (
                f"{len(entries)} entries; only the first {cap} were read (crawl.max_feed_entries)"
            )
            yield Problem(subject, message, response.url, kind="warning")
            entries = entries[:cap]
        latest = latest_possible(self.started)
        for entry in entries:
            if entry.published is not None and entry.published.date() > latest:
                message = (
                    f"entry {entry.title[:80]!r} is dated {entry.published.date()}, after "
                    "today: refused, not stored"
                )
                yield ItemFailure(subject, message, entry.link or response.url)
                continue
            if entry.key in self.known:
                continue
            self.known.add(entry.key)
            item = self.keep(feed, entry, "")
            if item is not None:
                yield item
            elif self.fetch_articles(feed) and entry.link:
                yield scrapy.Request(
                    entry.link,
                    callback=self.parse_article,
                    errback=self.article_failed,
                    cb_kwargs={"feed": feed, "entry": entry},
                    dont_filter=True,
                )

    def fetch_articles(self, feed: Feed) -> bool:
        assert self.config is not None
        return (
            self.config.news.fetch_articles if feed.fetch_articles is None else feed.fetch_articles
        )

    def keep(self, feed: Feed, entry: FeedEntry, article: str) -> NewsEntryItem | None:
        """The entry as an item when its text cites a tracked subject or a keyword."""
        assert self.config is not None
        text = f"{entry.title}\n{entry.summary}\n{article}"
        on = entry.published.date() if entry.published else None
        subjects = subjects_in(text, self.config, self.bills, on)
        words = matching(text, self.config.news.keywords)
        if not subjects and not words:
            return None
        return NewsEntryItem(
            entry.key, feed.name, entry.title, entry.link, entry.published, entry.summary,
            subjects, words,
        )  # fmt: skip

    def parse_article(self, response: Response, feed: Feed, entry: FeedEntry) -> Iterator[Any]:
        try:
            text = article_text(strict_text(response), response.url)
        except (ParseError, AttributeError) as exc:
            yield Problem(f"feed {feed.name}", f"article not read: {exc}", response.url)
            return
        item = self.keep(feed, entry, text)
        if item is not None:
            yield item

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        feed: Feed = request.cb_kwargs["feed"]
        yield ItemFailure(f"feed {feed.name}", describe_failure(failure), request.url)

    def article_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        feed: Feed = request.cb_kwargs["feed"]
        message = f"article not read: {describe_failure(failure)}"
        yield Problem(f"feed {feed.name}", message, request.url)

    def unresolved(self) -> list[str]:
        return []
