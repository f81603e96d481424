"""Tests of the HTML bill page and BillHistory fragment parsers (constructed fixtures)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.items import HistoryAction
from crawler.parsers.bill_page import (
    BillPage,
    HistoryPage,
    parse_bill_page,
    parse_history_fragment,
)
from crawler.parsers.errors import ParseError

FIXTURES = Path(__file__).parent / "fixtures"
HTML = FIXTURES / "html"
URL_3190 = "https://malegislature.gov/Bills/192/H3190"
URL_1001 = "https://malegislature.gov/Bills/999/H1001"

# The 16 rows of 192 H3190 in shared/reference/malegislature/actions_sample.tsv, in its order:
# (date as shown, branch, action).
H3190_ROWS = [
    (
        "3/29/2021",
        "House",
        "Referred to the committee on State Administration and Regulatory Oversight",
    ),
    ("3/29/2021", "Senate", "Senate concurred"),
    (
        "6/1/2021",
        "Joint",
        "Hearing scheduled for 06/09/2021 from 10:00 AM-12:00 PM in Virtual Hearing",
    ),
    (
        "9/9/2021",
        "Joint",
        "Hearing scheduled for 09/14/2021 from 12:30 PM-02:30 PM in Virtual Hearing",
    ),
    (
        "9/16/2021",
        "House",
        "Bill reported favorably by committee and referred to the committee on "
        "House Steering, Policy and Scheduling",
    ),
    (
        "9/22/2021",
        "House",
        "Committee reported that the matter be placed in the Orders of the Day for the next "
        "sitting for a second reading",
    ),
    ("9/23/2021", "House", "Read second and ordered to a third reading"),
    ("10/14/2021", "House", "Read third (title changed) and passed to be engrossed"),
    ("10/21/2021", "Senate", "Read; and referred to the committee on Senate Rules"),
    (
        "4/21/2022",
        "Senate",
        "Committee reported that the matter be placed in the Orders of the Day for the next "
        "session",
    ),
    ("4/21/2022", "Senate", "Accompanied by S2028"),
    ("4/21/2022", "Senate", "Rules suspended"),
    (
        "4/21/2022",
        "Senate",
        "Read second, ordered to a third reading, read third and passed to be engrossed",
    ),
    ("4/25/2022", "House", "Enacted"),
    ("4/25/2022", "Senate", "Enacted and laid before the Governor"),
    ("4/29/2022", "Executive", "Signed by the Governor, Chapter 54 of the Acts of 2022"),
]


def _read(name: str) -> str:
    return (HTML / name).read_text(encoding="utf-8")


def _h3190_pages() -> tuple[HistoryPage, HistoryPage]:
    return (
        parse_history_fragment(_read("history_192_H3190_page1.html"), URL_3190 + "/BillHistory"),
        parse_history_fragment(
            _read("history_192_H3190_page2.html"), URL_3190 + "/BillHistory?pageNumber=2"
        ),
    )


def _us_date(text: str) -> datetime:
    month, day, year = (int(part) for part in text.split("/"))
    return datetime(year, month, day)


def _fragment(rows: str, displaying: str = "Displaying 1 actions for Bill H.1001") -> str:
    return f"<div><p>{displaying}</p><table><tbody>{rows}</tbody></table></div>"


# --- bill page ---------------------------------------------------------------------------------


def test_h3190_bill_page_without_title() -> None:
    page = parse_bill_page(_read("bill_192_H3190.html"), URL_3190)
    assert page == BillPage(number="H.3190", title=None, pinslip=None, facts={})


def test_made_up_bill_page_with_title_pinslip_and_facts() -> None:
    page = parse_bill_page(_read("bill_999_H1001.html"), URL_1001)
    assert page.number == "H.1001"
    assert page.title == "An Act relative to constructed test fixtures"
    assert page.pinslip is not None
    assert page.pinslip.startswith("By Representative Example of Testville, a petition")
    assert page.facts == {
        "Sponsor": "Pat Example",
        "Presenters": "Pat Example, Sam Placeholder",
        "Status": "Referred to Joint Committee on the Judiciary",
    }


@pytest.mark.parametrize(
    ("heading", "number"),
    [
        ("Bill H.3190", "H.3190"),
        ("Docket HD.123", "HD.123"),
        ("S.45", "S.45"),
        ("  Bill\n   S 7 ", "S.7"),
        ('Bill H.3190 <span class="subTitle">192nd (2021 - 2022)</span>', "H.3190"),
    ],
)
def test_heading_spellings(heading: str, number: str) -> None:
    html = f'<div id="contentContainer"><div class="row followable"><h1>{heading}</h1></div></div>'
    assert parse_bill_page(html, "u").number == number


def test_empty_title_and_pinslip_are_none() -> None:
    html = (
        '<div id="contentContainer"><div><div class="followable"><h1>Bill H.5</h1></div>'
        '<div><h2>  </h2><p id="pinslip"></p></div></div></div>'
    )
    page = parse_bill_page(html, "u")
    assert page.title is None
    assert page.pinslip is None


def test_error_page_with_status_200_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="followable") as caught:
        parse_bill_page(_read("error_page_status200.html"), URL_3190)
    assert URL_3190 in str(caught.value)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<<< garbage, not a web page at all >>>",
        "\x00\x01binary\xff",
        "<h1>Bill H.3190</h1>",  # a heading, but not inside div.followable
        '<div class="follow"><h1>Bill H.3190</h1></div>',
    ],
)
def test_pages_without_the_heading_are_parse_errors(html: str) -> None:
    with pytest.raises(ParseError, match=r"no bill heading \(div\.followable h1\)"):
        parse_bill_page(html, URL_3190)


@pytest.mark.parametrize("heading", ["Bill", "Bill X.12", "An error occurred", "Bill H.3190a"])
def test_heading_without_a_number_is_a_parse_error(heading: str) -> None:
    html = f'<div class="followable"><h1>{heading}</h1></div>'
    with pytest.raises(ParseError, match="no bill or docket number") as caught:
        parse_bill_page(html, URL_3190)
    assert URL_3190 in str(caught.value)


# --- history fragment --------------------------------------------------------------------------


def test_h3190_history_two_pages() -> None:
    first, second = _h3190_pages()
    assert (first.last_page, second.last_page) == (2, 2)
    assert (first.declared_count, second.declared_count) == (16, 16)
    assert [a.position for a in first.actions] == list(range(8))
    assert [a.position for a in second.actions] == list(range(8))

    actions = first.actions + second.actions
    assert len(actions) == 16
    assert actions[0] == HistoryAction(
        date=datetime(2021, 3, 29, 4, 0, tzinfo=UTC),
        branch="House",
        action="Referred to the committee on State Administration and Regulatory Oversight",
        position=0,
    )
    assert actions[-1] == HistoryAction(
        date=datetime(2022, 4, 29, 4, 0, tzinfo=UTC),
        branch="Executive",
        action="Signed by the Governor, Chapter 54 of the Acts of 2022",
        position=7,
    )
    got = [(a.branch, a.action) for a in actions]
    assert got == [(branch, action) for _, branch, action in H3190_ROWS]


def test_h3190_history_dates_are_utc_aware_eastern_midnight() -> None:
    actions = [a for page in _h3190_pages() for a in page.actions]
    assert actions[0].date.isoformat() == "2021-03-29T04:00:00+00:00"
    for action, (shown, _, _) in zip(actions, H3190_ROWS, strict=True):
        assert action.date.utcoffset() == timedelta(0)
        # All of these dates fall in daylight time: Eastern midnight is 04:00 UTC.
        assert action.date == _us_date(shown).replace(hour=4, tzinfo=UTC)


def test_h3190_history_matches_project_tsv_copy_when_present() -> None:
    """Cross-check with tests/fixtures/actions_sample.tsv, kept by another part of the project."""
    path = FIXTURES / "actions_sample.tsv"
    if not path.exists():
        pytest.skip("tests/fixtures/actions_sample.tsv not present")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    needed = {"general_court", "bill", "date_as_shown", "branch", "action"}
    if not rows or not needed <= set(rows[0]):
        pytest.skip("actions_sample.tsv has other columns than the reference copy")
    expected = [
        (r["date_as_shown"], r["branch"], r["action"])
        for r in rows
        if r["general_court"] == "192" and r["bill"] == "H3190"
    ]
    assert expected == H3190_ROWS


def test_made_up_history_keeps_link_text_and_collapses_blanks() -> None:
    page = parse_history_fragment(_read("history_999_H1001.html"), URL_1001 + "/BillHistory")
    assert page.last_page == 1
    assert page.declared_count == 4
    assert [a.action for a in page.actions] == [
        "Referred to the committee on the Judiciary",
        "Senate concurred",
        "Hearing scheduled for 03/11/2025 from 10:00 AM-12:00 PM in Virtual Hearing",
        "Accompanied a new draft, see H1002",
    ]
    assert page.actions[2].date == datetime(2025, 3, 4, 5, 0, tzinfo=UTC)  # EST: UTC-5


def test_empty_history_is_valid() -> None:
    page = parse_history_fragment(_read("history_999_empty.html"), "u")
    assert page == HistoryPage(actions=[], last_page=1, declared_count=0)


def test_displaying_zero_without_a_table_is_valid() -> None:
    page = parse_history_fragment("<div><p>Displaying 0 actions for Bill H.1003</p></div>", "u")
    assert page == HistoryPage(actions=[], last_page=1, declared_count=0)


def test_table_missing_is_a_parse_error() -> None:
    html = "<div><p>An error occurred while processing your request.</p></div>"
    with pytest.raises(ParseError, match="history table not found") as caught:
        parse_history_fragment(html, URL_3190)
    assert URL_3190 in str(caught.value)


def test_empty_tbody_without_displaying_zero_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no rows"):
        parse_history_fragment("<table><tbody></tbody></table>", "u")


def test_no_rows_when_actions_are_declared_is_a_parse_error() -> None:
    html = _fragment("", displaying="Displaying 16 actions for Bill H.3190")
    with pytest.raises(ParseError, match="16 declared"):
        parse_history_fragment(html, "u")


def test_rows_when_zero_declared_is_a_parse_error() -> None:
    html = _fragment(
        "<tr><td>1/2/2025</td><td>House</td><td>Enacted</td></tr>",
        displaying="Displaying 0 actions for Bill H.1001",
    )
    with pytest.raises(ParseError, match="Displaying 0 actions"):
        parse_history_fragment(html, "u")


def test_bad_date_is_a_parse_error_naming_url_and_row() -> None:
    html = _fragment(
        "<tr><td>1/2/2025</td><td>House</td><td>Enacted</td></tr>"
        "<tr><td>2025-01-03</td><td>Senate</td><td>Enacted</td></tr>",
        displaying="Displaying 2 actions for Bill H.1001",
    )
    with pytest.raises(ParseError, match=r"history row 1: unreadable date") as caught:
        parse_history_fragment(html, URL_1001)
    assert URL_1001 in str(caught.value)


@pytest.mark.parametrize(
    ("row", "fault"),
    [
        ("<td>1/2/2025</td><td>House</td>", "2 cells, expected 3"),
        ("<td>1/2/2025</td><td>House</td><td>Enacted</td><td>x</td>", "4 cells, expected 3"),
        ("<td>1/2/2025</td><td>House</td><td>  <a href='#'> </a> </td>", "empty action"),
        ("<td></td><td>House</td><td>Enacted</td>", "unreadable date ''"),
        ("<td>13/45/2025</td><td>House</td><td>Enacted</td>", "unreadable date '13/45/2025'"),
        ("<th>1/2/2025</th><th>House</th><th>Enacted</th>", "0 cells, expected 3"),
    ],
)
def test_malformed_rows_are_parse_errors(row: str, fault: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_history_fragment(_fragment(f"<tr>{row}</tr>"), URL_1001)
    assert str(caught.value) == f"{URL_1001}: history row 0: {fault}"


@pytest.mark.parametrize("tag", ["s", "del", "strike"])
def test_stricken_rows_are_skipped(tag: str) -> None:
    html = _fragment(
        "<tr><td>1/2/2025</td><td>House</td>"
        "<td>Referred to the committee on the Judiciary</td></tr>"
        f"<tr><td>1/3/2025</td><td>House</td><td> <{tag}>Enacted</{tag}> </td></tr>"
        "<tr><td>1/4/2025</td><td>Senate</td><td>Senate concurred</td></tr>",
        displaying="Displaying 3 actions for Bill H.1001",
    )
    page = parse_history_fragment(html, "u")
    assert [(a.position, a.action) for a in page.actions] == [
        (0, "Referred to the committee on the Judiciary"),
        (2, "Senate concurred"),
    ]


def test_partly_struck_action_is_kept_whole() -> None:
    html = _fragment("<tr><td>1/2/2025</td><td>House</td><td>Enacted <s>and laid</s></td></tr>")
    assert parse_history_fragment(html, "u").actions[0].action == "Enacted and laid"


def test_displaying_range_form_counts_the_total() -> None:
    html = _fragment(
        "<tr><td>1/2/2025</td><td>House</td><td>Enacted</td></tr>",
        displaying="Displaying 11 to 11 of 11 actions for Bill H.1001",
    )
    assert parse_history_fragment(html, "u").declared_count == 11


def test_pagination_without_page_numbers_is_a_parse_error() -> None:
    html = _fragment("<tr><td>1/2/2025</td><td>House</td><td>Enacted</td></tr>") + (
        '<ul class="pagination-sm"><li><a href="#">1</a></li></ul>'
    )
    with pytest.raises(ParseError, match="pagination-sm"):
        parse_history_fragment(html, "u")


def test_last_page_falls_back_to_highest_number_shown() -> None:
    html = _fragment("<tr><td>1/2/2025</td><td>House</td><td>Enacted</td></tr>") + (
        '<ul class="pagination pagination-sm">'
        '<li><a onclick="return reloadAjaxContent(1);">1</a></li>'
        '<li><a onclick="return reloadAjaxContent(3);">3</a></li>'
        '<li class="disabled"><a href="#">&raquo;</a></li></ul>'
    )
    assert parse_history_fragment(html, "u").last_page == 3
