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
# Items processed at once per response. Scrapy starts this many asyncio tasks (and one more to
# feed them) for every callback's output; legistrack's callbacks yield one or two things and its
# pipeline is synchronous, so more than one only costs: the default 100 made a 23,000-request
# court crawl 20 s slower, and 4 still started three tasks a response for nothing.
CONCURRENT_ITEMS = 1
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
# Scrapy's components run for every request or response; those legistrack does not use are
# off (issue #18: Scrapy's share of a court crawl's CPU). Kept: the start-request marker and the
# HTTP-status filter (non-2xx to the errbacks), robots.txt and AutoThrottle (each loaded only
# when config.toml turns it on), timeouts, the default Accept headers, the User-Agent, the
# proxy from the environment, gzip/deflate/brotli (the real sites compress; the middleware also
# enforces DOWNLOAD_MAXSIZE on what a body inflates to), redirects and meta refresh (a moved
# page or note site), the stats collector (the crawl-run id travels in it).
DOWNLOADER_MIDDLEWARES = {
    # Scrapy retries at once; legistrack's middleware waits first (exponential, or Retry-After).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # Only config.toml's hosts, redirects included: stricter than Scrapy's offsite filter, which
    # reads `allowed_domains` (no legistrack spider sets it) and lets `dont_filter` through.
    "crawler.middlewares.ConfiguredHostsMiddleware": 50,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # HTTP basic auth: no source legistrack reads asks for credentials.
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
}
SPIDER_MIDDLEWARES = {
    # Scrapy's start-request marker also wraps every callback's output; legistrack's marks only.
    "scrapy.spidermiddlewares.start.StartSpiderMiddleware": None,
    "crawler.middlewares.StartRequestMarker": 25,
    # Warns when a spider copies Scrapy's internal keys from response.meta into a new request:
    # legistrack's spiders never pass response.meta on (tests/test_spider_callbacks.py checks).
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
    # A Referer header on every follow-up request: the API and the feeds do not need one.
    "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
    # Drops URLs over 2,083 characters: legistrack builds its URLs from config and bill numbers.
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    # Request depth in meta and stats: the spiders bound lineage and sitemap depth themselves.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
}
DOWNLOADER_STATS = False  # byte and status counts per request (serializes every request again)
# Scrapy re-reads and parses a callback's source on almost every response to warn about
# `return value` in a generator (its cache is keyed by the bound method, a new object on every
# request). tests/test_spider_callbacks.py makes the same check once, on every spider's methods.
WARN_ON_GENERATOR_RETURN_VALUE = False
EXTENSIONS = {
    # Counts of items, responses and bytes, and start/finish times, for the stats dump only:
    # the crawl_runs row records what legistrack reports.
    "scrapy.extensions.corestats.CoreStats": None,
}
# Scrapy 2.19's remote control: a localhost HTTP server that runs code for whoever holds its
# token, and a job file under ~/.local/state/scrapy. A crawl of legistrack is controlled by its
# process (the daemon's timeout, SIGTERM), never over a socket.
REMOTE_CONTROL_ENABLED = False
MEMUSAGE_ENABLED = False  # a memory sampler every 60 s for stats; the daemon bounds a crawl's time
LOGSTATS_INTERVAL = 0.0  # "Crawled N pages" every 60 s at INFO; the CLI logs at WARNING
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
