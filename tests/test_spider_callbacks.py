"""The Scrapy components legistrack turns off, the ones it keeps, and the callback check it makes
once here instead of Scrapy making it on every response."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator
from typing import Any

import pytest
from scrapy.http import Request
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import is_generator_with_return_value

from crawler.middlewares import StartRequestMarker
from crawler.run import SPIDERS, crawl_settings
from crawler.spiders.court_list import CourtListMixin
from models.config import Config

SPIDER_CLASSES = [*SPIDERS.values(), CourtListMixin]


def components(settings: Settings, name: str) -> list[str]:
    return [
        c if isinstance(c, str) else f"{c.__module__}.{c.__qualname__}"
        for c in build_component_list(settings.getwithbase(name))
    ]


@pytest.mark.parametrize("spider", SPIDER_CLASSES, ids=lambda s: s.__name__)
def test_no_callback_is_a_generator_that_returns_a_value(spider: type) -> None:
    """What WARN_ON_GENERATOR_RETURN_VALUE checked per response: a `return value` inside a
    generator callback is silently lost."""
    generators = [
        (name, member)
        for name, member in inspect.getmembers(spider, inspect.isfunction)
        if inspect.isgeneratorfunction(member) and member.__module__.startswith("crawler.")
    ]
    assert generators  # the check reads something
    for name, member in generators:
        assert not is_generator_with_return_value(member), f"{spider.__name__}.{name}"


def test_components_kept_and_removed() -> None:
    settings = crawl_settings(Config(path=None, database_url="sqlite://"))  # constructed
    downloader = components(settings, "DOWNLOADER_MIDDLEWARES")
    spider = components(settings, "SPIDER_MIDDLEWARES")
    extensions = components(settings, "EXTENSIONS")
    for kept in (
        "crawler.middlewares.ConfiguredHostsMiddleware",
        "crawler.middlewares.BackoffRetryMiddleware",
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",
        "scrapy.downloadermiddlewares.downloadtimeout.DownloadTimeoutMiddleware",
        "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware",
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware",
        "scrapy.downloadermiddlewares.redirect.RedirectMiddleware",
    ):
        assert kept in downloader
    assert "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware" in spider
    assert "scrapy.extensions.throttle.AutoThrottle" in extensions
    for removed in (
        "scrapy.downloadermiddlewares.retry.RetryMiddleware",
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware",
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
    ):
        assert removed not in downloader
    for removed in ("referer.RefererMiddleware", "urllength.", "depth.DepthMiddleware",
                    "start.StartSpiderMiddleware", "metacopy."):  # fmt: skip
        assert not any(removed in c for c in spider)
    assert "crawler.middlewares.StartRequestMarker" in spider
    assert "scrapy.extensions.corestats.CoreStats" not in extensions
    assert settings.getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False
    assert settings.getbool("DOWNLOADER_STATS") is False
    # No control server listening beside a crawl (Scrapy 2.19 starts one by default).
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False


@pytest.mark.parametrize("spider", SPIDER_CLASSES, ids=lambda s: s.__name__)
def test_no_spider_passes_response_meta_on(spider: type) -> None:
    """What MetaCopyDetectionMiddleware checked per request: a request built with the response's
    meta would carry Scrapy's internal keys (retry_times, redirect_urls) to another URL."""
    source = inspect.getsource(spider)
    assert "meta=response.meta" not in source.replace(" ", "")
    assert "response.meta.copy(" not in source and "**response.meta" not in source


def test_start_requests_are_marked_and_callbacks_are_not_wrapped() -> None:
    async def start() -> AsyncIterator[Any]:
        yield Request("http://127.0.0.1/first")  # constructed
        yield {"an": "item"}

    async def collect() -> list[Any]:
        return [thing async for thing in StartRequestMarker().process_start(start())]

    request, item = asyncio.run(collect())
    assert request.meta == {"is_start_request": True} and item == {"an": "item"}
    for method in ("process_spider_output", "process_spider_output_async"):
        assert not hasattr(StartRequestMarker, method)  # Scrapy wraps callbacks only for these
