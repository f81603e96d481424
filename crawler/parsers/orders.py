"""Parsers of mass.gov executive orders: binder listings, order pages and their text renderings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, FeatureNotFound, Tag
from bs4.element import CData, NavigableString

from .errors import ParseError

# Adjustment rows of the listing table, label as shown (without colon, case-insensitive) -> kind.
# STRUCTURE.md lists the first eight; "Rescinded by" and "Superseded by" are accepted too (the
# passive forms of labels that exist) although no page showing them has been seen.
ADJUSTMENT_KINDS: dict[str, str] = {
    "Rescinding": "rescinds",
    "Revoking": "revokes",
    "Revoking and Superseding": "revokes_supersedes",
    "Superseding": "supersedes",
    "Amending": "amends",
    "Amended by": "amended_by",
    "Revoked by": "revoked_by",
    "Revoked and Superseded by": "revoked_superseded_by",
    "Rescinded by": "rescinded_by",
    "Superseded by": "superseded_by",
}
_KIND_BY_LABEL = {label.casefold(): kind for label, kind in ADJUSTMENT_KINDS.items()}
_FIELD_LABELS = frozenset({"date", "issuer", "mass register"})

_SEP = r"\s*[:\-\u2013\u2014]\s*"  # ":", "-", en dash, em dash between number and title
# "No. 650: Title", "No. 650 - Title", "Executive Order No. 650: Title" (blanks already collapsed).
_NUMBERED_TITLE_RE = re.compile(
    r"^(?:Executive\s+Order\s+)?No\.?\s*(?P<n>\d+)" + _SEP + r"(?P<title>\S.*)$", re.IGNORECASE
)
# The linked order of an adjustment: "Executive Order No. 538", "Executive Order 351", "No. 538",
# optionally followed by its title.
_ORDER_REF_RE = re.compile(
    r"^(?:Executive\s+Order\s+)?(?:No\.?\s*)?(?P<n>\d+)(?:" + _SEP + r".*)?$", re.IGNORECASE
)
_URL_NUMBER_RE = re.compile(r"/no-(?P<n>\d+)(?:-(?P<slug>[^/?#]*))?/?$", re.IGNORECASE)
_DATE_RE = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})$")
_MENTIONS_ORDER_RE = re.compile(r"\bExecutive\s+Orders?\b", re.IGNORECASE)
# "Label: value" lines of the text layout's header. The label is letters and blanks only, so body
# lines ("WHEREAS, ...", "Section 1. ...") never read as fields.
_TEXT_FIELD_RE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{0,40}?)\s*:\s*(?P<value>.*)$")
# Page chrome after the order's text in the text renderings (eo_361.txt).
_TEXT_STOP_RE = re.compile(
    r"^(?:Contact\s+for\s+No\.|Help Us Improve Mass\.gov|Downloads$)", re.IGNORECASE
)
_TABLE_RULE_RE = re.compile(r"^\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")

_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
    }
)
# Containers of mass.gov page chrome that also use section.ma__rich-text: header utility panels,
# the optional "personal message" description, contact boxes, downloads, sidebar, footer.
_CHROME_CLASSES = frozenset(
    {
        "ma__header",
        "ma__utility-nav",
        "ma__utility-panel",
        "ma__personal-message",
        "ma__image-promo",
        "ma__contact-list",
        "ma__form-downloads",
        "ma__listing-table",
        "ma__footer",
    }
)
_CHROME_TAGS = frozenset({"header", "footer", "nav", "aside"})


@dataclass(frozen=True)
class OrderLink:
    """One `No. N: Title` link of a binder listing page."""

    number: int
    title: str
    url: str  # absolute


@dataclass(frozen=True)
class Adjustment:
    """One adjustment row: this order revokes (rescinds, ...) another, or is revoked by it, ..."""

    kind: str  # a value of ADJUSTMENT_KINDS
    label: str  # as shown, without its colon: "Rescinding"
    number: int | None  # the linked order's number; None when the row names none readably
    url: str | None  # absolute link to the other order; None when the row has no usable link
    text: str  # the row's value as shown: "Executive Order No. 538"


@dataclass(frozen=True)
class OrderPage:
    """What an executive-order page shows."""

    number: int
    title: str
    date: date | None  # the Date row; None when the page has none
    issuer: str | None
    mass_register: str | None  # as shown ("No. 1486"); often absent. Not the order's number.
    body: str  # the order's text, blanks collapsed, paragraphs separated by "\n\n"
    adjustments: tuple[Adjustment, ...]


# --- shared helpers ---------------------------------------------------------------------------


def _soup(html: str) -> BeautifulSoup:
    try:
        return BeautifulSoup(html, "lxml")
    except FeatureNotFound:  # pragma: no cover - lxml is a declared dependency
        return BeautifulSoup(html, "html.parser")


def _squash(text: str) -> str:
    """Collapse blanks (non-breaking spaces included) and trim."""
    return " ".join(text.split())


def _is_text(node: object) -> bool:
    # Plain text only: comments, script and style strings are NavigableString subclasses.
    return type(node) is NavigableString or isinstance(node, CData)


def _segments(tag: Tag) -> list[str]:
    """The element's text split at `<br>`, blanks collapsed in each piece, empty pieces dropped."""
    pieces: list[list[str]] = [[]]
    for node in tag.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                pieces.append([])
        elif _is_text(node):
            pieces[-1].append(str(node))
    return [s for s in (_squash("".join(p)) for p in pieces) if s]


def _text(tag: Tag, br: str = " ") -> str:
    return br.join(_segments(tag))


def _paragraphs(tag: Tag) -> list[str]:
    """Block-level text of `tag`: each block element and each `<br>` ends a paragraph."""
    chunks: list[list[str]] = [[]]

    def cut() -> None:
        if chunks[-1]:
            chunks.append([])

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                if child.name == "br":
                    cut()
                    continue
                block = child.name in _BLOCK_TAGS
                if block:
                    cut()
                walk(child)
                if block:
                    cut()
            elif _is_text(child):
                chunks[-1].append(str(child))

    walk(tag)
    return [p for p in (_squash("".join(c)) for c in chunks) if p]


def _parse_date(shown: str, url: str) -> date:
    match = _DATE_RE.match(shown.strip())
    if not match:
        raise ParseError(f"{url}: unreadable order date {shown!r} (expected MM/DD/YYYY)")
    try:
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        raise ParseError(f"{url}: impossible order date {shown!r}") from None


def _ref_number(text: str, href: str | None) -> int | None:
    """The number of a referenced order, from its link text, else from a `/no-N-...` link."""
    match = _ORDER_REF_RE.match(_squash(text))
    if match:
        return int(match.group("n"))
    if href:
        url_match = _URL_NUMBER_RE.search(urlsplit(href).path)
        if url_match:
            return int(url_match.group("n"))
    return None


def parse_numbered_title(text: str) -> tuple[int, str] | None:
    """`No. 650: Title` (also `No. 650 - Title`, `Executive Order No. 650: Title`) -> (650, Title).

    None when the text is not of that form. Blanks, non-breaking ones included, are collapsed.
    """
    match = _NUMBERED_TITLE_RE.match(_squash(text))
    if not match:
        return None
    return int(match.group("n")), match.group("title")


class _Fields:
    """Collects the header rows (Date, Issuer, Mass Register, adjustments) of either layout."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.date: date | None = None
        self.issuer: str | None = None
        self.mass_register: str | None = None
        self.adjustments: list[Adjustment] = []
        self.seen = 0  # recognised rows

    def _set_once(self, name: str, label: str, value: str) -> None:
        current = getattr(self, name)
        if current is not None and current != value:
            raise ParseError(f"{self.url}: two different {label!r} rows: {current!r}, {value!r}")
        setattr(self, name, value)

    def add(self, label: str, value: str, links: list[tuple[str, str | None]]) -> bool:
        """Take one row; False when its label is not one we know (the caller decides)."""
        key = _squash(label).rstrip(":").strip().casefold()
        value = _squash(value)
        if key in _FIELD_LABELS:
            self.seen += 1
            if not value:
                return True  # an empty field row says nothing
            if key == "date":
                shown = _parse_date(value, self.url)
                if self.date is not None and self.date != shown:
                    raise ParseError(f"{self.url}: two different Date rows: {self.date}, {shown}")
                self.date = shown
            elif key == "issuer":
                self._set_once("issuer", "Issuer", value)
            else:
                self._set_once("mass_register", "Mass Register", value)
            return True
        kind = _KIND_BY_LABEL.get(key)
        if kind is None:
            if _MENTIONS_ORDER_RE.search(value) or any(
                href and "/executive-orders/" in href for _, href in links
            ):
                # A row naming another order under a label we do not know may be a new kind of
                # adjustment: fail loudly rather than lose it.
                raise ParseError(
                    f"{self.url}: unknown listing-table label {label!r} with value {value!r}"
                )
            return False
        self.seen += 1
        shown_label = _squash(label).rstrip(":").strip()
        if links:
            for text, href in links:
                self.adjustments.append(
                    Adjustment(kind, shown_label, _ref_number(text, href), href, _squash(text))
                )
        elif value:
            self.adjustments.append(
                Adjustment(kind, shown_label, _ref_number(value, None), None, value)
            )
        else:
            raise ParseError(f"{self.url}: empty {shown_label!r} row")
        return True


# --- listing ----------------------------------------------------------------------------------


def parse_listing(html: str, url: str) -> list[OrderLink]:
    """Every `No. N: Title` link of a binder page, in page order, one per URL (not per number).

    Two different pages can carry the same number (there are two No. 646), so links are only
    deduplicated by their absolute URL (fragment dropped). A page without any order link is an error
    page or a changed layout: ParseError.
    """
    soup = _soup(html)
    links: list[OrderLink] = []
    seen: set[str] = set()
    for anchor in soup.find_all("a", href=True):
        if not isinstance(anchor, Tag):
            continue
        href = str(anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        parsed = parse_numbered_title(_text(anchor))
        if parsed is None:
            continue  # navigation, contact links, ...
        absolute = urldefrag(urljoin(url, href)).url
        if absolute in seen:
            continue
        seen.add(absolute)
        links.append(OrderLink(number=parsed[0], title=parsed[1], url=absolute))
    if not links:
        raise ParseError(f"{url}: no 'No. N: Title' order links; not an executive-order listing")
    return links


# --- order page (HTML) ------------------------------------------------------------------------


def _in_chrome(tag: Tag) -> bool:
    for parent in tag.parents:
        if not isinstance(parent, Tag):
            continue
        if parent.name in _CHROME_TAGS:
            return True
        if _CHROME_CLASSES.intersection(parent.get_attribute_list("class")):
            return True
    return False


def _heading(soup: BeautifulSoup, url: str) -> tuple[int, str]:
    h1 = soup.select_one("h1.ma__page-header__title")
    if h1 is None:
        raise ParseError(f"{url}: no executive-order heading (h1.ma__page-header__title)")
    category = soup.select_one("div.ma__page-header__category")
    if category is not None and "executive order" not in _text(category).casefold():
        raise ParseError(f"{url}: page category {_text(category)!r} is not 'Executive Order'")
    for hidden in h1.select(".visually-hidden"):
        hidden.extract()  # "Executive Order&nbsp;" for screen readers
    shown = _text(h1)
    parsed = parse_numbered_title(shown)
    if parsed is None:
        raise ParseError(f"{url}: executive-order heading {shown!r} is not 'No. N: Title'")
    return parsed


def _row_value(row: Tag) -> Tag | None:
    item = row.select_one("span.ma__listing-table__data-item")
    if item is not None:
        return item
    cell = row.find("td")
    return cell if isinstance(cell, Tag) else None


def _listing_rows(soup: BeautifulSoup, fields: _Fields) -> None:
    for row in soup.select("div.ma__listing-table tr"):
        header = row.find("th")
        if not isinstance(header, Tag):
            continue
        label = _text(header)
        value = _row_value(row)
        if value is None:
            if _KIND_BY_LABEL.get(label.rstrip(":").strip().casefold()) is not None:
                raise ParseError(f"{fields.url}: {label!r} row without a value cell")
            continue
        links: list[tuple[str, str | None]] = []
        for anchor in value.find_all("a"):
            if not isinstance(anchor, Tag):
                continue
            href = str(anchor.get("href") or "").strip()
            absolute = None if not href or href.startswith("#") else urljoin(fields.url, href)
            links.append((_text(anchor), absolute))
        # Several issuers are separated by <br>: "Charlie Baker, Governor; Karyn Polito, ...".
        fields.add(label, _text(value, br="; "), links)


def _body(soup: BeautifulSoup) -> str:
    main = soup.find("main")
    scope: Tag = main if isinstance(main, Tag) else soup
    paragraphs: list[str] = []
    for section in scope.select("section.ma__rich-text"):
        # Nested rich-text sections are read through their outer one.
        if _in_chrome(section) or section.find_parent("section", class_="ma__rich-text"):
            continue
        paragraphs.extend(_paragraphs(section))
    return "\n\n".join(paragraphs)


def parse_order_page(html: str, url: str) -> OrderPage:
    """Read a mass.gov (Mayflower) executive-order page; no `h1.ma__page-header__title` with an
    order number -> ParseError. The listing table and the body are optional."""
    soup = _soup(html)
    number, title = _heading(soup, url)
    fields = _Fields(url)
    _listing_rows(soup, fields)
    return OrderPage(
        number=number,
        title=title,
        date=fields.date,
        issuer=fields.issuer,
        mass_register=fields.mass_register,
        body=_body(soup),
        adjustments=tuple(fields.adjustments),
    )


# --- order page (text renderings) -------------------------------------------------------------


def _table_cells(line: str) -> list[str] | None:
    """`| Date: | 10/14/2025 |` -> ["Date:", "10/14/2025"]; None when not a table row."""
    if not line.startswith("|"):
        return None
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _url_number(url: str) -> tuple[int, str] | None:
    """(N, slug words) from a `/no-N-slug` URL: `.../no-646-foo-bar` -> (646, "foo bar")."""
    match = _URL_NUMBER_RE.search(urlsplit(url).path)
    if not match:
        return None
    return int(match.group("n")), " ".join((match.group("slug") or "").split("-"))


def parse_order_text(text: str, url: str) -> OrderPage:
    """Read a text rendering of an order page, in either of its two layouts.

    Header style (eo_650.txt): "Executive Order", "Executive Order  No. 650: Title", then
    "Date: 01/29/2026", "Issuer: ...", "Mass Register: ...", adjustment lines ("Revoking: Executive
    Order 257", repeatable). Table style (eo_646): "| Date: | 10/14/2025 |" rows, no title line.
    "Table of Contents" is dropped; the body (one paragraph per non-blank line) ends at the page's
    "Contact for No. ..." / "Help Us Improve Mass.gov" / "Downloads" chrome.

    Without a "No. N: Title" line the number comes from a `/no-N-slug` URL and the title is the
    slug's words (e.g. "disability policy commission"): a stand-in, not the page's title. Without
    either, or without any header row as well as a title line, the text is not an order: ParseError.
    """
    fields = _Fields(url)
    heading: tuple[int, str] | None = None
    paragraphs: list[str] = []
    in_body = False
    for raw in text.splitlines():
        line = _squash(raw)
        if not line:
            continue
        if in_body:
            if _TEXT_STOP_RE.match(line):
                break
            paragraphs.append(line)
            continue
        if line.casefold() in {"executive order", "table of contents"}:
            continue  # the page category line; the table-of-contents widget
        if heading is None and fields.seen == 0:
            heading = parse_numbered_title(line)
            if heading is not None:
                continue
        cells = _table_cells(raw.strip())
        if cells is not None:
            if _TABLE_RULE_RE.match(raw.strip()) or len(cells) < 2:
                continue
            fields.add(cells[0], " ".join(cells[1:]), [])  # unknown labels are ignored
            continue
        field = _TEXT_FIELD_RE.match(line)
        if field and fields.add(field.group("label"), field.group("value"), []):
            continue
        if _TEXT_STOP_RE.match(line):
            break
        in_body = True
        paragraphs.append(line)

    if heading is None:
        from_url = _url_number(url)
        if from_url is None or fields.seen == 0:
            raise ParseError(
                f"{url}: no 'No. N: Title' line, and no /no-N- URL with Date/Issuer/adjustment "
                "rows; not an executive-order text"
            )
        heading = from_url
    return OrderPage(
        number=heading[0],
        title=heading[1],
        date=fields.date,
        issuer=fields.issuer,
        mass_register=fields.mass_register,
        body="\n\n".join(paragraphs),
        adjustments=tuple(fields.adjustments),
    )
