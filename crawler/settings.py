"""Scrapy settings of the legistrack project (the Scrapy template, with polite defaults).

These defaults suit the real sites. `crawler.run.crawl_settings` overrides them from config.toml
(`[crawl]`), which is where an operator changes them; the demo and the tests turn politeness off.
"""

BOT_NAME = "legistrack"

SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ADDONS: dict[str, int] = {}

USER_AGENT = "legistrack/0.1 (+https://github.com/legistrack/legistrack; research-notes tracker)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Items processed at once per response. Scrapy starts this many asyncio tasks for every callback's
# output; legistrack's callbacks yield one or two things and its pipeline is synchronous, so the
# default 100 only costs: 100 tasks a response made a 23,000-request court crawl 20 s slower.
CONCURRENT_ITEMS = 4
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Scrapy retries at once; legistrack's middleware waits first (exponential, or Retry-After).
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.ConfiguredHostsMiddleware": 50,
}
LEGISTRACK_RETRY_BACKOFF = 1.0  # seconds before the first retry; doubled for each next one
LEGISTRACK_RETRY_BACKOFF_MAX = 60.0  # no wait is longer, whatever Retry-After asks

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPCACHE_ENABLED = False

ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# legistrack's own settings (set by crawler.run from config.toml).
LEGISTRACK_CONFIG_PATH = None
LEGISTRACK_DATABASE_URL = None
