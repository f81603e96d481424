"""Scrapy middlewares: retries with backoff and a bounded Retry-After; configured hosts only; the
start-request marker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


class BackoffRetryMiddleware(RetryMiddleware):
    """Waits before each retry: `base * 2**attempt` seconds, or what Retry-After asks, capped."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("LEGISTRACK_RETRY_BACKOFF", 1.0)
        self.cap = settings.getfloat("LEGISTRACK_RETRY_BACKOFF_MAX", 60.0)

    async def process_response(  # type: ignore[override]  # Scrapy awaits coroutines here
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(self.delay(request, response.headers.get(b"Retry-After")), request)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(self.delay(request, None), request)
        return retry

    def delay(self, request: Request, retry_after: bytes | None) -> float:
        attempt = int(request.meta.get("retry_times", 0))
        wanted = parse_retry_after(retry_after)
        if wanted is None:
            wanted = self.base * (2**attempt)
        return max(0.0, min(wanted, self.cap))

    async def _wait(self, seconds: float, request: Request) -> None:
        if seconds > 0:
            # Imported here: importing the reactor at module level would install Twisted's
            # default one before Scrapy installs the asyncio reactor it is configured for.
            from twisted.internet import reactor

            logger.info("retrying %s in %.1f s", request.url, seconds)
            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


def parse_retry_after(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ConfiguredHostsMiddleware:
    """Only hosts named in config.toml are ever fetched, redirects included: Scrapy's own offsite
    filter lets `dont_filter` requests (and their redirects) through, this one does not."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConfiguredHostsMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        hosts: set[str] = set(getattr(self.crawler.spider, "allowed_hosts", ()) or ())
        host = (urlsplit(request.url).hostname or "").lower()
        if any(host == h or host.endswith("." + h) for h in hosts):
            return
        raise IgnoreRequest(f"refused: {host or request.url!r} is not a configured host")


class StartRequestMarker:
    """Marks the spider's start requests (`is_start_request`, which Scrapy's scheduler reads to
    queue them apart), as Scrapy's StartSpiderMiddleware does, without also wrapping every
    callback's output in an async generator, as that middleware's base class does for nothing
    (issue #18: a court crawl's callbacks yield about 23,000 times)."""

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for thing in start:
            if isinstance(thing, Request):
                thing.meta.setdefault("is_start_request", True)
            yield thing


def hosts_of(urls: Iterable[str]) -> set[str]:
    return {(urlsplit(u).hostname or "").lower() for u in urls if urlsplit(u).hostname}
