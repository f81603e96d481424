"""The items spiders yield: the contract between parsing and storage (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.legislature.lineage import Relation


@dataclass(frozen=True)
class HistoryAction:
    """One row of a bill's history, not stricken.

    `date` is UTC-aware (the source's Eastern wall time converted); `position` is the row's index in
    the order the source gave, kept so that same-day rows keep their page order after sorting.
    """

    date: datetime
    branch: str
    action: str
    position: int = 0


@dataclass
class BillItem:
    """A bill (or docket) as read from one source at one time."""

    court: int
    tracked_number: str  # the canonical number the crawl asked for (a bill or a docket)
    bill_number: str | None  # canonical, None for a docket-only filing
    docket_number: str | None  # canonical, None when the source does not give it
    title: str | None  # None when the source did not show one (never "")
    actions: list[HistoryAction]
    source: str  # "api" or "html"
    url: str  # the official human page, https://.../Bills/{court}/{number}
    fetched_from: str  # the URL the data came from
    pinslip: str | None = None
    sponsor: str | None = None
    document_text: str | None = None
    fallback_reason: str | None = None  # why the HTML source was used, when it was
    lineage_depth: int = 0  # 0 for configured bills, n for a bill n relations away from one
    found_via: str | None = None  # for a bill fetched by lineage: "999:H.1001 replaced_by"
    history_etag: str | None = None  # the validators the source sent with the history, if any
    history_last_modified: str | None = None
    # Rows the source shows as stricken: a stored row among them was struck, not lost.
    stricken: list[HistoryAction] = field(default_factory=list)
    # The relations its rows state, as the spider worked them out to follow them (storage
    # would otherwise read every row against the lineage patterns a second time); None: not yet.
    action_relations: list[Relation] | None = None


@dataclass
class BillChecked:
    """A stored bill read again and found unchanged: a 304, or the same history as stored."""

    bill_id: int
    court: int
    number: str
    not_modified: bool  # True: the source answered 304 to a conditional request
    history_etag: str | None = None  # new validators sent with an unchanged 200, if any
    history_last_modified: str | None = None


@dataclass
class BillSkipped:
    """A stored bill the polling policy did not read this crawl (dormant, or final)."""

    court: int
    number: str
    reason: str


@dataclass
class BillFailure:
    """A tracked bill that could not be read this crawl; the error says source, item and fault."""

    court: int
    tracked_number: str
    error: str
    url: str


@dataclass
class ItemFailure:
    """Something a spider was asked to read and could not: a listing, an order page, a feed."""

    subject: str  # e.g. "EO 650", "listing https://...", "feed Bolts"
    error: str
    url: str


@dataclass
class Problem:
    """A part of a source skipped without failing it (a malformed feed entry), or something read
    with a reservation (a feed that is not well-formed, a page over a cap): recorded and shown."""

    subject: str
    message: str
    url: str
    kind: str = "skipped"  # "skipped": the part was not read; "warning": read, with a reservation


@dataclass
class CourtListRead:
    """A court's document list read for `track_all`: how many listed, how many kept."""

    court: int
    url: str
    listed: int
    kept: int


@dataclass
class ListedJudged:
    """The committee filter's judgement of a listed document, read from its history."""

    court: int
    number: str
    in_scope: bool | None  # None: not referred to a committee yet
    reason: str


@dataclass
class ListingItem:
    """The order links of one listing page: (number, title, absolute URL)."""

    listing_url: str
    links: list[tuple[int, str, str]]


@dataclass
class OrderAdjustmentItem:
    kind: str
    number: int | None
    url: str | None
    text: str


@dataclass
class OrderItem:
    """An executive order page as read."""

    url: str
    number: int
    title: str
    date: str | None  # ISO day
    issuer: str | None
    mass_register: str | None
    body: str
    adjustments: list[OrderAdjustmentItem]
    tracked: bool
    keywords: list[str]


@dataclass
class FeedRead:
    """One feed read successfully (how many entries it had)."""

    feed: str
    url: str
    entries: int


@dataclass
class NewsEntryItem:
    """A feed entry kept because it cites a tracked subject or a keyword."""

    key: str
    feed: str
    title: str
    url: str | None
    published: datetime | None
    summary: str
    subjects: list[str]
    keywords: list[str]


@dataclass
class WebNoteRead:
    """A web note page fetched and read (its text, date and edit link as crawler.parsers.webnote
    found them), with the validators the site sent for the next conditional request."""

    url: str  # as configured or listed
    fetched_from: str  # the URL that answered (after redirects)
    title: str | None
    text: str
    note_date: str | None  # ISO day
    date_source: str | None
    edit_url: str | None
    etag: str | None
    last_modified: str | None
    sitemap_lastmod: str | None


@dataclass
class WebNoteUnchanged:
    """A stored web note not changed: a 304 answer, or (not fetched) an unmoved sitemap lastmod."""

    url: str
    not_modified: bool  # the site answered 304
    by_lastmod: bool  # not fetched: the sitemap's lastmod is the one stored
    etag: str | None = None
    last_modified: str | None = None
    sitemap_lastmod: str | None = None


@dataclass
class WebNoteFailure:
    """A web note page that could not be read this crawl (`status` when the site answered)."""

    url: str
    error: str
    status: int | None
