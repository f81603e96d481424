"""Scrapy's aiohttp download handler as legistrack runs it (`[crawl] http_client = "aiohttp"`)."""

from __future__ import annotations

from typing import ClassVar

from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler


class AiohttpHandler(AiohttpDownloadHandler):
    """Built at the first request, inside the running loop: aiohttp's session needs one, and
    Scrapy builds its non-lazy handlers before the reactor runs."""

    lazy = True
    # Scrapy 2.19 calls this handler experimental and says so at WARNING on every crawl.
    # legistrack chose it knowingly (crawler.http says why), tests every fault through it, and
    # keeps Twisted's handler one config line away: the warning would be noise in every report.
    experimental: ClassVar[bool] = False
