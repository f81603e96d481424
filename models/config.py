"""The operator's config.toml: loading, validation and the typed settings every layer reads."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.files import FileRefused, read_regular
from models.legislature.numbers import BadNumber, BillRef
from models.legislature.polling import PollPolicy
from models.rules.registry import SWITCHABLE

DEFAULT_CONFIG_NAME = "config.toml"
ENV_CONFIG = "LEGISTRACK_CONFIG"
ENV_DATABASE_URL = "LEGISTRACK_DATABASE_URL"
MAX_CONFIG_BYTES = 1_000_000


class ConfigError(Exception):
    """A config problem, already phrased as one line: `file: key: problem`."""


@dataclass(frozen=True)
class Measure:
    """One proposal and the bills that carry it (dockets, drafts, both chambers, refiles)."""

    name: str
    aliases: tuple[str, ...]
    bills: tuple[BillRef, ...]
    companions: frozenset[BillRef] = frozenset()  # bills marked role = "companion"


HTTP_CLIENTS = ("aiohttp", "twisted")  # Scrapy download handlers a crawl may fetch through


@dataclass(frozen=True)
class CrawlSettings:
    """How politely and how patiently the spiders fetch (defaults suit the real sites)."""

    user_agent: str = (
        "legistrack/0.1 (+https://github.com/legistrack/legistrack; research-notes tracker)"
    )
    obey_robots_txt: bool = True
    autothrottle: bool = True
    download_delay: float = 1.0
    concurrent_requests: int = 4
    retry_times: int = 3
    retry_backoff: float = 1.0
    retry_backoff_max: float = 60.0
    download_timeout: float = 30.0
    max_response_bytes: int = 20 * 1024 * 1024
    html_fallback: bool = True
    http_client: str = "aiohttp"  # one of HTTP_CLIENTS (crawler.http says what each is)
    # What one page may make the crawler do (a hostile or broken page can ask for anything).
    max_requests_per_page: int = 500  # order pages from a listing, history pages, bills followed
    max_history_rows: int = 2000  # a bill's history rows (real: 151 at most in the 192nd)
    max_feed_entries: int = 500  # entries read from one feed (articles fetched from them too)


@dataclass(frozen=True)
class LegislatureSettings:
    api_url: str = "https://malegislature.gov/api"
    site_url: str = "https://malegislature.gov"
    lineage_depth: int = 2  # side relations a crawl follows from a configured bill (see lineage)
    track_all: tuple[int, ...] = ()  # courts whose every listed document is tracked
    track_all_keywords: tuple[str, ...] = ()  # if any: only listed documents whose title has one
    track_all_committees: tuple[str, ...] = ()  # if any: only documents referred to one of these
    polling: PollPolicy = field(default_factory=PollPolicy)


@dataclass(frozen=True)
class NoteSite:
    """Notes published on the web: page URLs, a sitemap and/or a feed of the notes site, and
    glob patterns (`*`) a page URL must match (`include`, when given) and must not (`exclude`)."""

    pages: tuple[str, ...] = ()
    sitemap: str | None = None
    feed: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def urls(self) -> list[str]:
        """The URLs this entry names: their hosts are the only ones the notes spider fetches."""
        return [*self.pages, *(u for u in (self.sitemap, self.feed) if u)]


@dataclass(frozen=True)
class NotesSettings:
    """Where the notes are: files and folders (searched for *.md, *.markdown, *.txt), and
    notes sites on the web (`[[notes.sites]]`)."""

    paths: tuple[Path, ...] = ()
    require_date: bool = False  # a note with no date in its text or front matter is an error
    sites: tuple[NoteSite, ...] = ()


@dataclass(frozen=True)
class AlertSettings:
    """Where new alerts are sent (apprise URLs; `${VAR}` is read from the environment when sent)."""

    notify: tuple[str, ...] = ()
    digest: bool = False  # one message per check instead of one per alert
    notify_budget: float = 30.0  # seconds one check may spend sending; the rest wait for the next


@dataclass(frozen=True)
class OrderSettings:
    """Executive orders: the listing pages to read, the orders always fetched, and keywords."""

    listing_urls: tuple[str, ...] = ()
    track: tuple[int, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    fetch_articles: bool | None = None  # None: as [news] fetch_articles says


@dataclass(frozen=True)
class NewsSettings:
    keywords: tuple[str, ...] = ()  # an entry citing none of the tracked items is kept on these
    fetch_articles: bool = False  # read each new entry's page for citations its summary lacks


@dataclass(frozen=True)
class ScheduleSettings:
    """When the daemon (or `poll` from cron) crawls each source, and how patiently."""

    timezone: str = "America/New_York"
    sources: dict[str, str] = field(
        default_factory=lambda: {
            "legislature": "*/30 7-22 * * 1-5",
            "executive_orders": "0 * * * *",
            "news": "every 15m",
            "notes": "every 1h",
        }
    )
    timeout: float = 900.0  # seconds a crawl child may run before it is ended
    stop_grace: float = 10.0  # seconds a running crawl gets to finish when the daemon stops
    failures_before_alert: int = 3  # consecutive failed runs of a source before source_failing


@dataclass(frozen=True)
class WebUser:
    """A reviewer who signs in to the review page with a password (stored hashed only)."""

    name: str
    password_hash: str  # pbkdf2_sha256$iterations$salt$hash (`legistrack serve --hash-password`)


WEB_AUTH = ("none", "token", "users", "proxy")


@dataclass(frozen=True)
class WebSettings:
    """The review page (`legistrack serve`, or the daemon with enabled = true)."""

    enabled: bool = False  # the daemon serves the page too
    host: str = "127.0.0.1"
    port: int = 8150
    base_url: str | None = None  # where people reach it; links in notifications and the feed
    auth: str = "none"  # none (local only) | token | users | proxy
    token: str | None = None  # auth = "token": the shared secret, `${VAR}` read at start
    users: tuple[WebUser, ...] = ()  # auth = "users"
    proxy_header: str = "X-Forwarded-User"  # auth = "proxy": the header the proxy sets


RULE_NAMES = SWITCHABLE  # models.rules.registry: every rule, its severity and doc


@dataclass(frozen=True)
class Config:
    """Everything config.toml says, resolved (paths absolute, env overrides applied)."""

    path: Path | None
    database_url: str
    database_lock_timeout: float = 30.0  # seconds to wait for a database another process locked
    legislature: LegislatureSettings = field(default_factory=LegislatureSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    measures: tuple[Measure, ...] = ()
    notes: NotesSettings = field(default_factory=NotesSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    executive_orders: OrderSettings = field(default_factory=OrderSettings)
    feeds: tuple[Feed, ...] = ()
    news: NewsSettings = field(default_factory=NewsSettings)
    rules: frozenset[str] = frozenset(RULE_NAMES)  # the rules turned on
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    web: WebSettings = field(default_factory=WebSettings)

    def tracked_bills(self) -> list[BillRef]:
        """Every configured bill once, in config order."""
        seen: dict[BillRef, None] = {}
        for measure in self.measures:
            for ref in measure.bills:
                seen.setdefault(ref, None)
        return list(seen)


SOURCES = ("legislature", "executive_orders", "news", "notes")


def _fields(cls: Any, drop: tuple[str, ...] = ()) -> set[str]:
    """The keys of a section: its settings class's fields (declared once, with their defaults)."""
    return {f.name for f in fields(cls) if f.name not in drop}


# Every key config.toml may set, per section, derived from the settings classes above (a test
# checks that each is documented in config.toml and the README).
_SECTIONS: dict[str, set[str]] = {
    "database": {"url", "lock_timeout"},
    "legislature": _fields(LegislatureSettings, drop=("polling",)) | _fields(PollPolicy),
    "crawl": _fields(CrawlSettings),
    "measures": _fields(Measure, drop=("companions",)),
    "notes": _fields(NotesSettings),
    "notes.sites": _fields(NoteSite),
    "alerts": _fields(AlertSettings),
    "executive_orders": _fields(OrderSettings),
    "feeds": _fields(Feed),
    "news": _fields(NewsSettings),
    "rules": set(RULE_NAMES),
    "schedule": _fields(ScheduleSettings, drop=("sources",)) | set(SOURCES),
    "web": _fields(WebSettings),
}


def configured_sources(config: Config) -> list[str]:
    """The sources the config gives something to read, in crawl order."""
    sources = ["legislature"] if config.measures or config.legislature.track_all else []
    if config.executive_orders.listing_urls:
        sources.append("executive_orders")
    if config.feeds:
        sources.append("news")
    if config.notes.sites:
        sources.append("notes")
    return sources


def find_config_path(explicit: str | os.PathLike[str] | None) -> Path:
    """`--config`, else $LEGISTRACK_CONFIG, else ./config.toml."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    return Path(DEFAULT_CONFIG_NAME)


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a config file; every problem is a ConfigError naming file and key."""
    config_path = Path(path)
    try:  # a regular file only: a named pipe or a device is refused, never waited on
        raw = tomllib.loads(read_regular(config_path, MAX_CONFIG_BYTES).decode("utf-8"))
    except FileRefused as exc:
        problem = "file not found" if exc.problem == "no such file" else exc.problem
        raise ConfigError(f"{config_path}: {problem}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{config_path}: not UTF-8 text") from None
    except RecursionError:
        raise ConfigError(f"{config_path}: TOML nested too deep to read") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_path}: TOML syntax error: {exc}") from None
    return parse_config(raw, config_path)


def parse_config(raw: dict[str, Any], path: Path | None) -> Config:
    """Validate an already-parsed TOML document (`path` only names the file in errors)."""
    where = str(path) if path else "<config>"
    _check_keys(raw, {s for s in _SECTIONS if "." not in s}, where, "")
    database = _table(raw, "database", where)
    _check_keys(database, _SECTIONS["database"], where, "database.")
    url = _typed(database, "url", str, where, "database.", "sqlite:///legistrack.db")
    url = os.environ.get(ENV_DATABASE_URL) or url
    lock_timeout = database.get("lock_timeout", 30.0)
    if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, int | float):
        raise ConfigError(f"{where}: database.lock_timeout: expected seconds, got {lock_timeout!r}")
    if not 0 < lock_timeout <= 3600:
        raise ConfigError(f"{where}: database.lock_timeout: expected 0 < seconds <= 3600")
    return Config(
        path=path.resolve() if path else None,
        database_url=_resolve_sqlite(url, path),
        database_lock_timeout=float(lock_timeout),
        legislature=_legislature(_table(raw, "legislature", where), where),
        crawl=_crawl(_table(raw, "crawl", where), where),
        measures=_measures(raw.get("measures", []), where),
        notes=_notes(_table(raw, "notes", where), where, path),
        alerts=_alerts(_table(raw, "alerts", where), where),
        executive_orders=_orders(_table(raw, "executive_orders", where), where),
        feeds=_feeds(raw.get("feeds", []), where),
        news=_news(_table(raw, "news", where), where),
        rules=_rules(_table(raw, "rules", where), where),
        schedule=_schedule(_table(raw, "schedule", where), where),
        web=_web(_table(raw, "web", where), where),
    )


def _web(table: dict[str, Any], where: str) -> WebSettings:
    _check_keys(table, _SECTIONS["web"], where, "web.")
    defaults = WebSettings()
    host = _typed(table, "host", str, where, "web.", defaults.host)
    port = _typed(table, "port", int, where, "web.", defaults.port)
    if not 0 <= port <= 65535:
        raise ConfigError(f"{where}: web.port: expected 0 to 65535, got {port}")
    base_url = _typed(table, "base_url", str, where, "web.", None)
    if base_url is not None and not re.match(r"^https?://[^/\s]+", base_url):
        raise ConfigError(f"{where}: web.base_url: expected an http(s) URL, got {base_url!r}")
    auth = _typed(table, "auth", str, where, "web.", defaults.auth)
    if auth not in WEB_AUTH:
        raise ConfigError(f"{where}: web.auth: expected one of {', '.join(WEB_AUTH)}, got {auth!r}")
    token = _typed(table, "token", str, where, "web.", None)
    users = _web_users(table.get("users", []), where)
    if auth == "token" and not token:
        raise ConfigError(f'{where}: web.token: required with auth = "token"')
    if auth == "users" and not users:
        raise ConfigError(f'{where}: web.users: required with auth = "users"')
    header = _typed(table, "proxy_header", str, where, "web.", defaults.proxy_header)
    if not re.fullmatch(r"[A-Za-z0-9-]+", header):
        raise ConfigError(f"{where}: web.proxy_header: not a header name: {header!r}")
    return WebSettings(
        enabled=_typed(table, "enabled", bool, where, "web.", False),
        host=host,
        port=port,
        base_url=base_url.rstrip("/") if base_url else None,
        auth=auth,
        token=token,
        users=users,
        proxy_header=header,
    )


def _web_users(items: Any, where: str) -> tuple[WebUser, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"{where}: web.users: expected an array of {{name, password_hash}}")
    users: list[WebUser] = []
    for index, item in enumerate(items):
        key = f"web.users[{index}]"
        if not isinstance(item, dict) or set(item) != {"name", "password_hash"}:
            raise ConfigError(f"{where}: {key}: expected {{name = ..., password_hash = ...}}")
        name, hashed = item["name"], item["password_hash"]
        if not isinstance(name, str) or not name.strip() or len(name) > 128:
            raise ConfigError(f"{where}: {key}.name: expected a non-empty name")
        if not isinstance(hashed, str) or not re.fullmatch(r"pbkdf2_sha256\$\d+\$\S+\$\S+", hashed):
            raise ConfigError(
                f"{where}: {key}.password_hash: expected a hash from "
                "`legistrack serve --hash-password` (never the password itself)"
            )
        if name in {u.name for u in users}:
            raise ConfigError(f"{where}: {key}.name: duplicate user {name!r}")
        users.append(WebUser(name.strip(), hashed))
    return tuple(users)


def _legislature(table: dict[str, Any], where: str) -> LegislatureSettings:
    _check_keys(table, _SECTIONS["legislature"], where, "legislature.")
    defaults = LegislatureSettings()
    prefix = "legislature."
    depth = _typed(table, "lineage_depth", int, where, prefix, defaults.lineage_depth)
    if not 0 <= depth <= 10:
        raise ConfigError(f"{where}: legislature.lineage_depth: expected 0 to 10, got {depth}")
    courts = table.get("track_all", [])
    if not isinstance(courts, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) and 1 <= c <= 999 for c in courts
    ):
        raise ConfigError(
            f"{where}: legislature.track_all: expected an array of General Court numbers"
            f" like [194], got {courts!r}"
        )
    policy = PollPolicy()
    dormant_days = _typed(
        table, "dormant_after_days", int, where, prefix, policy.dormant_after_days
    )
    if dormant_days < 1:
        raise ConfigError(f"{where}: legislature.dormant_after_days: expected 1 or more")
    every = table.get("dormant_every_hours", policy.dormant_every_hours)
    if isinstance(every, bool) or not isinstance(every, int | float) or every < 0:
        raise ConfigError(
            f"{where}: legislature.dormant_every_hours: expected a number of hours, 0 or more"
        )
    return LegislatureSettings(
        api_url=_url(table, "api_url", where, defaults.api_url),
        site_url=_url(table, "site_url", where, defaults.site_url),
        lineage_depth=depth,
        track_all=tuple(dict.fromkeys(courts)),
        track_all_keywords=_strings(table, "track_all_keywords", where, prefix),
        track_all_committees=_strings(table, "track_all_committees", where, prefix),
        polling=PollPolicy(dormant_days, float(every)),
    )


def _schedule(table: dict[str, Any], where: str) -> ScheduleSettings:
    _check_keys(table, _SECTIONS["schedule"], where, "schedule.")
    defaults = ScheduleSettings()
    zone = _typed(table, "timezone", str, where, "schedule.", defaults.timezone)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: schedule.timezone: unknown time zone {zone!r}") from None
    sources = dict(defaults.sources)
    for source in SOURCES:
        sources[source] = _typed(table, source, str, where, "schedule.", sources[source])
    numbers = {}
    for key in ("timeout", "stop_grace"):
        value = table.get(key, getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{where}: schedule.{key}: expected a positive number of seconds")
        numbers[key] = float(value)
    failures = _typed(
        table, "failures_before_alert", int, where, "schedule.", defaults.failures_before_alert
    )
    if failures < 1:
        raise ConfigError(f"{where}: schedule.failures_before_alert: expected 1 or more")
    return ScheduleSettings(zone, sources, numbers["timeout"], numbers["stop_grace"], failures)


def _strings(table: dict[str, Any], key: str, where: str, prefix: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {prefix}{key}: expected an array of strings")
    return tuple(v.strip() for v in value)


def _orders(table: dict[str, Any], where: str) -> OrderSettings:
    _check_keys(table, _SECTIONS["executive_orders"], where, "executive_orders.")
    urls = _strings(table, "listing_urls", where, "executive_orders.")
    for url in urls:
        if not re.match(r"^https?://[^/\s]+", url):
            raise ConfigError(
                f"{where}: executive_orders.listing_urls: not an http(s) URL: {url!r}"
            )
    track = table.get("track", [])
    if not isinstance(track, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in track
    ):
        raise ConfigError(f"{where}: executive_orders.track: expected an array of order numbers")
    return OrderSettings(
        urls, tuple(track), _strings(table, "keywords", where, "executive_orders.")
    )


def _feeds(items: Any, where: str) -> tuple[Feed, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"{where}: feeds: expected an array of tables ([[feeds]])")
    feeds: list[Feed] = []
    for index, item in enumerate(items):
        key = f"feeds[{index}]."
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: feeds[{index}]: expected a table")
        _check_keys(item, _SECTIONS["feeds"], where, key)
        name = _typed(item, "name", str, where, key, None)
        url = _typed(item, "url", str, where, key, None)
        if not name or not url or not re.match(r"^https?://[^/\s]+", url):
            raise ConfigError(f"{where}: {key}: needs a name and an http(s) url")
        if name in {f.name for f in feeds}:
            raise ConfigError(f"{where}: {key}name: duplicate feed {name!r}")
        fetch = _typed(item, "fetch_articles", bool, where, key, None)
        feeds.append(Feed(name, url, fetch))
    return tuple(feeds)


def _news(table: dict[str, Any], where: str) -> NewsSettings:
    _check_keys(table, _SECTIONS["news"], where, "news.")
    fetch = _typed(table, "fetch_articles", bool, where, "news.", NewsSettings.fetch_articles)
    return NewsSettings(_strings(table, "keywords", where, "news."), fetch)


def _rules(table: dict[str, Any], where: str) -> frozenset[str]:
    _check_keys(table, _SECTIONS["rules"], where, "rules.")
    on = set(RULE_NAMES)
    for name in RULE_NAMES:
        if not _typed(table, name, bool, where, "rules.", True):
            on.discard(name)
    return frozenset(on)


def _notes(table: dict[str, Any], where: str, config_path: Path | None) -> NotesSettings:
    _check_keys(table, _SECTIONS["notes"], where, "notes.")
    paths = table.get("paths", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        raise ConfigError(f"{where}: notes.paths: expected an array of paths, got {paths!r}")
    base = config_path.resolve().parent if config_path else Path.cwd()
    resolved = tuple(base / Path(p).expanduser() for p in paths)
    for given, path in zip(paths, resolved, strict=True):
        if _too_wide(path):
            raise ConfigError(
                f"{where}: notes.paths: {given!r} is the root or a home folder; name the folder "
                "that holds the notes"
            )
    require = _typed(table, "require_date", bool, where, "notes.", False)
    sites = _note_sites(table.get("sites", []), where)
    return NotesSettings(resolved, require, sites)


def _too_wide(path: Path) -> bool:
    """`/`, a home folder (`~`, /root, /home/NAME, /Users/NAME) or the folder holding them:
    reading a whole home as notes would read keys, mail and shell history."""
    real = Path(os.path.realpath(path))
    homes = {Path(os.path.realpath(Path.home())), Path("/root")}
    return (
        real == Path(real.anchor)
        or real in homes
        or real in (Path("/home"), Path("/Users"))
        or real.parent in (Path("/home"), Path("/Users"))
    )


def _note_sites(items: Any, where: str) -> tuple[NoteSite, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"{where}: notes.sites: expected an array of tables ([[notes.sites]])")
    sites: list[NoteSite] = []
    for index, item in enumerate(items):
        key = f"notes.sites[{index}]."
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: notes.sites[{index}]: expected a table")
        _check_keys(item, _SECTIONS["notes.sites"], where, key)
        pages = _strings(item, "pages", where, key)
        sitemap = _typed(item, "sitemap", str, where, key, None)
        feed = _typed(item, "feed", str, where, key, None)
        site = NoteSite(
            pages, sitemap, feed, _strings(item, "include", where, key),
            _strings(item, "exclude", where, key),
        )  # fmt: skip
        if not site.urls():
            raise ConfigError(f"{where}: notes.sites[{index}]: needs pages, a sitemap or a feed")
        for name, urls in (("pages", pages), ("sitemap", [sitemap]), ("feed", [feed])):
            for url in urls:
                if url is not None and not re.match(r"^https?://[^/\s]+", url):
                    raise ConfigError(f"{where}: {key}{name}: not an http(s) URL: {url!r}")
        sites.append(site)
    return tuple(sites)


def _alerts(table: dict[str, Any], where: str) -> AlertSettings:
    _check_keys(table, _SECTIONS["alerts"], where, "alerts.")
    notify = table.get("notify", [])
    if not isinstance(notify, list) or not all(isinstance(u, str) and "://" in u for u in notify):
        raise ConfigError(
            f"{where}: alerts.notify: expected an array of apprise URLs (scheme://...)"
        )
    digest = _typed(table, "digest", bool, where, "alerts.", AlertSettings.digest)
    budget = table.get("notify_budget", AlertSettings.notify_budget)
    if isinstance(budget, bool) or not isinstance(budget, int | float) or not budget > 0:
        raise ConfigError(
            f"{where}: alerts.notify_budget: expected a positive number of seconds, got {budget!r}"
        )
    return AlertSettings(tuple(notify), digest, float(budget))


def _crawl(table: dict[str, Any], where: str) -> CrawlSettings:
    _check_keys(table, _SECTIONS["crawl"], where, "crawl.")
    values: dict[str, Any] = {}
    for name, spec in CrawlSettings.__dataclass_fields__.items():
        default = spec.default
        kind: type = type(default)
        if name in table:
            value = table[name]
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if type(value) is not kind:
                raise ConfigError(f"{where}: crawl.{name}: expected {_kind(kind)}, got {value!r}")
            if isinstance(value, (int, float)) and value < 0:
                raise ConfigError(f"{where}: crawl.{name}: must not be negative, got {value!r}")
            if name.startswith("max_") and isinstance(value, int) and value < 1:
                raise ConfigError(f"{where}: crawl.{name}: expected 1 or more, got {value!r}")
            values[name] = value
    client = values.get("http_client", CrawlSettings.http_client)
    if client not in HTTP_CLIENTS:
        choices = " or ".join(f'"{c}"' for c in HTTP_CLIENTS)
        raise ConfigError(f"{where}: crawl.http_client: expected {choices}, got {client!r}")
    return CrawlSettings(**values)


def _measures(items: Any, where: str) -> tuple[Measure, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"{where}: measures: expected an array of tables ([[measures]])")
    measures: list[Measure] = []
    names: set[str] = set()
    for index, item in enumerate(items):
        key = f"measures[{index}]."
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: measures[{index}]: expected a table")
        _check_keys(item, _SECTIONS["measures"], where, key)
        name = _typed(item, "name", str, where, key, None)
        if not name or not name.strip():
            raise ConfigError(f"{where}: {key}name: required, a non-empty string")
        if name.casefold() in names:
            raise ConfigError(f"{where}: {key}name: duplicate measure {name!r}")
        names.add(name.casefold())
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError(f"{where}: {key}aliases: expected an array of strings")
        bills, companions = _bills(item, where, key)
        measures.append(Measure(name.strip(), tuple(aliases), bills, frozenset(companions)))
    return tuple(measures)


def _bills(item: dict[str, Any], where: str, key: str) -> tuple[tuple[BillRef, ...], list[BillRef]]:
    bills = item.get("bills")
    if not isinstance(bills, list) or not bills:
        raise ConfigError(f"{where}: {key}bills: required, an array of {{court, number}} tables")
    refs: list[BillRef] = []
    companions: list[BillRef] = []
    for index, bill in enumerate(bills):
        bkey = f"{key}bills[{index}]"
        if not isinstance(bill, dict):
            raise ConfigError(
                f'{where}: {bkey}: expected a table like {{court = 194, number = "S.1681"}}'
            )
        unknown = set(bill) - {"court", "number", "role"}
        if unknown:
            raise ConfigError(f"{where}: {bkey}.{sorted(unknown)[0]}: unknown key")
        court = bill.get("court")
        if isinstance(court, bool) or not isinstance(court, int) or not 1 <= court <= 999:
            raise ConfigError(
                f"{where}: {bkey}.court: expected a General Court number like 194, got {court!r}"
            )
        number = bill.get("number")
        if not isinstance(number, str):
            raise ConfigError(
                f'{where}: {bkey}.number: expected a string like "S.997", got {number!r}'
            )
        role = bill.get("role", "bill")
        if role not in ("bill", "companion"):
            raise ConfigError(f'{where}: {bkey}.role: expected "bill" or "companion", got {role!r}')
        try:
            refs.append(BillRef.parse(court, number))
            if role == "companion":
                companions.append(refs[-1])
        except BadNumber:
            raise ConfigError(
                f"{where}: {bkey}.number: {number!r} is not a bill or docket number"
                " (H.n, S.n, HD.n, SD.n)"
            ) from None
    return tuple(refs), companions


def _check_keys(table: dict[str, Any], allowed: set[str], where: str, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"{where}: {prefix}{key}: unknown key (known: {', '.join(sorted(allowed))})"
            )


def _table(raw: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {name}: expected a table ([{name}])")
    return value


def _typed(
    table: dict[str, Any], name: str, kind: type, where: str, prefix: str, default: Any
) -> Any:
    if name not in table:
        return default
    value = table[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ConfigError(f"{where}: {prefix}{name}: expected {_kind(kind)}, got {value!r}")
    return value


def _url(table: dict[str, Any], name: str, where: str, default: str) -> str:
    value: str = _typed(table, name, str, where, "legislature.", default)
    if not re.match(r"^https?://[^/\s]+", value):
        raise ConfigError(f"{where}: legislature.{name}: expected an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _kind(kind: type) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        kind, kind.__name__
    )


def _resolve_sqlite(url: str, config_path: Path | None) -> str:
    """Relative SQLite paths resolve against the config file's folder, not the working directory."""
    match = re.match(r"^(sqlite(?:\+\w+)?:///)(.+)$", url)
    if not match or match.group(2).startswith("/") or match.group(2) == ":memory:":
        return url
    base = config_path.resolve().parent if config_path else Path.cwd()
    relative, sep, query = match.group(2).partition("?")
    full = (base / unquote(relative)).resolve()  # the folder's name may hold `%`, `(`, `#`...
    return f"{match.group(1)}{quote(str(full), safe='/')}{sep}{query}"
