"""Runs a spider in this process with settings built from config.toml; returns its crawl-run id."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.http import download_handlers, preload
from crawler.spiders.executive_orders import ExecutiveOrdersSpider
from crawler.spiders.legislature import LegislatureSpider
from crawler.spiders.news import NewsSpider
from crawler.spiders.notes import NotesSpider
from models import collector
from models.config import Config

SPIDERS: dict[str, type[Any]] = {
    "legislature": LegislatureSpider,
    "executive_orders": ExecutiveOrdersSpider,
    "news": NewsSpider,
    "notes": NotesSpider,
}


class CrawlDidNotRun(Exception):
    """The spider never opened (bad settings, the database refused): nothing was recorded."""


def crawl_settings(config: Config, log_level: str = "WARNING") -> Settings:
    """Scrapy settings: the project's defaults, then the operator's `[crawl]` section."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    crawl = config.crawl
    settings.setdict(
        {
            "USER_AGENT": crawl.user_agent,
            "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
            "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
            "DOWNLOAD_DELAY": crawl.download_delay,
            "CONCURRENT_REQUESTS": crawl.concurrent_requests,
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests,
            "RETRY_TIMES": crawl.retry_times,
            "RETRY_ENABLED": crawl.retry_times > 0,
            "LEGISTRACK_RETRY_BACKOFF": crawl.retry_backoff,
            "LEGISTRACK_RETRY_BACKOFF_MAX": crawl.retry_backoff_max,
            "DOWNLOAD_TIMEOUT": crawl.download_timeout,
            "DOWNLOAD_MAXSIZE": crawl.max_response_bytes,
            "DOWNLOAD_WARNSIZE": min(crawl.max_response_bytes, 5 * 1024 * 1024),
            "LEGISTRACK_CONFIG_PATH": str(config.path) if config.path else None,
            "LEGISTRACK_DATABASE_URL": config.database_url,
            "LOG_LEVEL": log_level,
            "LOG_INSTALL_ROOT_HANDLER": False,  # the CLI owns logging
        },
        priority="cmdline",
    )
    settings.set("DOWNLOAD_HANDLERS", download_handlers(crawl.http_client), priority="cmdline")
    return settings


# Allocations between two runs of the cyclic garbage collector during a crawl (Python's default:
# 700). A crawl allocates a few hundred objects a request (Scrapy's requests, responses, headers,
# Deferreds, tasks), nearly all freed by reference counting; at the default the collector ran
# every couple of requests, found little, and its older generations re-scanned the court list
# and the batch each time: about 3% of a 2,000-document first crawl's CPU (issue #18).
CRAWL_GC_THRESHOLD = 50_000


def fewer_collections() -> AbstractContextManager[None]:
    return collector.fewer_collections(CRAWL_GC_THRESHOLD)


def quiet_frameworks(log_level: str) -> None:
    """Scrapy's and Twisted's loggers at `log_level`, once a CrawlerProcess is made (it has just
    set them to DEBUG/ERROR): below it, no log record is even built (Scrapy logs each response at
    DEBUG)."""
    for name in ("scrapy", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(log_level)


def run_crawls(config: Config, sources: list[str], log_level: str = "WARNING") -> dict[str, int]:
    """Crawl several sources in one reactor run (they go concurrently); source -> CrawlRun id."""
    preload(config.crawl.http_client)
    process = CrawlerProcess(crawl_settings(config, log_level))
    quiet_frameworks(log_level)
    crawlers = {source: process.create_crawler(SPIDERS[source]) for source in sources}
    for crawler in crawlers.values():
        process.crawl(crawler, config=config)
    with fewer_collections():
        process.start()
    runs = {}
    for source, crawler in crawlers.items():
        run_id = crawler.stats.get_value("legistrack/run_id") if crawler.stats else None
        if run_id is None:
            raise CrawlDidNotRun(f"the {source} crawl did not start; see the log above")
        runs[source] = int(run_id)
    return runs
