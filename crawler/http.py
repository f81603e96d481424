"""The crawl's HTTP client: which Scrapy download handler fetches http(s), chosen by config.toml.

`[crawl] http_client = "aiohttp"` (the default) is Scrapy's aiohttp handler; `"twisted"` is
Scrapy's historical HTTP/1.1 handler. Issue #18 measured the whole-court crawl: a request costs
about a sixth less CPU through aiohttp (its HTTP parser is compiled; Twisted's is pure Python and
runs a chain of Deferreds per response), and a first crawl of a court is CPU bound. Both run on
the asyncio reactor the crawl already uses, and the transport fault tests (Retry-After, timeouts,
resets mid-body, oversized bodies, redirects to other hosts) pass through either.
"""

from __future__ import annotations


def download_handlers(client: str) -> dict[str, str]:
    """Scrapy's DOWNLOAD_HANDLERS for `client` (one of models.config.HTTP_CLIENTS)."""
    if client == "twisted":
        return {}  # Scrapy's default: HTTP11DownloadHandler
    handler = "crawler.aiohttp_handler.AiohttpHandler"
    return {"http": handler, "https": handler}


def preload(client: str) -> None:
    """Import the handler's modules at a shallow stack, before the crawl starts. Scrapy's handler
    modules build deprecated aliases with inspect.stack(), whose cost grows with the depth of the
    stack that imports them (0.1 s here; 0.4 s when the first request loads them inside the
    reactor). Twisted's is imported whichever the client: RetryMiddleware names its TunnelError."""
    import scrapy.core.downloader.handlers.http11  # noqa: F401

    if client == "aiohttp":
        import crawler.aiohttp_handler  # noqa: F401
