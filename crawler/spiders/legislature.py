"""Spider `legislature`: tracked bills from the official JSON API; HTML bill pages as fallback.

Bills come from the config's measures and, for `track_all` courts, from the court's document list.
A stored bill is read history first (conditionally, when the source sent validators); its document
is fetched only when the bill is new or its history changed. The bills the measures name, and
those their lineage reaches, are read on every crawl; the polling policy skips dormant bills of
`track_all` courts between their reads, and never re-reads a bill of an ended court once read
after its end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.failures import describe_failure, parse_failure, strict_text
from crawler.items import (
    BillChecked,
    BillFailure,
    BillItem,
    BillSkipped,
    HistoryAction,
    Problem,
)
from crawler.parsers.api import (
    ApiDocument,
    parse_document,
    parse_history_rows,
    sort_actions,
)
from crawler.parsers.bill_page import (
    BillPage,
    PagesRead,
    parse_bill_page,
    parse_history_fragment,
)
from crawler.parsers.errors import ParseError
from crawler.spiders.base import ConfiguredSpider
from crawler.spiders.court_list import CourtListMixin, response_validators
from models.config import Config
from models.legislature import lineage
from models.legislature.numbers import BillRef, compact_number
from models.legislature.polling import (
    POLL,
    KnownBill,
    Listed,
    decide,
    history_digest,
    named_bills,
)
from models.storage.db import ensure_schema, make_engine, session_factory
from models.storage.polling import load_known, load_listed
from models.storage.schema import utcnow

# (relation type, court, number) of a relation a crawl may follow
Link = tuple[str, int, str]

JSON_HEADERS = {"Accept": "application/json"}
FRAGMENT_HEADERS = {"X-Requested-With": "XMLHttpRequest"}


class LegislatureSpider(CourtListMixin, ConfiguredSpider):
    """One document and one history request per tracked bill; HTML pages only when the API fails."""

    name = "legislature"

    def __init__(self, config: Config | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.outcomes: dict[BillRef, str] = {}
        self.depths: dict[BillRef, int] = {}  # every bill this crawl asked for, and how far
        self.via: dict[BillRef, str] = {}  # how a bill fetched by lineage was reached
        self.known: dict[BillRef, KnownBill] = {}  # what the database knows, read at start
        self.listed: dict[BillRef, Listed] = {}  # the committee filter's earlier judgements
        self.named: set[BillRef] = set()  # the measures' bills and their lineage: never dormant
        self.stricken: dict[BillRef, list[HistoryAction]] = {}  # rows the API showed struck
        self.now = utcnow()

    @property
    def refs(self) -> list[BillRef]:
        """The configured bills (lineage may add more during the crawl)."""
        assert self.config is not None
        return self.config.tracked_bills()

    def source_urls(self) -> list[str]:
        return [self.conf.legislature.api_url, self.conf.legislature.site_url]

    async def start(self) -> AsyncIterator[Any]:
        self.known, self.listed = self.load_known()
        depth = self.conf.legislature.lineage_depth
        self.named = named_bills(self.refs, self.known, depth)
        for court in self.conf.legislature.track_all:
            yield self.list_request(court)
        for ref in self.refs:
            self.depths.setdefault(ref, 0)
        for ref in list(self.depths):
            for request_or_item in self.bill_requests(ref):
                yield request_or_item

    def load_known(self) -> tuple[dict[BillRef, KnownBill], dict[BillRef, Listed]]:
        """The stored bills, with what decides how each is read again (one query per table),
        and the committee filter's judgements of listed documents."""
        url = self.settings.get("LEGISTRACK_DATABASE_URL") or self.conf.database_url
        engine = make_engine(url)
        try:
            ensure_schema(engine)
            with session_factory(engine)() as session:
                return load_known(session), load_listed(session, self.conf.legislature.track_all)
        finally:
            engine.dispose()

    def bill_requests(self, ref: BillRef, refresh: bool = False) -> Iterator[Any]:
        """How to read one bill: whole when new, history first when stored, or not at all."""
        known = self.known.get(ref)
        if known is None:
            yield self.document_request(ref)
            return
        dormancy = ref not in self.named and BillRef(ref.court, known.number) not in self.named
        decision = decide(known, self.conf.legislature.polling, self.now, dormancy)
        if decision.action != POLL and not refresh:
            self.outcomes[ref] = "skipped"
            yield BillSkipped(ref.court, known.number, f"{decision.action}: {decision.reason}")
            yield from self._follow(ref, known.followed)
            return
        yield self.history_request(ref, known, refresh)

    # --- the API -------------------------------------------------------------------------------

    def api_url(self, ref: BillRef, suffix: str = "") -> str:
        assert self.config is not None
        base = self.config.legislature.api_url
        return f"{base}/GeneralCourts/{ref.court}/Documents/{compact_number(ref.number)}{suffix}"

    def document_request(self, ref: BillRef, history: ReadHistory | None = None) -> scrapy.Request:
        """The document; `history` when it was read first (a stored bill whose history changed)."""
        return scrapy.Request(
            self.api_url(ref),
            headers=JSON_HEADERS,
            callback=self.parse_api_document,
            errback=self.api_failed,
            cb_kwargs={"ref": ref, "history": history},
            dont_filter=True,
        )

    def history_request(self, ref: BillRef, known: KnownBill, refresh: bool) -> scrapy.Request:
        """A stored bill's history, conditional when the source sent validators with it."""
        headers = dict(JSON_HEADERS)
        if known.etag and not refresh:  # a refresh reads it whole, whatever the validators say
            headers["If-None-Match"] = known.etag
        if known.last_modified and not refresh:
            headers["If-Modified-Since"] = known.last_modified
        return scrapy.Request(
            self.api_url(ref, "/DocumentHistoryActions"),
            headers=headers,
            callback=self.parse_known_history,
            errback=self.api_failed,
            cb_kwargs={"ref": ref, "known": known, "refresh": refresh},
            meta={"handle_httpstatus_list": [304]},
            dont_filter=True,
        )

    def parse_known_history(
        self, response: Response, ref: BillRef, known: KnownBill, refresh: bool
    ) -> Iterator[Any]:
        """304 or the same history: unchanged. Else the document is fetched, then saved."""
        if response.status == 304:
            headers = response.request.headers if response.request is not None else {}
            if b"If-None-Match" not in headers and b"If-Modified-Since" not in headers:
                yield from self.fallback(ref, f"API: HTTP 304 unasked for at {response.url}")
                return
            self.outcomes[ref] = "read"
            yield BillChecked(known.bill_id, ref.court, known.number, not_modified=True)
            yield from self._follow(ref, known.followed)
            return
        try:
            actions = self.read_history(ref, response)
        except (ParseError, AttributeError) as exc:
            yield from self.fallback(ref, f"API: {parse_failure(exc, response)}")
            return
        etag, modified = response_validators(response)
        if not refresh and known.history_hash == history_digest(actions) and actions:
            self.outcomes[ref] = "read"
            yield BillChecked(known.bill_id, ref.court, known.number, False, etag, modified)
            yield from self._follow(ref, _links(ref.court, actions, known.number))
            return
        yield self.document_request(ref, (actions, response.url, etag, modified))

    def parse_api_document(
        self, response: Response, ref: BillRef, history: ReadHistory | None = None
    ) -> Iterator[Any]:
        try:
            document = parse_document(strict_text(response), response.url)
            self._check_identity(
                ref, document.court, (document.bill_number, document.docket_number)
            )
        except (ParseError, AttributeError) as exc:
            yield from self.fallback(ref, f"API: {parse_failure(exc, response)}")
            return
        if history is not None:
            yield from self._api_item(ref, document, *history)
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
            actions = self.read_history(ref, response)
        except (ParseError, AttributeError) as exc:
            yield from self.fallback(ref, f"API: {parse_failure(exc, response)}")
            return
        yield from self._api_item(
            ref, document, actions, response.url, *response_validators(response)
        )

    def read_history(self, ref: BillRef, response: Response) -> list[HistoryAction]:
        """The rows of a history response (capped by crawl.max_history_rows); the rows shown
        stricken are kept aside, so that storage can tell a struck row from a lost one."""
        read = parse_history_rows(
            strict_text(response), response.url, self.conf.crawl.max_history_rows
        )
        if read.stricken:
            self.stricken[ref] = read.stricken
        else:
            self.stricken.pop(ref, None)
        return read.actions

    def _api_item(
        self,
        ref: BillRef,
        document: ApiDocument,
        actions: list[HistoryAction],
        fetched_from: str,
        etag: str | None,
        modified: str | None,
    ) -> Iterator[Any]:
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
                fetched_from=fetched_from,
                pinslip=document.pinslip,
                sponsor=document.sponsor,
                document_text=document.document_text,
                history_etag=etag,
                history_last_modified=modified,
                stricken=self.stricken.pop(ref, []),
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
            reason = f"{api_reason}; HTML page: {parse_failure(exc, response)}"
            yield self._failed(ref, reason, response.url)
            return
        yield self.fragment_request(ref, api_reason, page, response.url, 1, PagesRead())

    def fragment_request(
        self,
        ref: BillRef,
        api_reason: str,
        page: BillPage,
        page_url: str,
        number: int,
        pages: PagesRead,
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
                "pages": pages,
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
        pages: PagesRead,
    ) -> Iterator[Any]:
        try:
            fragment = parse_history_fragment(strict_text(response), response.url)
            pages.add(
                fragment, self.conf.crawl.max_requests_per_page, self.conf.crawl.max_history_rows
            )
            if number < fragment.last_page:
                yield self.fragment_request(ref, api_reason, page, page_url, number + 1, pages)
                return
            pages.check_complete(page_url, number)
        except (ParseError, AttributeError) as exc:
            yield self._failed(
                ref, f"{api_reason}; HTML history: {parse_failure(exc, response)}", response.url
            )
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
                actions=sort_actions(pages.actions),
                source="html",
                url=page_url,
                fetched_from=response.url,
                pinslip=page.pinslip,
                sponsor=page.facts.get("Sponsor") or page.facts.get("Presenter"),
                fallback_reason=api_reason,
                stricken=pages.stricken,
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
        number = item.bill_number or item.docket_number or item.tracked_number
        # Worked out before the item goes to storage, which then reads them from it.
        item.action_relations = lineage.relations_from_actions(item.court, item.actions, number)
        yield item
        yield from self._follow(ref, [(r.type, r.court, r.number) for r in item.action_relations])

    def _follow(self, ref: BillRef, links: Iterable[Link]) -> Iterator[Any]:
        """Read the bills `ref`'s relations lead to (new drafts, conference reports, the host a
        bill was folded into, amendment texts and the bill they amend, the other chamber's
        version): the proposal's own line to its end, the other relations within the configured
        depth (lineage.follow_depth); a bill read unchanged or skipped follows its stored ones.
        What a measure's bill leads to is read on every crawl, like that bill."""
        depth = self.depths.get(ref, 0)
        wanted: dict[BillRef, tuple[str, int]] = {}
        for kind, court, number in links:
            reached = lineage.follow_depth(kind, depth, self.conf.legislature.lineage_depth)
            target = BillRef(court, number)
            if reached is None:
                continue
            if ref in self.named:
                self.named.add(target)
            if target not in self.depths and target not in wanted:
                wanted[target] = (kind, reached)
        cap = self.conf.crawl.max_requests_per_page
        if len(wanted) > cap:
            message = (
                f"its history names {len(wanted)} bills to follow; only the first {cap} were "
                "followed (crawl.max_requests_per_page)"
            )
            yield Problem(ref.key, message, self.api_url(ref), kind="warning")
        for target, (kind, reached) in list(wanted.items())[:cap]:
            if target not in self.depths:
                self.depths[target] = reached
                self.via[target] = f"{ref.key} {kind}"
                self.logger.info("%s: following %s to %s", ref.key, kind, target.key)
                yield from self.bill_requests(target)

    def _failed(self, ref: BillRef, error: str, url: str) -> BillFailure:
        self.outcomes[ref] = "failed"
        return BillFailure(court=ref.court, tracked_number=ref.number, error=error, url=url)

    def unresolved(self) -> list[str]:
        """Bills asked for that got neither an item nor a recorded failure."""
        return [ref.key for ref in self.depths if ref not in self.outcomes]


# A history read before its document: (actions, the URL read, ETag, Last-Modified).
ReadHistory = tuple[list[HistoryAction], str, str | None, str | None]


def _links(court: int, actions: list[HistoryAction], number: str) -> list[Link]:
    found = lineage.relations_from_actions(court, actions, number)
    return [(r.type, r.court, r.number) for r in found]
