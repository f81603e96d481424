"""The benchmark's synthetic court and its server: determinism, parsing, validators, counts."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from datetime import date

import pytest

from benchmarks.court_server import CourtServer
from benchmarks.synthetic_court import SyntheticCourt, verify
from crawler.parsers.api import parse_document_list

DOCUMENTS = 300
API = "/api/GeneralCourts/999/Documents"
REFERENCE = re.compile(
    r"see (?P<see>[HS]\d+)|Accompanied by (?P<by>[HS]\d+)|(?P<chamber>House|Senate) document"
    r" numbered (?P<digits>\d+)"
)


@pytest.fixture(scope="module")
def court() -> SyntheticCourt:
    return SyntheticCourt(DOCUMENTS, seed=3)


def serve(mode: str) -> CourtServer:
    return CourtServer(SyntheticCourt(DOCUMENTS, seed=3), delay=0.0, validators=mode)


class Client:
    """One keep-alive connection to a running server."""

    def __init__(self, server: CourtServer) -> None:
        host, port = server.url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=10)

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        self.connection.request("GET", path, headers=headers or {})
        response = self.connection.getresponse()
        return response.status, response.headers, response.read()

    def json(self, path: str) -> object:
        status, _, body = self.get(path)
        assert status == 200, path
        return json.loads(body)


@pytest.fixture
def client() -> Iterator[Client]:
    with serve("both").running() as server:
        yield Client(server)


def test_same_seed_same_court_other_seed_other_court(court: SyntheticCourt) -> None:
    again = SyntheticCourt(DOCUMENTS, seed=3)
    assert again.summaries() == court.summaries()
    for number in court.numbers():
        assert again.document(number) == court.document(number)
        assert again.history(number) == court.history(number)
    other = SyntheticCourt(DOCUMENTS, seed=4)
    assert [other.history(n) for n in other.numbers()] != [
        court.history(n) for n in court.numbers()
    ]


def test_every_document_and_history_parses_with_the_real_parsers(court: SyntheticCourt) -> None:
    assert verify(court) == DOCUMENTS
    summaries, problems = parse_document_list(json.dumps(court.summaries()), API, 999)
    assert problems == []
    assert [s.number.replace(".", "") for s in summaries] == court.numbers()


def test_numbers_titles_and_histories_look_like_a_court(court: SyntheticCourt) -> None:
    numbers = court.numbers()
    assert len(numbers) == len(set(numbers)) == DOCUMENTS
    prefixes = {re.sub(r"\d", "", n) for n in numbers}
    assert prefixes == {"H", "S", "HD", "SD"}
    for summary in court.summaries():
        assert summary["Title"].startswith("An Act relative to ")
        if summary["BillNumber"] is None:
            assert re.fullmatch(r"[HS]D\d+", summary["DocketNumber"])
    for number in numbers:
        rows = court.history(number)
        assert rows is not None
        assert 5 <= len(rows) <= 60
        for row in rows:
            assert set(row) == {"Date", "Branch", "Action", "IsStricken"}
            assert row["Branch"] in ("House", "Senate", "Joint", "Executive")
            assert date(2025, 1, 6) <= date.fromisoformat(row["Date"][:10]) <= date(2026, 11, 30)


def test_references_point_to_documents_of_the_same_court(court: SyntheticCourt) -> None:
    numbers = set(court.numbers())
    found = 0
    for number in court.numbers():
        for row in court.history(number) or []:
            for match in REFERENCE.finditer(row["Action"]):
                cited = match["see"] or match["by"] or f"{match['chamber'][0]}{match['digits']}"
                assert cited in numbers and cited != number, row["Action"]
                found += 1
    assert found > 0


def test_the_server_serves_list_document_and_history(client: Client, court: SyntheticCourt) -> None:
    assert client.json(API) == court.summaries()
    number = court.numbers()[7]
    status, headers, body = client.get(f"{API}/{number}")
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    assert json.loads(body) == court.document(number)
    assert client.json(f"{API}/{number}/DocumentHistoryActions") == court.history(number)
    for path in (f"{API}/H99999", f"{API}/H99999/DocumentHistoryActions", "/elsewhere"):
        assert client.get(path)[0] == 404


@pytest.mark.parametrize("mode", ["both", "etag", "last-modified"])
def test_revalidation_answers_304_without_a_body(mode: str) -> None:
    with serve(mode).running() as server:
        client = Client(server)
        for path in (API, f"{API}/S3", f"{API}/S3/DocumentHistoryActions"):
            _, headers, _ = client.get(path)
            assert ("ETag" in headers) == (mode != "last-modified")
            assert ("Last-Modified" in headers) == (mode != "etag")
            asks = {}
            if headers["ETag"]:
                asks["If-None-Match"] = headers["ETag"]
            if headers["Last-Modified"]:
                asks["If-Modified-Since"] = headers["Last-Modified"]
            for name, value in asks.items():
                status, answer, body = client.get(path, {name: value})
                assert (status, body) == (304, b"")
                assert "Content-Length" not in answer
            assert client.get(path, {"If-None-Match": '"other"'})[0] == 200
            status, _, body = client.get(path)  # the connection is still good after a 304
            assert status == 200 and body


def test_mode_none_sends_no_validators_and_never_304() -> None:
    with serve("none").running() as server:
        client = Client(server)
        path = f"{API}/H2/DocumentHistoryActions"
        status, headers, _ = client.get(path)
        assert status == 200
        assert "ETag" not in headers and "Last-Modified" not in headers
        asks = {"If-None-Match": "*", "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
        assert client.get(path, asks)[0] == 200


def test_mutate_changes_exactly_the_chosen_histories_and_their_validators() -> None:
    with serve("both").running() as server:
        client = Client(server)
        before = {}
        for number in server.court.numbers():
            path = f"{API}/{number}/DocumentHistoryActions"
            _, headers, body = client.get(path)
            before[number] = (json.loads(body), headers["ETag"], headers["Last-Modified"])
        answer = client.json("/_bench/mutate?fraction=0.05&seed=11")
        assert isinstance(answer, dict)
        changed = set(answer["numbers"])
        assert answer["changed"] == len(changed) == 15
        assert changed == set(SyntheticCourt(DOCUMENTS, seed=3).mutate(0.05, 11))
        for number, (rows, etag, modified) in before.items():
            path = f"{API}/{number}/DocumentHistoryActions"
            status, headers, body = client.get(
                path, {"If-None-Match": etag, "If-Modified-Since": modified}
            )
            if number not in changed:
                assert status == 304
                continue
            assert status == 200 and headers["ETag"] != etag
            now = json.loads(body)
            assert now[:-1] == rows and len(now) == len(rows) + 1
            assert now[-1]["Date"][:10] > max(row["Date"][:10] for row in rows)
            status, _, _ = client.get(path, {"If-Modified-Since": modified})
            assert status == 200
            status, _, _ = client.get(f"{API}/{number}", {"If-Modified-Since": modified})
            assert status == 200  # same document body, but a later change time


def test_counts_are_by_kind_and_status_and_leave_out_control_requests(client: Client) -> None:
    client.json("/_bench/reset")
    client.get(API)
    _, headers, _ = client.get(f"{API}/H1")
    client.get(f"{API}/H1", {"If-None-Match": headers["ETag"]})
    client.get(f"{API}/H1/DocumentHistoryActions")
    client.get(f"{API}/H99999/DocumentHistoryActions")
    client.get("/robots.txt")
    client.json("/_bench/stats")
    stats = client.json("/_bench/stats")
    assert isinstance(stats, dict)
    assert stats["requests"] == {
        "document": {"200": 1, "304": 1},
        "history": {"200": 1, "404": 1},
        "list": {"200": 1},
        "other": {"404": 1},
    }
    assert stats["total"] == 6
    client.json("/_bench/reset")
    stats = client.json("/_bench/stats")
    assert isinstance(stats, dict)
    assert stats["total"] == 0 and stats["requests"] == {}
