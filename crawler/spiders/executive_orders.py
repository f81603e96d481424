"""Spider `executive_orders`: listing pages on mass.gov, then the orders tracked, stored, new, or
matching the keywords."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.failures import describe_failure, strict_text
from crawler.items import ItemFailure, ListingItem, OrderAdjustmentItem, OrderItem, Problem
from crawler.parsers.errors import ParseError
from crawler.parsers.orders import OrderLink, OrderPage, parse_listing, parse_order_page
from crawler.spiders.base import ConfiguredSpider
from models.config import Config
from models.legislature.sanity import latest_possible
from models.sources.keywords import matching
from models.sources.orders import ADJUSTS_OTHER, path_of
from models.storage.db import ensure_schema, make_engine, session_scope
from models.storage.orders import listed_paths, stored_order_paths
from models.storage.schema import utcnow


class ExecutiveOrdersSpider(ConfiguredSpider):
    name = "executive_orders"

    def __init__(self, config: Config | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.listed: dict[str, set[str]] = {}  # listing path -> order paths known before the crawl
        self.stored: set[str] = set()  # paths of the orders kept
        self.requested: set[str] = set()
        self.seen_numbers: set[int] = set()
        self.started = utcnow()

    def remember(self) -> None:
        """What the database already knows: listed links per listing, and stored orders."""
        assert self.config is not None
        engine = make_engine(self.config.database_url)
        ensure_schema(engine)
        with session_scope(engine) as session:
            self.listed = listed_paths(session)
            self.stored = stored_order_paths(session)
        engine.dispose()

    def source_urls(self) -> list[str]:
        return list(self.conf.executive_orders.listing_urls)

    async def start(self) -> AsyncIterator[Any]:
        assert self.config is not None
        self.remember()
        for url in self.config.executive_orders.listing_urls:
            yield scrapy.Request(
                url,
                callback=self.parse_listing,
                errback=self.failed,
                cb_kwargs={"subject": f"listing {url}"},
                dont_filter=True,
            )

    def parse_listing(self, response: Response, subject: str) -> Iterator[Any]:
        assert self.config is not None
        try:
            links = parse_listing(strict_text(response), response.url)
        except (ParseError, AttributeError) as exc:
            yield ItemFailure(subject, f"listing: {exc}", response.url)
            return
        yield ListingItem(response.url, [(link.number, link.title, link.url) for link in links])
        known = self.listed.get(path_of(response.url), set())
        settings = self.config.executive_orders
        cap = self.config.crawl.max_requests_per_page
        asked = 0
        for link in links:
            self.seen_numbers.add(link.number)
            # The first read of a listing reads every order once, so that orders whose text (not
            # title) matches a keyword are found; later reads fetch only the new ones.
            unseen = path_of(link.url) not in known
            wanted = (
                link.number in settings.track
                or path_of(link.url) in self.stored
                or unseen
                or matching(link.title, settings.keywords)
            )
            if wanted and link.url not in self.requested:
                if asked == cap:
                    message = (
                        f"{len(links)} order links; only {cap} order pages were read from it "
                        "(crawl.max_requests_per_page)"
                    )
                    yield Problem(subject, message, response.url, kind="warning")
                    break
                asked += 1
                self.requested.add(link.url)
                yield scrapy.Request(
                    link.url,
                    callback=self.parse_order,
                    errback=self.failed,
                    cb_kwargs={"subject": f"EO {link.number}", "link": link},
                    dont_filter=True,
                )

    def parse_order(self, response: Response, subject: str, link: OrderLink) -> Iterator[Any]:
        assert self.config is not None
        try:
            page = parse_order_page(strict_text(response), response.url)
            if page.number != link.number:
                raise ParseError(f"{response.url}: page is No. {page.number}, listed as {link}")
            if page.date is not None and page.date > latest_possible(self.started):
                raise ParseError(f"{response.url}: dated {page.date}, after today: refused")
        except (ParseError, AttributeError) as exc:
            yield ItemFailure(subject, f"order page: {exc}", response.url)
            return
        settings = self.config.executive_orders
        tracked = page.number in settings.track
        words = matching(f"{page.title}\n{page.body}", settings.keywords)
        kept = path_of(link.url) in self.stored
        if not (tracked or words or kept or self.adjusts_kept(page)):
            return  # a new order about something else: seen on the listing, not kept
        yield OrderItem(
            url=link.url,
            number=page.number,
            title=page.title,
            date=page.date.isoformat() if page.date else None,
            issuer=page.issuer,
            mass_register=page.mass_register,
            body=page.body,
            adjustments=[
                OrderAdjustmentItem(a.kind, a.number, a.url, a.text) for a in page.adjustments
            ],
            tracked=tracked,
            keywords=words,
        )

    def adjusts_kept(self, page: OrderPage) -> bool:
        """Does the page revoke, supersede or amend an order legistrack tracks or keeps?"""
        assert self.config is not None
        track = self.config.executive_orders.track
        return any(
            row.kind in ADJUSTS_OTHER
            and (row.number in track or (bool(row.url) and path_of(row.url) in self.stored))
            for row in page.adjustments
        )

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        yield ItemFailure(request.cb_kwargs["subject"], describe_failure(failure), request.url)

    def unresolved(self) -> list[str]:
        """Tracked orders no listing showed: a failure, not a silent skip."""
        assert self.config is not None
        listings_read = bool(self.seen_numbers)
        missing = [n for n in self.config.executive_orders.track if n not in self.seen_numbers]
        return [f"EO {n}" for n in missing] if listings_read else []
