"""Parsers for the Massachusetts Legislature JSON API: a court's document list, a document record
and its history actions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.items import HistoryAction
from models.legislature.calendar import EASTERN
from models.legislature.numbers import BadNumber, canonical_number

from .dates import parse_api_date
from .errors import ParseError

_DOCUMENT_FIELDS = ("Title", "BillNumber", "DocketNumber", "GeneralCourtNumber")
_ACTION_FIELDS = ("Date", "Branch", "Action")


@dataclass(frozen=True)
class ApiDocument:
    """The fields of a document record legistrack uses (real responses are PascalCase)."""

    court: int
    bill_number: str | None
    docket_number: str | None
    title: str | None
    pinslip: str | None
    sponsor: str | None
    document_text: str | None


def load_json(text: str, url: str) -> Any:
    """Decode a JSON body, or raise ParseError saying what came instead (an HTML error page...)."""
    try:
        return json.loads(text)
    except RecursionError:  # a valid but absurdly nested document: refused, not a crash
        raise ParseError(f"{url}: expected JSON, got JSON nested too deep to read") from None
    except (json.JSONDecodeError, TypeError):
        start = (text or "").lstrip()[:40].replace("\n", " ")
        kind = "an HTML page" if start.lower().startswith(("<!doctype", "<html")) else "not JSON"
        raise ParseError(f"{url}: expected JSON, got {kind} ({start!r}...)") from None


def parse_document(text: str, url: str) -> ApiDocument:
    """Parse `/GeneralCourts/{court}/Documents/{number}`; missing fields are a ParseError."""
    data = load_json(text, url)
    if not isinstance(data, dict):
        raise ParseError(f"{url}: expected a JSON object, got {type(data).__name__}")
    missing = [name for name in _DOCUMENT_FIELDS if name not in data]
    if missing:
        raise ParseError(f"{url}: document JSON lacks fields {', '.join(missing)}")
    bill = _number(data.get("BillNumber"), url, "BillNumber")
    docket = _number(data.get("DocketNumber"), url, "DocketNumber")
    if bill is None and docket is None:
        raise ParseError(f"{url}: document has neither BillNumber nor DocketNumber")
    court = data.get("GeneralCourtNumber")
    if isinstance(court, bool) or not isinstance(court, int):
        raise ParseError(f"{url}: GeneralCourtNumber is not an integer: {court!r}")
    return ApiDocument(
        court=court,
        bill_number=bill,
        docket_number=docket,
        title=_text(data.get("Title")),
        pinslip=_text(data.get("Pinslip")),
        sponsor=_sponsor(data.get("PrimarySponsor")),
        document_text=_text(data.get("DocumentText")),
    )


@dataclass(frozen=True)
class DocumentSummary:
    """One entry of `/GeneralCourts/{court}/Documents` (numbers canonical)."""

    court: int
    bill_number: str | None
    docket_number: str | None
    title: str | None

    @property
    def number(self) -> str:
        """The number a crawl reads it by: the bill number, else the docket."""
        return self.bill_number or self.docket_number or ""


def parse_document_list(text: str, url: str, court: int) -> tuple[list[DocumentSummary], list[str]]:
    """Parse a court's document list: the summaries, and one line per entry that was unusable.

    A body that is not a non-empty JSON list, or whose every entry is unusable, is a ParseError:
    a court's list is never empty, so an empty one is a source fault, not a court with no bills.
    """
    data = load_json(text, url)
    if not isinstance(data, list):
        raise ParseError(f"{url}: expected a JSON list of documents, got {type(data).__name__}")
    summaries: list[DocumentSummary] = []
    problems: list[str] = []
    for index, entry in enumerate(data):
        try:
            summaries.append(_summary(entry, url, court))
        except ParseError as exc:
            problems.append(f"list entry {index}: {exc}")
    if not summaries:
        detail = f" ({problems[0]})" if problems else ""
        raise ParseError(f"{url}: the document list has no usable entry{detail}")
    return summaries, problems


def _summary(entry: Any, url: str, court: int) -> DocumentSummary:
    if not isinstance(entry, dict):
        raise ParseError(f"{url}: not an object")
    bill = _number(entry.get("BillNumber"), url, "BillNumber")
    docket = _number(entry.get("DocketNumber"), url, "DocketNumber")
    if bill is None and docket is None:
        raise ParseError(f"{url}: neither BillNumber nor DocketNumber")
    listed = entry.get("GeneralCourtNumber", court)
    if listed != court:
        raise ParseError(f"{url}: listed under court {listed!r}, not {court}")
    return DocumentSummary(court, bill, docket, _text(entry.get("Title")))


def parse_history(text: str, url: str) -> list[HistoryAction]:
    """Parse `.../DocumentHistoryActions`: stricken rows dropped, sorted by day, page order kept."""
    return parse_history_rows(text, url).actions


@dataclass(frozen=True)
class HistoryRead:
    """A history as read: the rows that stand (sorted), and the rows shown stricken."""

    actions: list[HistoryAction]
    stricken: list[HistoryAction]


def parse_history_rows(text: str, url: str, max_rows: int | None = None) -> HistoryRead:
    """Parse `.../DocumentHistoryActions`, keeping the stricken rows apart. A history of more
    than `max_rows` rows is refused before any row is read (crawl.max_history_rows)."""
    data = load_json(text, url)
    if not isinstance(data, list):
        raise ParseError(
            f"{url}: expected a JSON list of history actions, got {type(data).__name__}"
        )
    if max_rows is not None and len(data) > max_rows:
        raise ParseError(
            f"{url}: history of {len(data)} rows is over crawl.max_history_rows ({max_rows}):"
            " refused, nothing stored"
        )
    actions: list[HistoryAction] = []
    stricken: list[HistoryAction] = []
    for index, row in enumerate(data):
        if not isinstance(row, dict):
            raise ParseError(f"{url}: history row {index} is not an object")
        missing = [name for name in _ACTION_FIELDS if name not in row]
        if missing:
            raise ParseError(f"{url}: history row {index} lacks fields {', '.join(missing)}")
        action = _text(row["Action"])
        struck = row.get("IsStricken") is True
        if action is None:
            if struck:
                continue
            raise ParseError(f"{url}: history row {index} has an empty Action")
        try:
            when = parse_api_date(str(row["Date"]))
        except ParseError as exc:
            if struck:
                continue
            raise ParseError(f"{url}: history row {index}: {exc}") from None
        read = HistoryAction(when, str(row["Branch"] or "").strip(), action, index)
        (stricken if struck else actions).append(read)
    return HistoryRead(sort_actions(actions), stricken)


def sort_actions(actions: list[HistoryAction]) -> list[HistoryAction]:
    """Order rows by their Eastern calendar day, keeping the source's order within a day."""
    return sorted(actions, key=lambda a: (eastern_day(a.date), a.position))


def eastern_day(when: datetime) -> str:
    return when.astimezone(EASTERN).date().isoformat()


def _number(value: Any, url: str, field: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return canonical_number(str(value))
    except BadNumber:
        raise ParseError(f"{url}: {field} {value!r} is not a bill or docket number") from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _sponsor(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("Name"))
    return None
