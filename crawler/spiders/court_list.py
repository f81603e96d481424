"""The `track_all` part of the legislature spider: a court's document list, its title and
committee filters, and the history read that judges a listed document against the committees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.failures import describe_failure, parse_failure, strict_text
from crawler.items import (
    BillFailure,
    CourtListRead,
    HistoryAction,
    ItemFailure,
    ListedJudged,
    Problem,
)
from crawler.parsers.api import DocumentSummary, parse_document_list
from crawler.parsers.errors import ParseError
from models.legislature.numbers import BillRef
from models.legislature.polling import KnownBill, Listed, judge_committees

JSON_HEADERS = {"Accept": "application/json"}


class CourtListMixin:
    """Mixed into LegislatureSpider, whose attributes and request builders it uses."""

    conf: Any
    known: dict[BillRef, KnownBill]
    listed: dict[BillRef, Listed]
    depths: dict[BillRef, int]
    via: dict[BillRef, str]
    outcomes: dict[BillRef, str]
    now: Any

    def bill_requests(self, ref: BillRef, refresh: bool = False) -> Iterator[Any]:
        raise NotImplementedError

    def document_request(self, ref: BillRef, history: Any = None) -> scrapy.Request:
        raise NotImplementedError

    def api_url(self, ref: BillRef, suffix: str = "") -> str:
        raise NotImplementedError

    def read_history(self, ref: BillRef, response: Response) -> list[HistoryAction]:
        raise NotImplementedError

    def list_request(self, court: int) -> scrapy.Request:
        return scrapy.Request(
            f"{self.conf.legislature.api_url}/GeneralCourts/{court}/Documents",
            headers=JSON_HEADERS,
            callback=self.parse_list,
            errback=self.list_failed,
            cb_kwargs={"court": court},
            dont_filter=True,
        )

    def parse_list(self, response: Response, court: int) -> Iterator[Any]:
        """Every listed document the filters keep and no one asked for yet is read."""
        try:
            summaries, problems = parse_document_list(strict_text(response), response.url, court)
        except (ParseError, AttributeError) as exc:
            reason = parse_failure(exc, response)
            yield ItemFailure(f"list {court}", f"API: {reason}", response.url)
            return
        for problem in problems:
            yield Problem(f"list {court}", problem, response.url)
        keywords = [k.casefold() for k in self.conf.legislature.track_all_keywords]
        kept = [
            s
            for s in summaries
            if not keywords or any(k in (s.title or "").casefold() for k in keywords)
        ]
        yield CourtListRead(court, response.url, len(summaries), len(kept))
        for summary in kept:
            ref = BillRef(court, summary.number)
            docket = BillRef(court, summary.docket_number) if summary.docket_number else None
            if ref in self.depths or (docket is not None and docket in self.depths):
                continue  # a configured bill, or one lineage reached already
            self.depths[ref] = 0
            self.via[ref] = f"court {court} list"
            if self._needs_judging(ref, docket):
                yield from self._judge(ref)
            else:
                yield from self.bill_requests(ref, refresh=_listed_differently(self.known, summary))

    def list_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        yield ItemFailure(
            f"list {request.cb_kwargs['court']}", f"API: {describe_failure(failure)}", request.url
        )

    # --- the committee filter ------------------------------------------------------------------

    def _needs_judging(self, ref: BillRef, docket: BillRef | None) -> bool:
        """A stored bill is tracked as it is; with a committee filter, any other listed document
        is judged by its history before it is stored."""
        if not self.conf.legislature.track_all_committees:
            return False
        return ref not in self.known and (docket is None or docket not in self.known)

    def _judge(self, ref: BillRef) -> Iterator[Any]:
        earlier = self.listed.get(ref)
        if earlier is not None and not earlier.due(self.conf.legislature.polling, self.now):
            self.outcomes[ref] = "outside"  # judged outside recently: not read this crawl
            return
        yield scrapy.Request(
            self.api_url(ref, "/DocumentHistoryActions"),
            headers=JSON_HEADERS,
            callback=self.parse_judged_history,
            errback=self.judge_failed,
            cb_kwargs={"ref": ref},
            dont_filter=True,
        )

    def parse_judged_history(self, response: Response, ref: BillRef) -> Iterator[Any]:
        try:
            actions = self.read_history(ref, response)
        except (ParseError, AttributeError) as exc:
            reason = parse_failure(exc, response)
            yield self._judging_failed(ref, f"API: {reason}", response.url)
            return
        in_scope, reason = judge_committees(actions, self.conf.legislature.track_all_committees)
        yield ListedJudged(ref.court, ref.number, in_scope, reason)
        if not in_scope:
            self.outcomes[ref] = "outside"
            return
        yield self.document_request(ref, (actions, response.url, *response_validators(response)))

    def judge_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        yield self._judging_failed(
            request.cb_kwargs["ref"], f"API: {describe_failure(failure)}", request.url
        )

    def _judging_failed(self, ref: BillRef, reason: str, url: str) -> BillFailure:
        self.outcomes[ref] = "failed"
        return BillFailure(ref.court, ref.number, f"{reason} (judging its committees)", url)


def response_validators(response: Response) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified a response carried (None when the source sends none)."""
    etag = response.headers.get(b"ETag")
    modified = response.headers.get(b"Last-Modified")
    return (
        etag.decode("latin-1") if etag else None,
        modified.decode("latin-1") if modified else None,
    )


def _listed_differently(known: dict[BillRef, KnownBill], summary: DocumentSummary) -> bool:
    """True when the list shows a stored bill under another number or title: read it whole."""
    stored = known.get(BillRef(summary.court, summary.number))
    if stored is None and summary.docket_number:
        stored = known.get(BillRef(summary.court, summary.docket_number))
    if stored is None:
        return False
    renumbered = summary.bill_number is not None and summary.bill_number != stored.number
    retitled = summary.title is not None and summary.title != stored.title
    return renumbered or retitled
