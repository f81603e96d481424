"""Spider `notes`: research notes published on the web (`[[notes.sites]]`): pages named in the
config, listed by a sitemap (with `lastmod`) or by a feed; each read conditionally."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.failures import describe_failure, parse_failure, strict_text
from crawler.items import ItemFailure, Problem, WebNoteFailure, WebNoteRead, WebNoteUnchanged
from crawler.parsers.errors import ParseError
from crawler.parsers.feeds import parse_feed
from crawler.parsers.webnote import parse_page, parse_sitemap
from crawler.spiders.base import ConfiguredSpider
from crawler.spiders.court_list import response_validators
from models.config import Config, NoteSite
from models.storage.db import ensure_schema, make_engine, session_scope
from models.storage.webnotes import KnownPage, known_pages

MAX_SITEMAP_DEPTH = 2  # a sitemap index may list sitemaps; those are not followed further


def listed(site: NoteSite, url: str) -> bool:
    """Whether a page a sitemap or feed lists is one of the site's notes (include / exclude)."""
    if site.include and not any(fnmatchcase(url, p) for p in site.include):
        return False
    return not any(fnmatchcase(url, p) for p in site.exclude)


class NotesSpider(ConfiguredSpider):
    name = "notes"

    def __init__(self, config: Config | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.known: dict[str, KnownPage] = {}
        self.asked: set[str] = set()  # page URLs requested (or spared) this crawl
        self.outcomes: dict[str, str] = {}
        self.swept = False

    def source_urls(self) -> list[str]:
        return [url for site in self.conf.notes.sites for url in site.urls()]

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.sweep, signal=signals.spider_idle)
        return spider

    def sweep(self) -> None:
        """When the sitemaps and feeds are read: stored pages of these hosts that nothing listed
        this crawl (dropped from a sitemap, taken down) are asked for too, conditionally, so a
        page that is gone is known to be gone (404/410), and one merely unlisted stays judged."""
        if self.swept:
            return
        self.swept = True
        left = [url for url in sorted(self.known) if url not in self.asked]
        requests = [r for url in left if self.on_configured_host(url) for r in self.page(url, None)]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    async def start(self) -> AsyncIterator[Any]:
        engine = make_engine(self.conf.database_url)
        ensure_schema(engine)
        with session_scope(engine) as session:
            self.known = known_pages(session)
        engine.dispose()
        for site in self.conf.notes.sites:
            for url in site.pages:
                for request in self.page(url, None):
                    yield request
            if site.sitemap:
                yield self.listing(site.sitemap, self.parse_sitemap, site, 1)
            if site.feed:
                yield self.listing(site.feed, self.parse_feed, site, 1)

    def listing(self, url: str, callback: Any, site: NoteSite, depth: int) -> scrapy.Request:
        return scrapy.Request(
            url, callback=callback, errback=self.listing_failed,
            cb_kwargs={"site": site, "depth": depth}, dont_filter=True,
        )  # fmt: skip

    def page(self, url: str, lastmod: str | None) -> Iterator[Any]:
        """One page: not fetched when its sitemap lastmod has not moved, else a conditional GET."""
        if url in self.asked:
            return
        self.asked.add(url)
        known = self.known.get(url)
        fresh = known is not None and known.stored and not known.failures
        if fresh and lastmod and known is not None and known.sitemap_lastmod == lastmod:
            self.outcomes[url] = "unchanged"
            yield WebNoteUnchanged(url, False, True, sitemap_lastmod=lastmod)
            return
        headers = {}
        if known is not None and known.stored:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        yield scrapy.Request(
            url, headers=headers, callback=self.parse_page, errback=self.page_failed,
            cb_kwargs={"url": url, "lastmod": lastmod},
            meta={"handle_httpstatus_list": [304]}, dont_filter=True,
        )  # fmt: skip

    def parse_page(self, response: Response, url: str, lastmod: str | None) -> Iterator[Any]:
        etag, modified = response_validators(response)
        if response.status == 304:
            asked = response.request.headers if response.request is not None else {}
            if b"If-None-Match" in asked or b"If-Modified-Since" in asked:
                self.outcomes[url] = "unchanged"
                yield WebNoteUnchanged(url, True, False, etag, modified, lastmod)
                return
            yield self.failure(url, f"HTTP 304 unasked for at {response.url}", 304)
            return
        try:
            page = parse_page(strict_text(response), response.url)
        except (ParseError, AttributeError) as exc:
            yield self.failure(url, parse_failure(exc, response), None)
            return
        self.outcomes[url] = "read"
        yield WebNoteRead(
            url, response.url, page.title, page.text,
            page.date.isoformat() if page.date else None, page.date_source, page.edit_url,
            etag, modified, lastmod,
        )  # fmt: skip

    def failure(self, url: str, error: str, status: int | None) -> WebNoteFailure:
        self.outcomes[url] = "failed"
        return WebNoteFailure(url, error, status)

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        status = error.response.status if isinstance(error, HttpError) else None
        yield self.failure(request.cb_kwargs["url"], describe_failure(failure), status)

    def parse_sitemap(self, response: Response, site: NoteSite, depth: int) -> Iterator[Any]:
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except ParseError as exc:
            yield ItemFailure(f"sitemap {response.url}", str(exc), response.url)
            return
        if not sitemap.pages and not sitemap.sitemaps:
            message = "the sitemap lists no pages"
            yield ItemFailure(f"sitemap {response.url}", message, response.url)
            return
        for child in sitemap.sitemaps:
            if depth >= MAX_SITEMAP_DEPTH:
                yield Problem(f"sitemap {response.url}", "nested too deep", child.url)
            elif self.on_configured_host(child.url):
                yield self.listing(child.url, self.parse_sitemap, site, depth + 1)
            else:
                yield self.elsewhere(f"sitemap {response.url}", child.url)
        for entry in sitemap.pages:
            yield from self.discovered(site, f"sitemap {response.url}", entry.url, entry.lastmod)

    def parse_feed(self, response: Response, site: NoteSite, depth: int) -> Iterator[Any]:
        try:
            feed = parse_feed(response.body, response.url)
        except ParseError as exc:
            yield ItemFailure(f"feed {response.url}", str(exc), response.url)
            return
        for problem in feed.problems:
            yield Problem(f"feed {response.url}", problem, response.url)
        for entry in feed.entries:
            if entry.link:
                yield from self.discovered(site, f"feed {response.url}", entry.link, None)

    def discovered(
        self, site: NoteSite, where: str, url: str, lastmod: str | None
    ) -> Iterator[Any]:
        if not listed(site, url):
            return
        if not self.on_configured_host(url):
            yield self.elsewhere(where, url)
            return
        yield from self.page(url, lastmod)

    def on_configured_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in self.allowed_hosts)

    @staticmethod
    def elsewhere(where: str, url: str) -> Problem:
        return Problem(where, f"{url}: not on a configured host, not fetched", url)

    def listing_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        kind = "feed" if request.callback == self.parse_feed else "sitemap"
        yield ItemFailure(f"{kind} {request.url}", describe_failure(failure), request.url)

    def unresolved(self) -> list[str]:
        """Pages asked for that got neither an item nor a recorded failure."""
        return [f"page {url}" for url in sorted(self.asked) if url not in self.outcomes]
