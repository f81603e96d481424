"""Web notes: a published page's main text (trafilatura), its own date and where that came from,
its edit link; and sitemaps (urlset and sitemap index, with `lastmod`)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from lxml import etree

from models.legislature.calendar import EASTERN
from models.notes.reading import find_dates

from .errors import ParseError
from .feeds import _declares_entities

logger = logging.getLogger(__name__)
logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it warns about every short page

# A "Last updated:" line in the page's visible text: the label, then the date at once.
_UPDATED = re.compile(
    r"(?:last[ \t]+updated|last[ \t]+modified|last[ \t]+edited|updated|modified)"
    r"[ \t]*:?[ \t]*(?:on[ \t]+)?(?P<rest>[^\n]{0,60})",
    re.IGNORECASE,
)
_EDIT_TEXT = re.compile(r"^\s*edit(?:\s+this)?(?:\s+(?:entry|page|article|note))?\s*$", re.I)
_MODIFIED_HINT = re.compile(r"updated|modified", re.IGNORECASE)
_PUBLISHED_HINT = re.compile(r"published|posted|entry-date|pubdate", re.IGNORECASE)


@dataclass(frozen=True)
class PageDate:
    """A date the page gives about itself: the day, what kind, and where it was read."""

    day: date
    kind: str  # "modified" or "published"
    source: str  # e.g. "meta article:modified_time", "JSON-LD dateModified"


@dataclass(frozen=True)
class WebPage:
    """A web note as read: title, main text, its date (newest modification first) and source."""

    url: str
    title: str | None
    text: str
    date: date | None
    date_source: str | None
    edit_url: str | None
    dates: tuple[PageDate, ...]  # every date found, for `notes show`


def parse_page(html: str, url: str) -> WebPage:
    """The page's article body (not menus and footers), its date and its edit link.

    The date is the newest modification date the page states (`article:modified_time`, JSON-LD
    `dateModified`, a `<time>` marked updated, a "Last updated:" line), else the newest
    publication date (`article:published_time`, JSON-LD `datePublished`, a `<time datetime>`).
    A page with no main text is a ParseError (an error page, or a layout that hides its text).
    """
    import trafilatura  # here: its import costs every crawl process a second, not only notes'

    soup = BeautifulSoup(html, "lxml")
    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=True, favor_recall=True
    )
    if not text or not text.strip():
        raise ParseError(f"{url}: no main text found in the page")
    dates = tuple(page_dates(soup))
    chosen = choose_date(dates)
    return WebPage(
        url=url,
        title=_title(soup),
        text=text.strip(),
        date=chosen.day if chosen else None,
        date_source=chosen.source if chosen else None,
        edit_url=edit_link(soup, url),
        dates=dates,
    )


def choose_date(dates: tuple[PageDate, ...]) -> PageDate | None:
    """The newest modification date; when the page gives none, its newest publication date."""
    for kind in ("modified", "published"):
        found = [d for d in dates if d.kind == kind]
        if found:
            return max(found, key=lambda d: d.day)
    return None


def page_dates(soup: BeautifulSoup) -> Iterator[PageDate]:
    """Every date the page states about itself, with its kind and where it was read."""
    for prop, kind in (
        ("article:modified_time", "modified"),
        ("og:updated_time", "modified"),
        ("article:published_time", "published"),
    ):
        for meta in soup.find_all("meta", attrs={"property": prop}):
            day = _day(str(meta.get("content") or ""))
            if day:
                yield PageDate(day, kind, f"meta {prop}")
    for meta in soup.find_all("meta", attrs={"itemprop": ["dateModified", "datePublished"]}):
        day = _day(str(meta.get("content") or ""))
        if day:
            prop = str(meta.get("itemprop"))
            kind = "modified" if prop == "dateModified" else "published"
            yield PageDate(day, kind, f"meta itemprop {prop}")
    yield from _json_ld_dates(soup)
    for time in soup.find_all("time"):
        day = _day(str(time.get("datetime") or ""))
        if not day:
            continue
        hints = " ".join([str(time.get("itemprop") or ""), *_classes(time)])
        if _MODIFIED_HINT.search(hints) or "dateModified" in hints:
            yield PageDate(day, "modified", "<time datetime> marked updated")
        else:
            yield PageDate(day, "published", "<time datetime>")
    yield from _updated_lines(soup)


def _json_ld_dates(soup: BeautifulSoup) -> Iterator[PageDate]:
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for node in _json_nodes(data):
            for key, kind in (("dateModified", "modified"), ("datePublished", "published")):
                value = node.get(key)
                day = _day(value) if isinstance(value, str) else None
                if day:
                    yield PageDate(day, kind, f"JSON-LD {key}")


def _json_nodes(data: object) -> Iterator[dict[str, object]]:
    """Every object in a JSON-LD document (top level, lists, `@graph`)."""
    if isinstance(data, list):
        for item in data:
            yield from _json_nodes(item)
    elif isinstance(data, dict):
        yield data
        yield from _json_nodes(data.get("@graph", []))


def _updated_lines(soup: BeautifulSoup) -> Iterator[PageDate]:
    body = soup.body or soup
    for match in _UPDATED.finditer(body.get_text("\n")):
        found = find_dates(match.group("rest"), month_year=False)
        if found and found[0].start == 0:
            yield PageDate(found[0].day, "modified", "'Last updated:' text")


def _day(value: str) -> date | None:
    """The day of an ISO date or timestamp (an offset is read as Eastern time's day)."""
    value = value.strip()
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        match = re.match(r"^(\d{4}-\d{2}-\d{2})", value)
        try:
            return date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            return None
    if stamp.tzinfo is not None and len(value) > 10:
        return stamp.astimezone(EASTERN).date()
    return stamp.date()


def _classes(tag: Tag) -> list[str]:
    value: Any = tag.get("class") or []
    return [str(c) for c in value] if isinstance(value, list) else [str(value)]


def _title(soup: BeautifulSoup) -> str | None:
    meta = soup.find("meta", attrs={"property": "og:title"})
    if isinstance(meta, Tag) and str(meta.get("content") or "").strip():
        return str(meta.get("content")).strip()
    for name in ("h1", "title"):
        tag = soup.find(name)
        if isinstance(tag, Tag) and tag.get_text(strip=True):
            return " ".join(tag.get_text(" ", strip=True).split())
    return None


def edit_link(soup: BeautifulSoup, url: str) -> str | None:
    """Where the page is edited: `<link rel="edit">`, an `<a rel="edit">`, or a link reading
    "Edit this entry" / "Edit this page" / "Edit"."""
    for tag in soup.find_all(["link", "a"]):
        rel: Any = tag.get("rel") or []
        rels = [str(r).lower() for r in (rel if isinstance(rel, list) else [rel])]
        if "edit" in rels and tag.get("href"):
            return urljoin(url, str(tag["href"]))
    for anchor in soup.find_all("a", href=True):
        if _EDIT_TEXT.match(anchor.get_text(" ", strip=True)):
            return urljoin(url, str(anchor["href"]))
    return None


# ---------------------------------------------------------------------------------------------
# Sitemaps


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None  # as written (compared as text: an unmoved lastmod means no fetch)


@dataclass(frozen=True)
class Sitemap:
    """A sitemap read: its pages, or (a sitemap index) the sitemaps it lists."""

    pages: tuple[SitemapEntry, ...]
    sitemaps: tuple[SitemapEntry, ...]


_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """A `<urlset>` or a `<sitemapindex>` (sitemaps.org 0.9); entity declarations refused."""
    if _declares_entities(body):
        raise ParseError(f"{url}: sitemap declares XML entities (refused)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{url}: expected a sitemap, got XML that does not parse: {exc}") from None
    name = etree.QName(root).localname
    if name not in ("urlset", "sitemapindex"):
        raise ParseError(f"{url}: expected a sitemap (urlset or sitemapindex), got <{name}>")
    child = "url" if name == "urlset" else "sitemap"
    entries = []
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != child:
            continue
        loc = _child_text(node, "loc")
        if loc:
            entries.append(SitemapEntry(urljoin(url, loc), _child_text(node, "lastmod")))
    if name == "urlset":
        return Sitemap(tuple(entries), ())
    return Sitemap((), tuple(entries))


def _child_text(node: etree._Element, name: str) -> str | None:
    for child in node:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            text = (child.text or "").strip()
            return text or None
    return None
