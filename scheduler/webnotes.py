"""Web notes for the check and the CLI: the stored pages to judge, the pages taken down, each
failing page's health, and one page fetched at once for `notes check URL` (nothing stored)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from crawler.parsers.errors import ParseError
from crawler.parsers.webnote import parse_page
from models.config import Config
from models.notes.web import WebNote, note_from_page
from models.rules.sources import SourceHealth
from models.storage.webnotes import StoredPage, current_pages, failing_pages, is_gone


class PageUnreadable(Exception):
    """A page `notes check URL` could not fetch or read, phrased as one line naming the URL."""


def site_hosts(config: Config) -> set[str]:
    """The hosts `[[notes.sites]]` names: the only ones whose pages are fetched and judged."""
    urls = [url for site in config.notes.sites for url in site.urls()]
    return {(urlsplit(u).hostname or "").lower() for u in urls} - {""}


def _configured(config: Config, url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in site_hosts(config))


def configured_pages(session: Session, config: Config) -> list[StoredPage]:
    return (
        [p for p in current_pages(session) if _configured(config, p.url)]
        if config.notes.sites
        else []
    )


def stored_web_notes(session: Session, config: Config) -> tuple[list[WebNote], dict[str, str]]:
    """The web notes to judge (each page's newest stored version), and the pages taken down
    (404/410 for `failures_before_alert` crawls in a row) with the reason their alerts resolve."""
    threshold = config.schedule.failures_before_alert
    notes: list[WebNote] = []
    gone: dict[str, str] = {}
    for page in configured_pages(session, config):
        if is_gone(page.failures, page.last_status, threshold):
            gone[page.url] = (
                f"the page is gone: HTTP {page.last_status} in {page.failures} crawls in a row"
            )
            continue
        note = note_from_page(page.url, page.title, page.text, page.note_date, page.date_source)
        notes.append(WebNote(page.url, note, page.version, page.edit_url))
    return notes, gone


def page_health(session: Session, config: Config) -> list[SourceHealth]:
    """Each page failing to be read, as a source of its own: `source_failing` is raised for it
    after `failures_before_alert` crawls in a row, like any source. A stored page taken down
    (404/410) is not failing but gone; a configured page never read once is failing."""
    threshold = config.schedule.failures_before_alert
    return [
        SourceHealth(
            source=f"notes page {page.url}",
            last_run_at=None,
            last_success_at=None,
            last_failure_at=page.failing_since,
            last_error=page.last_error,
            consecutive_failures=page.failures,
            streak_start_run=None,
        )
        for page in (failing_pages(session) if config.notes.sites else [])
        if _configured(config, page.url)
        and not (page.stored and is_gone(page.failures, page.last_status, threshold))
    ]


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed only to the page's own host or a configured notes host."""

    def __init__(self, hosts: set[str]) -> None:
        self.hosts = hosts

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        host = (urlsplit(newurl).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in self.hosts):
            raise PageUnreadable(
                f"{req.full_url}: refused: redirect to {host!r}, not a configured host"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_web_note(config: Config, url: str) -> WebNote:
    """Fetch one page now (the config's User-Agent, timeout and size limit) and read it as a
    note; nothing is stored. Raises PageUnreadable."""
    if not re.match(r"^https?://[^/\s]+", url):
        raise PageUnreadable(f"{url}: not an http(s) URL")
    hosts = site_hosts(config) | {(urlsplit(url).hostname or "").lower()}
    opener = urllib.request.build_opener(_SameHostRedirects(hosts))
    request = urllib.request.Request(url, headers={"User-Agent": config.crawl.user_agent})
    limit = config.crawl.max_response_bytes
    try:
        with opener.open(request, timeout=config.crawl.download_timeout) as response:
            body = response.read(limit + 1)
            content_type = response.headers.get("Content-Type", "")
            final = response.geturl()
    except urllib.error.HTTPError as exc:
        raise PageUnreadable(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PageUnreadable(f"{url}: cannot fetch: {reason}") from None
    if len(body) > limit:
        raise PageUnreadable(f"{url}: larger than crawl.max_response_bytes ({limit})")
    declared = re.search(r"charset=([\w.-]+)", content_type, re.IGNORECASE)
    encoding = declared.group(1) if declared else "utf-8"
    try:
        page = parse_page(body.decode(encoding), final)
    except (UnicodeDecodeError, LookupError):
        raise PageUnreadable(f"{url}: body is not valid {encoding} text") from None
    except ParseError as exc:
        raise PageUnreadable(str(exc)) from None
    note = note_from_page(url, page.title, page.text, page.date, page.date_source)
    return WebNote(url, note, None, page.edit_url)
