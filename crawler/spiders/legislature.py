"""Spider `legislature`: tracked bills from the official JSON API; HTML bill pages as fallback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.failures import describe_failure, strict_text
from crawler.items import BillFailure, BillItem, HistoryAction
from crawler.parsers.api import ApiDocument, parse_document, parse_history, sort_actions
from crawler.parsers.bill_page import BillPage, parse_bill_page, parse_history_fragment
from crawler.parsers.errors import ParseError
from crawler.spiders.base import ConfiguredSpider
from models import lineage
from models.config import Config
from models.numbers import BillRef, compact_number

JSON_HEADERS = {"Accept": "application/json"}
FRAGMENT_HEADERS = {"X-Requested-With": "XMLHttpRequest"}


class LegislatureSpider(ConfiguredSpider):
    """One document and one history request per tracked bill; HTML pages only when the API fails."""

    name = "legislature"

    def __init__(self, config: Config | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.outcomes: dict[BillRef, str] = {}
        self.depths: dict[BillRef, int] = {}  # every bill this crawl asked for, and how far
        self.via: dict[BillRef, str] = {}  # how a bill fetched by lineage was reached

    @property
    def refs(self) -> list[BillRef]:
        """The configured bills (lineage may add more during the crawl)."""
        assert self.config is not None
        return self.config.tracked_bills()

    def source_urls(self) -> list[str]:
        return [self.conf.legislature.api_url, self.conf.legislature.site_url]

    async def start(self) -> AsyncIterator[Any]:
        for ref in self.refs:
            self.depths.setdefault(ref, 0)
        for ref in list(self.depths):
            yield self.document_request(ref)

    # --- the API -------------------------------------------------------------------------------

    def api_url(self, ref: BillRef, suffix: str = "") -> str:
        assert self.config is not None
        base = self.config.legislature.api_url
        return f"{base}/GeneralCourts/{ref.court}/Documents/{compact_number(ref.number)}{suffix}"

    def document_request(self, ref: BillRef) -> scrapy.Request:
        return scrapy.Request(
            self.api_url(ref),
            headers=JSON_HEADERS,
            callback=self.parse_api_document,
            errback=self.api_failed,
            cb_kwargs={"ref": ref},
            dont_filter=True,
        )

    def parse_api_document(self, response: Response, ref: BillRef) -> Iterator[Any]:
        try:
            document = parse_document(strict_text(response), response.url)
            self._check_identity(
                ref, document.court, (document.bill_number, document.docket_number)
            )
        except (ParseError, AttributeError) as exc:
            yield from self.fallback(ref, f"API: {_reason(exc, response)}")
            return
        yield scrapy.Request(
            self.api_url(ref, "/DocumentHistoryActions"),
            headers=JSON_HEADERS,
            callback=self.parse_api_history,
            errback=self.api_failed,
            cb_kwargs={"ref": ref, "document": document},
            dont_filter=True,
        )

    def parse_api_history(
        self, response: Response, ref: BillRef, document: ApiDocument
    ) -> Iterator[Any]:
        try:
            actions = parse_history(strict_text(response), response.url)
        except (ParseError, AttributeError) as exc:
            yield from self.fallback(ref, f"API: {_reason(exc, response)}")
            return
        number = document.bill_number or document.docket_number or ref.number
        yield from self._done(
            ref,
            BillItem(
                court=ref.court,
                tracked_number=ref.number,
                bill_number=document.bill_number,
                docket_number=document.docket_number,
                title=document.title,
                actions=actions,
                source="api",
                url=self.page_url(ref.court, number),
                fetched_from=response.url,
                pinslip=document.pinslip,
                sponsor=document.sponsor,
                document_text=document.document_text,
            ),
        )

    def api_failed(self, failure: Failure) -> Iterator[Any]:
        ref: BillRef = failure.request.cb_kwargs["ref"]  # type: ignore[attr-defined]
        yield from self.fallback(ref, f"API: {describe_failure(failure)}")

    # --- the HTML bill page (second source) ----------------------------------------------------

    def page_url(self, court: int, number: str) -> str:
        assert self.config is not None
        return f"{self.config.legislature.site_url}/Bills/{court}/{compact_number(number)}"

    def fallback(self, ref: BillRef, api_reason: str) -> Iterator[Any]:
        assert self.config is not None
        self.logger.info("%s: %s", ref.key, api_reason)
        if not self.config.crawl.html_fallback:
            yield self._failed(ref, api_reason + " (HTML fallback is off)", self.api_url(ref))
            return
        yield scrapy.Request(
            self.page_url(ref.court, ref.number),
            callback=self.parse_page,
            errback=self.page_failed,
            cb_kwargs={"ref": ref, "api_reason": api_reason},
            dont_filter=True,
        )

    def parse_page(self, response: Response, ref: BillRef, api_reason: str) -> Iterator[Any]:
        try:
            page = parse_bill_page(strict_text(response), response.url)
            self._check_identity(ref, ref.court, (page.number,))
        except (ParseError, AttributeError) as exc:
            reason = f"{api_reason}; HTML page: {_reason(exc, response)}"
            yield self._failed(ref, reason, response.url)
            return
        yield self.fragment_request(ref, api_reason, page, response.url, 1, [])

    def fragment_request(
        self,
        ref: BillRef,
        api_reason: str,
        page: BillPage,
        page_url: str,
        number: int,
        actions: list[HistoryAction],
    ) -> scrapy.Request:
        return scrapy.Request(
            f"{page_url}/BillHistory?pageNumber={number}",
            headers=FRAGMENT_HEADERS,
            callback=self.parse_fragment,
            errback=self.page_failed,
            cb_kwargs={
                "ref": ref,
                "api_reason": api_reason,
                "page": page,
                "page_url": page_url,
                "number": number,
                "actions": actions,
            },
            dont_filter=True,
        )

    def parse_fragment(
        self,
        response: Response,
        ref: BillRef,
        api_reason: str,
        page: BillPage,
        page_url: str,
        number: int,
        actions: list[HistoryAction],
    ) -> Iterator[Any]:
        try:
            fragment = parse_history_fragment(strict_text(response), response.url)
        except (ParseError, AttributeError) as exc:
            yield self._failed(
                ref, f"{api_reason}; HTML history: {_reason(exc, response)}", response.url
            )
            return
        offset = len(actions)
        rows = actions + [
            HistoryAction(a.date, a.branch, a.action, offset + i)
            for i, a in enumerate(fragment.actions)
        ]
        if number < fragment.last_page:
            yield self.fragment_request(ref, api_reason, page, page_url, number + 1, rows)
            return
        bill_number = None if page.number.split(".")[0] in ("HD", "SD") else page.number
        yield from self._done(
            ref,
            BillItem(
                court=ref.court,
                tracked_number=ref.number,
                bill_number=bill_number,
                docket_number=ref.number
                if ref.number != bill_number and "D." in ref.number
                else None,
                title=page.title,
                actions=sort_actions(rows),
                source="html",
                url=page_url,
                fetched_from=response.url,
                pinslip=page.pinslip,
                sponsor=page.facts.get("Sponsor") or page.facts.get("Presenter"),
                fallback_reason=api_reason,
            ),
        )

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        ref: BillRef = request.cb_kwargs["ref"]
        reason = f"{request.cb_kwargs['api_reason']}; HTML page: {describe_failure(failure)}"
        yield self._failed(ref, reason, request.url)

    # --- outcomes ------------------------------------------------------------------------------

    def _check_identity(self, ref: BillRef, court: int, numbers: tuple[str | None, ...]) -> None:
        """A response about another bill or court is garbage, not data about this one."""
        if court != ref.court:
            raise ParseError(f"response is about court {court}, not {ref.court}")
        if ref.number not in numbers:
            shown = ", ".join(n for n in numbers if n) or "no number"
            raise ParseError(f"response is about {shown}, not {ref.number}")

    def _done(self, ref: BillRef, item: BillItem) -> Iterator[Any]:
        """The item, then a request for each bill its relations lead to, within the depth."""
        assert self.config is not None
        self.outcomes[ref] = "read"
        depth = self.depths.get(ref, 0)
        item.lineage_depth = depth
        item.found_via = self.via.get(ref)
        yield item
        if depth >= self.config.legislature.lineage_depth:
            return
        for relation in lineage.relations_from_actions(item.court, item.actions):
            target = BillRef(relation.court, relation.number)
            if relation.type in lineage.FOLLOWED and target not in self.depths:
                self.depths[target] = depth + 1
                self.via[target] = f"{ref.key} {relation.type}"
                self.logger.info("%s: following %s to %s", ref.key, relation.type, target.key)
                yield self.document_request(target)

    def _failed(self, ref: BillRef, error: str, url: str) -> BillFailure:
        self.outcomes[ref] = "failed"
        return BillFailure(court=ref.court, tracked_number=ref.number, error=error, url=url)

    def unresolved(self) -> list[str]:
        """Bills asked for that got neither an item nor a recorded failure."""
        return [ref.key for ref in self.depths if ref not in self.outcomes]


def _reason(exc: Exception, response: Response) -> str:
    if isinstance(exc, AttributeError):  # a non-text body (binary) has no .text
        return f"HTTP {response.status} at {response.url}: body is not text"
    return str(exc)
