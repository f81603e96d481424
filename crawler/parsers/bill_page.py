"""Parsers of the malegislature.gov HTML bill page and its BillHistory fragment (the fallback)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, FeatureNotFound, Tag
from bs4.element import CData, NavigableString

from crawler.items import HistoryAction
from models.legislature.numbers import BadNumber, canonical_number

from .dates import parse_page_date
from .errors import ParseError

# "Displaying 16 actions for Bill H.3190". The "Displaying 1 to 10 of 16 actions" form is accepted
# too (an assumption: one public scraper expects it); the total is the last number before "action".
_DISPLAYING_RE = re.compile(
    r"Displaying\s+(?:[\d,]+\s+to\s+[\d,]+\s+of\s+)?(?P<n>[\d,]+)\s+actions?\b", re.IGNORECASE
)
_RELOAD_RE = re.compile(r"reloadAjaxContent\(\s*(?P<n>\d+)\s*\)")
_HEADING_WORD_RE = re.compile(r"^(?:Bill|Docket)\b\s*", re.IGNORECASE)
_STRICKEN_TAGS = frozenset({"s", "del", "strike"})


@dataclass(frozen=True)
class BillPage:
    """What the main bill page (`/Bills/{court}/{number}`) shows."""

    number: str  # canonical, from the h1 ("Bill H.3190" -> "H.3190")
    title: str | None  # the h2 title; None when the page does not show one (never "")
    pinslip: str | None  # p#pinslip; None when missing or empty
    facts: dict[str, str]  # dt/dd pairs, label without its colon: {"Sponsor": "...", ...}


@dataclass(frozen=True)
class HistoryPage:
    """One page of the `/BillHistory?pageNumber=N` fragment."""

    actions: list[HistoryAction]  # position = row index on this page; the caller renumbers
    last_page: int  # from the pagination; 1 when there is none
    declared_count: int | None  # N of "Displaying N actions", counted over all pages
    stricken: tuple[HistoryAction, ...] = ()  # rows shown struck through (not in `actions`)
    rows: int = 0  # every row of the table on this page, stricken ones included


def _soup(html: str) -> BeautifulSoup:
    try:
        return BeautifulSoup(html, "lxml")
    except FeatureNotFound:  # pragma: no cover - lxml is a declared dependency
        return BeautifulSoup(html, "html.parser")


def _text(tag: Tag) -> str:
    """The element's full text (link text included), `<br>` as a blank, blanks collapsed."""
    parts: list[str] = []
    for node in tag.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                parts.append(" ")
        # Plain text only: comments, script and style strings are NavigableString subclasses.
        elif type(node) is NavigableString or isinstance(node, CData):
            parts.append(str(node))
    return " ".join("".join(parts).split())


def _or_none(tag: Tag | None) -> str | None:
    if tag is None:
        return None
    return _text(tag) or None


def _bill_heading(soup: BeautifulSoup) -> Tag | None:
    for div in soup.find_all("div"):
        if isinstance(div, Tag) and "followable" in div.get_attribute_list("class"):
            h1 = div.find("h1")
            if isinstance(h1, Tag):
                return h1
    return None


def _heading_number(h1: Tag, url: str) -> str:
    # Assumption (not in STRUCTURE.md): one public scraper finds the court ("192nd (2021 - 2022)")
    # in a `.subTitle` element inside the h1; such an element is left out of the number.
    for sub in h1.select(".subTitle"):
        sub.extract()
    text = _text(h1)
    candidate = _HEADING_WORD_RE.sub("", text, count=1)
    try:
        return canonical_number(candidate)
    except BadNumber:
        raise ParseError(f"{url}: bill heading {text!r} holds no bill or docket number") from None


def _facts(soup: BeautifulSoup) -> dict[str, str]:
    """dt/dd pairs; a dt takes the dd siblings that follow it (several are joined with ", ")."""
    facts: dict[str, str] = {}
    for dt in soup.select("dt"):
        label = _text(dt).rstrip(":").strip()
        values: list[str] = []
        for sibling in dt.next_siblings:
            if not isinstance(sibling, Tag):
                continue
            if sibling.name != "dd":
                break
            value = _text(sibling)
            if value:
                values.append(value)
        # First occurrence wins when a label repeats; labels without a value are left out.
        if label and values and label not in facts:
            facts[label] = ", ".join(values)
    return facts


def parse_bill_page(html: str, url: str) -> BillPage:
    """Read the bill page; a page without `div.followable h1` is an error page (ParseError)."""
    soup = _soup(html)
    h1 = _bill_heading(soup)
    if h1 is None:
        raise ParseError(f"{url}: no bill heading (div.followable h1); not a bill page")
    number = _heading_number(h1, url)
    return BillPage(
        number=number,
        # No fallback to the h1 here: the caller decides what a missing title means.
        title=_or_none(soup.select_one("#contentContainer > div > div > h2")),
        pinslip=_or_none(soup.select_one("p#pinslip")),
        facts=_facts(soup),
    )


def _declared_count(soup: BeautifulSoup) -> int | None:
    match = _DISPLAYING_RE.search(" ".join(soup.get_text(" ").split()))
    return int(match.group("n").replace(",", "")) if match else None


def _last_page(soup: BeautifulSoup, url: str) -> int:
    pagination = soup.select_one("ul.pagination-sm")
    if pagination is None:
        return 1
    links = pagination.select(":scope > li > a")
    if links:
        match = _RELOAD_RE.search(str(links[-1].get("onclick") or ""))
        if match:
            return max(1, int(match.group("n")))
    # The last link carries no page number (e.g. a disabled "next"): take the highest one shown.
    numbers = [int(m.group("n")) for a in links for m in _RELOAD_RE.finditer(str(a.get("onclick")))]
    if not numbers:
        raise ParseError(f"{url}: ul.pagination-sm without reloadAjaxContent(N) page links")
    return max(1, *numbers)


def _is_stricken(cell: Tag) -> bool:
    # ASSUMPTION: how the HTML page marks stricken rows is not known (the API has IsStricken).
    # We take an action cell whose whole content is one <s>, <del> or <strike> element as stricken.
    content = [
        node
        for node in cell.children
        if isinstance(node, Tag) or (type(node) is NavigableString and node.strip() != "")
    ]
    return len(content) == 1 and isinstance(content[0], Tag) and content[0].name in _STRICKEN_TAGS


def parse_history_fragment(html: str, url: str) -> HistoryPage:
    """Read one BillHistory page: `tbody > tr` rows of date (M/D/YYYY), branch, action."""
    soup = _soup(html)
    declared = _declared_count(soup)
    last_page = _last_page(soup, url)
    if soup.find("table") is None:
        if declared == 0:
            return HistoryPage(actions=[], last_page=last_page, declared_count=0)
        raise ParseError(f"{url}: history table not found")

    rows = soup.select("table tbody > tr")
    if not rows:
        if declared == 0:
            return HistoryPage(actions=[], last_page=last_page, declared_count=0)
        said = "no 'Displaying N actions' text" if declared is None else f"{declared} declared"
        raise ParseError(f"{url}: history table has no rows ({said})")

    if declared == 0:
        raise ParseError(f"{url}: 'Displaying 0 actions' but the table has {len(rows)} rows")

    actions: list[HistoryAction] = []
    stricken: list[HistoryAction] = []
    for index, row in enumerate(rows):
        cells = row.select(":scope > td")
        if len(cells) != 3:
            raise ParseError(f"{url}: history row {index}: {len(cells)} cells, expected 3")
        date_cell, branch_cell, action_cell = cells
        struck = _is_stricken(action_cell)
        shown = _text(date_cell)
        try:
            date = parse_page_date(shown)
        except ValueError:  # ParseError, or datetime's own for an impossible date like 13/45/2025
            if struck:
                continue
            raise ParseError(f"{url}: history row {index}: unreadable date {shown!r}") from None
        action = _text(action_cell)
        if not action and not struck:
            raise ParseError(f"{url}: history row {index}: empty action")
        read = HistoryAction(date=date, branch=_text(branch_cell), action=action, position=index)
        (stricken if struck else actions).append(read)
    return HistoryPage(actions, last_page, declared, tuple(stricken), len(rows))


@dataclass
class PagesRead:
    """A bill page's history as its fragments are read, page after page: the rows, the rows
    shown struck through, how many rows the pages showed, and how many they declared."""

    actions: list[HistoryAction] = field(default_factory=list)
    stricken: list[HistoryAction] = field(default_factory=list)
    rows: int = 0
    declared: int | None = None
    pages: int = 0

    def add(self, fragment: HistoryPage, max_pages: int, max_rows: int) -> None:
        """Take one page's rows; ParseError when the pages or rows go over the caps
        (crawl.max_requests_per_page, crawl.max_history_rows)."""
        if fragment.last_page > max_pages:
            raise ParseError(
                f"the history claims {fragment.last_page} pages, over "
                f"crawl.max_requests_per_page ({max_pages}): refused"
            )
        offset = self.rows
        self.actions += [
            HistoryAction(a.date, a.branch, a.action, offset + a.position) for a in fragment.actions
        ]
        self.stricken += fragment.stricken
        self.rows += fragment.rows
        self.pages += 1
        if self.rows > max_rows:
            raise ParseError(
                f"history of more than {max_rows} rows "
                "(crawl.max_history_rows): refused, nothing stored"
            )
        if fragment.declared_count is not None:
            self.declared = fragment.declared_count

    def check_complete(self, page_url: str, last: int) -> None:
        """The rows read across every page must be the rows the page says it displays."""
        if self.rows and self.declared is None:
            raise ParseError(
                f"{page_url}: no 'Displaying N actions' on the history: cannot tell that "
                "every row was read"
            )
        if self.declared is not None and self.declared != self.rows:
            raise ParseError(
                f"{page_url}: the history says 'Displaying {self.declared} actions' but "
                f"{self.rows} rows were read across {last} pages: incomplete, nothing stored"
            )
