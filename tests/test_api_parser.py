"""The JSON API parsers: documents, histories, dates, and what they refuse."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.parsers.api import parse_document, parse_history
from crawler.parsers.dates import parse_api_date, parse_page_date
from crawler.parsers.errors import ParseError

SITE = Path(__file__).parent / "fixtures" / "site" / "api" / "GeneralCourts" / "999" / "Documents"
URL = "http://test/api/doc"


def test_document_fields() -> None:
    doc = parse_document((SITE / "HD2001.json").read_text(), URL)
    assert (doc.court, doc.bill_number, doc.docket_number) == (999, "H.2002", "HD.2001")
    assert doc.title == "An Act relative to made-up dockets"
    assert doc.sponsor == "Sam Placeholder"


def test_docket_only_document() -> None:
    record = json.loads((SITE / "HD2001.json").read_text())
    record["BillNumber"] = None
    doc = parse_document(json.dumps(record), URL)
    assert doc.bill_number is None and doc.docket_number == "HD.2001"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<!DOCTYPE html><html>Error</html>", "expected JSON, got an HTML page"),
        ("{trunc", "expected JSON, got not JSON"),
        ("[]", "expected a JSON object"),
        ('{"Title": "x"}', "lacks fields BillNumber, DocketNumber, GeneralCourtNumber"),
        (
            '{"Title": "x", "BillNumber": null, "DocketNumber": null, "GeneralCourtNumber": 999}',
            "neither BillNumber nor DocketNumber",
        ),
        (
            '{"Title": "x", "BillNumber": "Q12", "DocketNumber": null, "GeneralCourtNumber": 999}',
            "BillNumber 'Q12' is not a bill or docket number",
        ),
    ],
)
def test_document_refusals(body: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_document(body, URL)


def test_history_sorted_by_day_stricken_dropped() -> None:
    rows = parse_history((SITE / "S1003" / "DocumentHistoryActions.json").read_text(), URL)
    assert [r.action[:20] for r in rows] == [
        "Referred to the comm",
        "House concurred",
        "Committee recommende",
        "Read third and passe",
    ]
    assert [r.position for r in rows] == [1, 2, 3, 0]  # source order kept within a day


def test_same_day_rows_keep_page_order_even_against_their_times() -> None:
    body = json.dumps(
        [
            {
                "Date": "2025-01-02T15:00:00",
                "Branch": "House",
                "Action": "second",
                "IsStricken": False,
            },
            {
                "Date": "2025-01-02T09:00:00",
                "Branch": "House",
                "Action": "third",
                "IsStricken": False,
            },
            {
                "Date": "2025-01-01T09:00:00",
                "Branch": "House",
                "Action": "first",
                "IsStricken": False,
            },
        ]
    )
    assert [r.action for r in parse_history(body, URL)] == ["first", "second", "third"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"Date": 1}', "expected a JSON list"),
        ('[{"Date": "2025-01-01", "Branch": "House"}]', "row 0 lacks fields Action"),
        ('[{"Date": "yesterday", "Branch": "House", "Action": "x"}]', "row 0: unreadable date"),
        (
            '[{"Date": "2025-01-01", "Branch": "House", "Action": "  "}]',
            "row 0 has an empty Action",
        ),
    ],
)
def test_history_refusals(body: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_history(body, URL)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-02-27T10:38:52.3833333", datetime(2025, 2, 27, 15, 38, 52, 383333, tzinfo=UTC)),
        ("2025-07-01T10:38:52", datetime(2025, 7, 1, 14, 38, 52, tzinfo=UTC)),  # EDT
        ("2025-07-01T10:38", datetime(2025, 7, 1, 14, 38, tzinfo=UTC)),
        ("2025-07-01", datetime(2025, 7, 1, 4, 0, tzinfo=UTC)),
    ],
)
def test_api_dates_are_eastern(text: str, expected: datetime) -> None:
    assert parse_api_date(text) == expected


def test_page_dates() -> None:
    assert parse_page_date("3/29/2021") == datetime(2021, 3, 29, 4, tzinfo=UTC)
    with pytest.raises(ParseError):
        parse_page_date("13/45/2021")
