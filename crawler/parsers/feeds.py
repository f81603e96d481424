"""News feeds (RSS 2.0, Atom 1.0, whatever feedparser reads) and article pages, as plain text."""

from __future__ import annotations

import codecs
import hashlib
import html as html_lib
import io
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
from bs4 import BeautifulSoup, Tag

from .errors import ParseError

# A feed bigger than this is refused unread: real outlet feeds are well under a megabyte.
MAX_FEED_BYTES = 20 * 1024 * 1024

# Query parameters that only track a click, never choose a page: dropped by normalize_url.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Elements of an article page that are never its text.
_DROPPED = (
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "figure",
    "form",
    "noscript",
    "template",
    "iframe",
    "svg",
)
# Elements that start a new paragraph of plain text.
_BLOCKS = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "figcaption",
)

_SPACE = re.compile(rb"\s*")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE_TEXT = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_ENTITY_TEXT = re.compile(r"<!ENTITY", re.IGNORECASE)
_PROLOG_NOISE = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.S | re.I)
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, reduced to plain text."""

    guid: str | None  # <guid> (RSS) or <id> (Atom), stripped; None when absent
    title: str  # plain text, one line ("" when the entry has a link but no title)
    link: str | None  # absolute http(s) URL
    published: datetime | None  # UTC-aware: published, else updated; None when absent/unreadable
    summary: str  # plain text of the longer of summary/description and content; "\n\n" paragraphs

    @property
    def key(self) -> str:
        """Dedupe key: the guid, else the normalized link, else a hash of title and date."""
        if self.guid:
            return f"guid:{self.guid}"
        if self.link:
            return f"url:{normalize_url(self.link)}"
        when = self.published.isoformat() if self.published else ""
        digest = hashlib.sha256(f"{self.title}\n{when}".encode()).hexdigest()
        return f"title:{digest}"


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title, the entries that could be read, and what was wrong."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    problems: tuple[str, ...]  # a line per malformed entry (skipped, or read without its date)
    warnings: tuple[str, ...] = ()  # the XML is not well-formed, yet these entries were read


def parse_feed(body: bytes, url: str) -> Feed:
    """Parse a feed body fetched from `url`; ParseError if it is not a feed or declares entities.

    An entry with neither title nor link is skipped with a problem line; an entry whose date cannot
    be read is kept with `published` None and a problem line. A feed that is not well-formed but
    still yields entries is read, with one warning line saying why and how many were read.
    """
    _refuse_unreadable(body, url)
    parsed = feedparser.parse(
        io.BytesIO(body),  # never the bytes themselves: feedparser would try them as a file name
        response_headers={"content-location": url, "content-type": "application/xml"},
    )
    entries_raw: list[Any] = list(parsed.get("entries") or [])
    version = parsed.get("version") or ""
    if not version and not entries_raw:
        reason = _bozo_reason(parsed) or "no RSS or Atom root element"
        raise ParseError(f"{url}: expected a feed, got {_describe(body)} ({reason})")

    problems: list[str] = []
    entries: list[FeedEntry] = []
    for number, raw in enumerate(entries_raw, start=1):
        entry = _entry(raw, url, number, problems)
        if entry is not None:
            entries.append(entry)
    warnings = []
    if parsed.get("bozo"):
        # feedparser recovers what it can from markup that is not well-formed: the entries it
        # recovered are read and stored (each checked like any other), and the report says so.
        warnings.append(
            f"feed not well-formed ({_bozo_reason(parsed)}); its {len(entries)} readable "
            "entries were read anyway"
        )
    feed_data: Mapping[str, Any] = parsed.get("feed") or {}
    title = _detail_text(feed_data, "title") or None
    return Feed(title, tuple(entries), tuple(problems), tuple(warnings))


def normalize_url(url: str) -> str:
    """The URL with case, default port, fragment, tracking parameters and trailing slash removed.

    Scheme and host are lower-cased; `utm_*` and the TRACKING_PARAMS are dropped, the other query
    parameters kept as written, sorted; a trailing slash is dropped from any path but the root.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if parts.hostname is not None:
        host = parts.hostname.lower()
        if ":" in host:  # an IPv6 literal keeps its brackets
            host = f"[{host}]"
        try:
            port = parts.port
        except ValueError:
            port = None
        userinfo = netloc.rpartition("@")[0] if "@" in netloc else ""
        netloc = (f"{userinfo}@" if userinfo else "") + host
        if port is not None and port != _DEFAULT_PORTS.get(scheme):
            netloc += f":{port}"
    path = parts.path
    if netloc and not path:
        path = "/"
    elif len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    kept = [pair for pair in parts.query.split("&") if pair and not _is_tracking(pair)]
    query = "&".join(sorted(kept))
    return urlunsplit((scheme, netloc, path, query, ""))


def article_text(html: str, url: str) -> str:
    """The main text of a news article page, paragraphs joined by blank lines.

    Page furniture (script, style, nav, header, footer, aside, figure, form...) is dropped; the text
    is taken from the largest <article>, else [itemprop=articleBody], else <main>, else the element
    holding the most paragraph text. ParseError if none of them has any text.
    """
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    candidates: list[Tag] = []
    articles = [t for t in soup.find_all("article") if isinstance(t, Tag)]
    if articles:
        candidates.append(max(articles, key=lambda t: len(t.get_text(strip=True))))
    body = soup.select_one("[itemprop~=articleBody]")
    if body is not None:
        candidates.append(body)
    main = soup.find("main")
    if isinstance(main, Tag):
        candidates.append(main)
    for candidate in candidates:
        paragraphs = _paragraphs(candidate)
        if paragraphs:
            return "\n\n".join(paragraphs)
    paragraphs = _largest_paragraph_block(soup)
    if not paragraphs:
        raise ParseError(f"{url}: no article text found")
    return "\n\n".join(paragraphs)


def _refuse_unreadable(body: bytes, url: str) -> None:
    """Raise ParseError, without parsing, for bodies that are not XML or that declare entities."""
    if len(body) > MAX_FEED_BYTES:
        raise ParseError(f"{url}: feed of {len(body)} bytes exceeds {MAX_FEED_BYTES} (refused)")
    if _declares_entities(body):
        raise ParseError(f"{url}: feed declares XML entities (refused)")
    head = _sniff_text(body)
    if not head.startswith("<"):
        raise ParseError(f"{url}: expected a feed, got {_describe(body)}")
    if _root_name(head).lower() == "html":
        raise ParseError(f"{url}: expected a feed, got {_describe(body)}")


def _declares_entities(body: bytes) -> bool:
    """Whether a <!DOCTYPE is followed anywhere by an <!ENTITY declaration (a bomb, or external)."""
    codec = _wide_codec(body)
    if codec is not None:
        text = body.decode(codec, errors="replace")
        doctype = _DOCTYPE_TEXT.search(text)
        return doctype is not None and _ENTITY_TEXT.search(text, doctype.end()) is not None
    doctype_b = _DOCTYPE.search(body)
    return doctype_b is not None and _ENTITY.search(body, doctype_b.end()) is not None


def _wide_codec(body: bytes) -> str | None:
    """The codec of a UTF-16/32 body (by BOM or by the shape of "<?"), None for byte encodings."""
    if body.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if body.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    if body.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    return None


def _sniff_text(body: bytes) -> str:
    """The start of the body as text, leading BOM and whitespace removed."""
    codec = _wide_codec(body)
    if codec is not None:
        return body[: _SNIFF_BYTES * 2].decode(codec, errors="replace").lstrip("\ufeff \t\r\n")
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8) :]
    start = _SPACE.match(body)
    offset = start.end() if start else 0
    return body[offset : offset + _SNIFF_BYTES].decode("latin-1")


def _root_name(head: str) -> str:
    """The name of the first element after the prolog, "" when not seen in `head`."""
    match = _FIRST_ELEMENT.search(_PROLOG_NOISE.sub("", head))
    return match.group(1) if match else ""


def _describe(body: bytes) -> str:
    """What a body that is not a feed looks like, for an error message."""
    head = _sniff_text(body)
    if not head.strip():
        return "an empty body"
    if head[0] in "{[":
        return "JSON"
    if head.startswith("<"):
        if head[:14].lower() == "<!doctype html" or _root_name(head).lower() == "html":
            return "an HTML page"
        root = _root_name(head)
        return f"XML with root <{root}>" if root else "unreadable markup"
    return f"not XML ({head[:40]!r}...)"


def _bozo_reason(parsed: Mapping[str, Any]) -> str:
    if not parsed.get("bozo"):
        return ""
    exc = parsed.get("bozo_exception")
    return " ".join(str(exc).split()) if exc is not None else "unknown error"


def _entry(raw: Mapping[str, Any], url: str, number: int, problems: list[str]) -> FeedEntry | None:
    """One feed entry, or None (with a problem line) when it has neither title nor link."""
    title = _detail_text(raw, "title")
    link = _absolute(_get(raw, "link"), url)
    if not title and link is None:
        problems.append(f"entry {number}: no title and no link")
        return None
    guid = str(_get(raw, "id") or "").strip() or None
    published = _date(raw, "published") or _date(raw, "updated")
    if published is None:
        written = str(_get(raw, "published") or _get(raw, "updated") or "").strip()
        if written:
            problems.append(f"entry {number}: unreadable date {written[:60]!r} (kept, no date)")
    return FeedEntry(guid=guid, title=title, link=link, published=published, summary=_summary(raw))


def _get(data: Mapping[str, Any], key: str) -> Any:
    """data[key] or None as stored: feedparser's dict maps missing keys to others."""
    return dict.get(data, key) if isinstance(data, dict) else data.get(key)


def _detail_text(data: Mapping[str, Any], field: str) -> str:
    """A feedparser text field as one line of plain text, using its `<field>_detail` type."""
    value = _get(data, field)
    if not value:
        return ""
    kind = str(_get(_get(data, f"{field}_detail") or {}, "type") or "text/plain")
    text = _html_text(str(value)) if "html" in kind else str(value)
    return " ".join(text.split())


def _summary(raw: Mapping[str, Any]) -> str:
    """Plain text of the summary/description or of the content, whichever says more."""
    texts: list[str] = []
    summary = _get(raw, "summary")
    if summary:
        kind = str(_get(_get(raw, "summary_detail") or {}, "type") or "text/html")
        texts.append(_block_text(str(summary), kind))
    for content in _get(raw, "content") or []:
        value = _get(content, "value")
        if value:
            texts.append(_block_text(str(value), str(_get(content, "type") or "text/html")))
    return max(texts, key=len, default="")


def _block_text(value: str, kind: str) -> str:
    """A summary or content value as plain-text paragraphs."""
    if "html" not in kind:
        return _collapse_paragraphs(value)
    if "<" not in value:  # escaped text only: no need for a parser (and no bs4 "looks like a URL")
        return _collapse_paragraphs(html_lib.unescape(value))
    return "\n\n".join(_paragraphs(BeautifulSoup(value, "lxml")))


def _html_text(value: str) -> str:
    """Markup or escaped text to plain text (entities decoded)."""
    if "<" not in value:
        return html_lib.unescape(value)
    return " ".join(_paragraphs(BeautifulSoup(value, "lxml")))


def _date(raw: Mapping[str, Any], field: str) -> datetime | None:
    """feedparser's `<field>_parsed` (a UTC struct_time) as an aware datetime."""
    parsed = _get(raw, f"{field}_parsed")
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in tuple(parsed)[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _absolute(link: Any, base: str) -> str | None:
    """An entry link made absolute against the feed URL; None unless http(s)."""
    if not link or not str(link).strip():
        return None
    absolute = urljoin(base, str(link).strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _is_tracking(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def _paragraphs(root: BeautifulSoup | Tag) -> list[str]:
    """The text under `root` split at block elements and blank lines, whitespace collapsed."""
    for br in root.find_all("br"):
        br.replace_with("\n")
    for tag in root.find_all(_BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    text = _collapse_paragraphs(root.get_text())
    return text.split("\n\n") if text else []


def _collapse_paragraphs(text: str) -> str:
    chunks = (" ".join(chunk.split()) for chunk in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(chunk for chunk in chunks if chunk)


def _largest_paragraph_block(soup: BeautifulSoup) -> list[str]:
    """The <p> texts of the element whose direct <p> children hold the most text."""
    groups: dict[int, list[str]] = defaultdict(list)
    for p in soup.find_all("p"):
        text = " ".join(p.get_text().split())
        if text and p.parent is not None:
            groups[id(p.parent)].append(text)
    if not groups:
        return []
    return max(groups.values(), key=lambda texts: sum(len(t) for t in texts))
