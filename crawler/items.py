"""The items spiders yield: the contract between parsing and storage (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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


@dataclass
class BillFailure:
    """A tracked bill that could not be read this crawl; the error says source, item and fault."""

    court: int
    tracked_number: str
    error: str
    url: str
