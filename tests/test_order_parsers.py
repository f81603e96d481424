"""Tests of the mass.gov executive-order parsers (real text renderings, constructed HTML pages)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crawler.parsers.errors import ParseError
from crawler.parsers.orders import (
    ADJUSTMENT_KINDS,
    Adjustment,
    OrderLink,
    OrderPage,
    parse_listing,
    parse_numbered_title,
    parse_order_page,
    parse_order_text,
)

MASSGOV = Path(__file__).parent / "fixtures" / "massgov"
SITE = "https://www.mass.gov"
URL_650 = (
    SITE + "/executive-orders/no-650-protecting-access-to-essential-services-and-keeping-"
    "massachusetts-communities-safe"
)
TITLE_650 = "Protecting Access to Essential Services and Keeping Massachusetts Communities Safe"
# Constructed URLs: the real slugs of these pages are not in the reference files.
URL_603 = SITE + "/executive-orders/no-603-rescinding-certain-executive-orders"
URL_646_DISABILITY = SITE + "/executive-orders/no-646-disability-policy-commission"
URL_646_COUNCIL = SITE + "/executive-orders/no-646-competitiveness-council"
URL_699 = SITE + "/executive-orders/no-699-constructed-test-order"
URL_361 = SITE + "/executive-orders/no-361-revoking-executive-orders-257-and-265"
LISTING_URL = SITE + "/law-library/massachusetts-executive-orders-600-699"

# No. 603's ten Rescinding rows, in the page's order (eo_603.txt).
RESCINDED_BY_603 = [566, 572, 576, 578, 579, 582, 591, 593, 543, 558]


def _read(name: str) -> str:
    return (MASSGOV / name).read_text(encoding="utf-8")


def _kinds(page: OrderPage) -> list[tuple[str, int | None]]:
    return [(a.kind, a.number) for a in page.adjustments]


# --- order pages (HTML) -----------------------------------------------------------------------

HTML_CASES: list[dict[str, Any]] = [
    {
        "file": "eo_650.html",
        "url": URL_650,
        "number": 650,
        "title": TITLE_650,
        "date": date(2026, 1, 29),
        "issuer": "Maura Healey",
        "mass_register": None,
        "adjustments": [],
        "paragraphs": 8,
    },
    {
        "file": "eo_603.html",
        "url": URL_603,
        "number": 603,
        "title": "Rescinding Certain Executive Orders",
        "date": date(2022, 12, 14),
        "issuer": "Charlie Baker",
        "mass_register": "No. 1486",
        "adjustments": [("rescinds", n) for n in RESCINDED_BY_603],
        "paragraphs": 6,
    },
    {
        "file": "eo_646_disability.html",
        "url": URL_646_DISABILITY,
        "number": 646,
        "title": "Constructed placeholder title (disability policy commission)",
        "date": date(2025, 10, 14),
        "issuer": "Maura Healey",
        "mass_register": "No. 646",
        "adjustments": [("revokes", 351)],
        "paragraphs": 7,
    },
    {
        "file": "eo_999_revoking_650.html",
        "url": URL_699,
        "number": 699,
        "title": "Constructed test order revoking No. 650",
        "date": date(2026, 12, 1),
        "issuer": "Made-up Issuer",
        "mass_register": None,
        "adjustments": [("revokes", 650)],
        "paragraphs": 3,
    },
]


@pytest.mark.parametrize("case", HTML_CASES, ids=[c["file"] for c in HTML_CASES])
def test_order_page_fields(case: dict[str, Any]) -> None:
    page = parse_order_page(_read(case["file"]), case["url"])
    assert page.number == case["number"]
    assert page.title == case["title"]
    assert page.date == case["date"]
    assert page.issuer == case["issuer"]
    assert page.mass_register == case["mass_register"]
    assert _kinds(page) == case["adjustments"]
    assert page.body.startswith("WHEREAS")
    assert len(page.body.split("\n\n")) == case["paragraphs"]


@pytest.mark.parametrize("case", HTML_CASES, ids=[c["file"] for c in HTML_CASES])
def test_order_page_body_is_whitespace_normalized_without_page_chrome(
    case: dict[str, Any],
) -> None:
    body = parse_order_page(_read(case["file"]), case["url"]).body
    for paragraph in body.split("\n\n"):
        assert paragraph == " ".join(paragraph.split())
        assert paragraph
    # Rich-text sections of the header's utility panels, the optional description, Downloads,
    # contact boxes and sidebar are page chrome.
    for chrome in (
        "A-Z Organizations",
        "top requested sites",
        "optional description",
        "Downloads",
        "Signed, official copy",
        "(617) 624-5293",
        "Upcoming Events",
    ):
        assert chrome not in body
    assert "Executive Order\xa0" not in body


def test_order_page_adjustment_urls_are_absolute() -> None:
    page = parse_order_page(_read("eo_603.html"), URL_603)
    assert len(page.adjustments) == 10
    for adjustment, number in zip(page.adjustments, RESCINDED_BY_603, strict=True):
        assert adjustment == Adjustment(
            kind="rescinds",
            label="Rescinding",
            number=number,
            url=f"{SITE}/executive-orders/no-{number}",
            text=f"Executive Order No. {number}",
        )

    (revokes_351,) = parse_order_page(
        _read("eo_646_disability.html"), URL_646_DISABILITY
    ).adjustments
    assert revokes_351 == Adjustment(
        "revokes", "Revoking", 351, f"{SITE}/executive-orders/no-351", "Executive Order 351"
    )

    (revokes_650,) = parse_order_page(_read("eo_999_revoking_650.html"), URL_699).adjustments
    assert revokes_650.url == URL_650
    assert revokes_650.text == "Executive Order No. 650"


def test_order_page_body_keeps_nested_list_items_as_paragraphs() -> None:
    paragraphs = parse_order_page(_read("eo_603.html"), URL_603).body.split("\n\n")
    assert (
        paragraphs[-2]
        == "The Executive Orders listed below are hereby rescinded effective immediately."
    )
    assert paragraphs[-1] == (
        "No. 566 - Order Constituting the Supreme Judicial Court Nominating Commission"
    )
    assert "§ 1, Art. 1" in paragraphs[3]


def test_order_page_section_numbers_stay_in_their_paragraph() -> None:
    body = parse_order_page(_read("eo_646_disability.html"), URL_646_DISABILITY).body
    assert body.split("\n\n")[-1].startswith(
        "Section 1. The Governor’s Special Advisory Commission on Disability Policy"
    )


def test_error_page_is_a_parse_error_naming_the_url() -> None:
    url = SITE + "/executive-orders/no-650-gone"
    with pytest.raises(ParseError, match=re.escape(url)) as caught:
        parse_order_page(_read("error_page.html"), url)
    assert "no executive-order heading" in str(caught.value)


def test_heading_without_listing_table_is_valid() -> None:
    html = re.sub(
        r'<div class="ma__listing-table">.*?</table>\s*</div>\s*</div>',
        "",
        _read("eo_650.html"),
        count=1,
        flags=re.DOTALL,
    )
    assert "ma__listing-table" not in html
    page = parse_order_page(html, URL_650)
    assert (page.number, page.title) == (650, TITLE_650)
    assert page.date is None
    assert page.issuer is None
    assert page.mass_register is None
    assert page.adjustments == ()
    assert page.body.startswith("WHEREAS")


def test_heading_alone_is_a_valid_page_with_an_empty_body() -> None:
    html = (
        '<main><section class="ma__page-header"><h1 class="ma__page-header__title">'
        '<span class="visually-hidden">Executive Order&nbsp;</span>No. 699: Made up</h1>'
        "</section></main>"
    )
    page = parse_order_page(html, URL_699)
    assert page == OrderPage(699, "Made up", None, None, None, "", ())


# Small constructed pages in the template's markup, for rows no fixture shows.
def _page(rows: list[tuple[str, str]], heading: str = "No. 699: Made up") -> str:
    cells = "".join(
        f'<tr><th scope="row">{label}</th><td class="ma__rich-text">'
        f'<span class="ma__listing-table__data-item">{value}</span></td></tr>'
        for label, value in rows
    )
    return (
        '<main><section class="ma__page-header"><div class="ma__page-header__category">'
        'Executive Order</div><h1 class="ma__page-header__title"><span class="visually-hidden">'
        f"Executive Order&nbsp;</span>{heading}</h1></section>"
        f'<div class="ma__listing-table"><div class="ma__listing-table__container"><table>{cells}'
        '</table></div></div><section class="ma__rich-text js-ma-rich-text"><p>WHEREAS, made up;'
        "</p></section></main>"
    )


@pytest.mark.parametrize(
    ("label", "value", "expected"),
    [
        (
            "Amended by:",
            '<a href="/executive-orders/no-379">Executive Order 379</a>',
            ("amended_by", 379),
        ),
        (
            "Revoked and Superseded by:",
            '<a href="#">Executive Order 564</a>',
            ("revoked_superseded_by", 564),
        ),
        ("Revoking and Superseding:", '<a href="/x">No. 538</a>', ("revokes_supersedes", 538)),
        (
            "Superseding:",
            '<a href="/executive-orders/no-538-title">see order</a>',
            ("supersedes", 538),
        ),
        ("Amending:", "Executive Order No. 12: Some title", ("amends", 12)),
        ("Revoked by:", '<a href="/a">Executive Order No. 700</a>', ("revoked_by", 700)),
        ("rescinded BY:", '<a href="/a">Executive Order No. 701</a>', ("rescinded_by", 701)),
        ("Superseded by", '<a href="/a">Executive Order No. 702</a>', ("superseded_by", 702)),
        ("Revoking:", "Executive Orders 257 and 265", ("revokes", None)),
    ],
)
def test_adjustment_labels(label: str, value: str, expected: tuple[str, int | None]) -> None:
    page = parse_order_page(_page([("Date:", "11/14/2016"), (label, value)]), URL_699)
    assert _kinds(page) == [expected]
    assert page.adjustments[0].label == label.rstrip(":")
    assert page.adjustments[0].kind in ADJUSTMENT_KINDS.values()


def test_adjustment_without_link_or_with_placeholder_href_has_no_url() -> None:
    html = _page(
        [
            ("Revoking:", '<a href="#">Executive Order No. 538</a>'),
            ("Superseding:", "Executive Order No. 538"),
        ]
    )
    assert [a.url for a in parse_order_page(html, URL_699).adjustments] == [None, None]


def test_issuer_lines_are_joined() -> None:
    html = _page([("Issuer:", "Charlie Baker, Governor<br />Karyn Polito, Lieutenant Governor")])
    page = parse_order_page(html, URL_699)
    assert page.issuer == "Charlie Baker, Governor; Karyn Polito, Lieutenant Governor"


def test_value_may_be_the_cell_text() -> None:
    html = _page([]).replace(
        "<table>",
        '<table><tr><th scope="row">Date:</th><td> 01/29/2026 </td></tr>'
        '<tr><th scope="row">Mass Register:</th><td>No. 9</td></tr>',
    )
    page = parse_order_page(html, URL_699)
    assert (page.date, page.mass_register) == (date(2026, 1, 29), "No. 9")


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (_page([], heading="Protecting Access"), "is not 'No. N: Title'"),
        (_page([("Date:", "January 29, 2026")]), "unreadable order date"),
        (_page([("Date:", "02/30/2026")]), "impossible order date"),
        (_page([("Date:", "01/29/2026"), ("Date:", "01/30/2026")]), "two different Date rows"),
        (
            _page([("Replacing:", '<a href="/a">Executive Order No. 5</a>')]),
            "unknown listing-table label",
        ),
        (_page([("Revoking:", "")]), "empty 'Revoking' row"),
        (
            _page([]).replace(">Executive Order</div>", ">Press Release</div>"),
            "not 'Executive Order'",
        ),
    ],
    ids=[
        "no-number",
        "date-format",
        "impossible-date",
        "two-dates",
        "unknown-label",
        "empty-row",
        "other-category",
    ],
)
def test_order_page_tripwires(html: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse_order_page(html, URL_699)
    assert URL_699 in str(caught.value)


@pytest.mark.parametrize(
    "value", ["Office of the Governor", '<a href="/orgs/office-of-the-governor">Governor</a>']
)
def test_unknown_row_without_an_order_is_ignored(value: str) -> None:
    page = parse_order_page(_page([("Related:", value)]), URL_699)
    assert page.adjustments == ()


def test_unknown_row_linking_an_order_page_is_a_parse_error() -> None:
    html = _page([("Replaced by:", '<a href="/executive-orders/no-700-x">see here</a>')])
    with pytest.raises(ParseError, match="unknown listing-table label 'Replaced by:'"):
        parse_order_page(html, URL_699)


# --- listing ----------------------------------------------------------------------------------


def test_listing_keeps_both_646_pages_ignores_navigation() -> None:
    links = parse_listing(_read("listing_600_699.html"), LISTING_URL)
    assert [link.number for link in links] == [603, 604, 612, 620, 646, 646, 647, 650]
    by_url = {link.url: link for link in links}
    assert len(by_url) == len(links)  # 650 is linked twice under one URL: kept once
    assert by_url[URL_646_DISABILITY].number == by_url[URL_646_COUNCIL].number == 646
    assert by_url[URL_650] == OrderLink(650, TITLE_650, URL_650)
    assert by_url[URL_603].title == "Rescinding Certain Executive Orders"
    assert all(link.url.startswith(SITE + "/executive-orders/no-") for link in links)
    # Non-breaking spaces in the link text.
    assert [link.title for link in links if link.number == 647] == [
        "Constructed placeholder title (order of 10/27/2025)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No. 650: Title", (650, "Title")),
        ("No. 650 - Title", (650, "Title")),
        ("No. 650 – Title", (650, "Title")),
        ("Executive Order No. 650: Title", (650, "Title")),
        ("No.\xa0650:\xa0Title", (650, "Title")),
        ("  No. 5: Production: war materials ", (5, "Production: war materials")),
        ("Executive orders No. 500 to 599", None),
        ("Massachusetts Executive Orders", None),
        ("No. 650", None),
        ("Table of Contents", None),
    ],
)
def test_numbered_title(text: str, expected: tuple[int, str] | None) -> None:
    assert parse_numbered_title(text) == expected


def test_link_variants_in_a_listing() -> None:
    html = (
        '<ul><li><a href="/executive-orders/no-1-a">Executive Order No. 1: A</a></li>'
        '<li><a href="https://www.mass.gov/executive-orders/no-2-b#top">No. 2 - B</a></li>'
        '<li><a href="/executive-orders/no-2-b">No. 2 - B again</a></li>'
        '<li><a href="/executive-orders/no-3-c">No.&nbsp;3:&nbsp;C</a></li>'
        '<li><a href="#no-4">No. 4: D</a></li><li><a href="/contact">Contact</a></li></ul>'
    )
    assert parse_listing(html, LISTING_URL) == [
        OrderLink(1, "A", SITE + "/executive-orders/no-1-a"),
        OrderLink(2, "B", SITE + "/executive-orders/no-2-b"),
        OrderLink(3, "C", SITE + "/executive-orders/no-3-c"),
    ]


def test_real_listing_titles_match_the_link_pattern() -> None:
    """Every `- No. N: ...` line of the real first-series binder text reads as (N, title)."""
    lines = [
        line[2:]
        for line in _read("eo_listing_binder_first_series.txt").splitlines()
        if line.startswith("- No. ")
    ]
    parsed = [parse_numbered_title(line) for line in lines]
    assert [p[0] for p in parsed if p] == list(range(1, 18))
    assert parsed[0] == (1, "(1st Series) Creating a state and local civil defense organization")
    assert parsed[4] is not None and parsed[4][1].startswith(
        "(1st Series) Production and transportation of war materials: Commissioner"
    )


@pytest.mark.parametrize("name", ["error_page.html", "eo_650.html"])
def test_listing_without_order_links_is_a_parse_error(name: str) -> None:
    with pytest.raises(ParseError, match=re.escape(LISTING_URL)):
        parse_listing(_read(name), LISTING_URL)


# --- text renderings --------------------------------------------------------------------------

TEXT_CASES: list[dict[str, Any]] = [
    {
        "file": "eo_650.txt",
        "url": URL_650,
        "number": 650,
        "title": TITLE_650,
        "date": date(2026, 1, 29),
        "issuer": "Maura Healey",
        "mass_register": None,
        "adjustments": [],
    },
    {
        "file": "eo_603.txt",
        "url": URL_603,
        "number": 603,
        "title": "Rescinding Certain Executive Orders",
        "date": date(2022, 12, 14),
        "issuer": "Charlie Baker",
        "mass_register": "No. 1486",
        "adjustments": [("rescinds", n) for n in RESCINDED_BY_603],
    },
    {
        # Table style without a title line: number and stand-in title come from the URL.
        "file": "eo_646_disability-policy.txt",
        "url": URL_646_DISABILITY,
        "number": 646,
        "title": "disability policy commission",
        "date": date(2025, 10, 14),
        "issuer": "Maura Healey",
        "mass_register": "No. 646",
        "adjustments": [("revokes", 351)],
    },
    {
        "file": "eo_361.txt",
        "url": URL_361,
        "number": 361,
        "title": "Revoking Executive Orders 257 and 265",
        "date": date(1993, 10, 18),
        "issuer": "William F. Weld",
        "mass_register": "No. 725",
        "adjustments": [("revokes", 257), ("revokes", 265)],
    },
]


@pytest.mark.parametrize("case", TEXT_CASES, ids=[c["file"] for c in TEXT_CASES])
def test_order_text_fields(case: dict[str, Any]) -> None:
    page = parse_order_text(_read(case["file"]), case["url"])
    assert page.number == case["number"]
    assert page.title == case["title"]
    assert page.date == case["date"]
    assert page.issuer == case["issuer"]
    assert page.mass_register == case["mass_register"]
    assert _kinds(page) == case["adjustments"]
    assert all(a.url is None for a in page.adjustments)  # text carries no links
    assert page.body.startswith("WHEREAS")
    assert "Table of Contents" not in page.body
    for paragraph in page.body.split("\n\n"):
        assert paragraph and paragraph == " ".join(paragraph.split())


def test_order_text_rows_keep_label_and_text() -> None:
    page = parse_order_text(_read("eo_646_disability-policy.txt"), URL_646_DISABILITY)
    assert page.adjustments == (
        Adjustment("revokes", "Revoking", 351, None, "Executive Order 351"),
    )


def test_order_text_body_stops_at_page_chrome() -> None:
    body = parse_order_text(_read("eo_361.txt"), URL_361).body
    assert body.split("\n\n")[-1] == "Secretary of the Commonwealth"
    assert "Contact" not in body
    assert "Help Us Improve" not in body


def test_order_text_body_matches_html_body() -> None:
    """The eight WHEREAS paragraphs read the same from the text and from the constructed page."""
    from_text = parse_order_text(_read("eo_650.txt"), URL_650).body.split("\n\n")
    from_html = parse_order_page(_read("eo_650.html"), URL_650).body.split("\n\n")
    assert from_text[:8] == from_html
    assert from_text[8].startswith("NOW, THEREFORE, I, Maura T. Healey")  # truncated in the copy


def test_order_text_list_items_are_paragraphs() -> None:
    paragraphs = parse_order_text(_read("eo_603.txt"), URL_603).body.split("\n\n")
    assert "1. The Executive Orders listed below are hereby rescinded effective immediately." in (
        paragraphs
    )
    assert "No. 566 - Order Constituting the Supreme Judicial Court Nominating Commission" in (
        paragraphs
    )


@pytest.mark.parametrize(
    ("text", "url", "message"),
    [
        # Table style without a title line, and a URL that carries no number.
        ("| Date: | 10/14/2025 |\n|---|---|\nWHEREAS, x;", SITE + "/info-details/x", "no 'No. N"),
        # A number in the URL but nothing of an order in the text (an error page's text).
        ("Sorry, something went wrong.", URL_646_DISABILITY, "not an executive-order text"),
        ("No. 699: Made up\nDate: 13/45/2026\nWHEREAS, x;", URL_699, "impossible order date"),
        ("No. 699: Made up\nReplacing: Executive Order 5\nWHEREAS, x;", URL_699, "unknown"),
    ],
    ids=["no-number", "error-text", "bad-date", "unknown-label"],
)
def test_order_text_tripwires(text: str, url: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse_order_text(text, url)
    assert url in str(caught.value)


def test_order_text_passive_rows() -> None:
    text = (
        "Executive Order\n\nExecutive Order  No. 699: Made up\n\nDate: 12/01/2026\n"
        "Amended by: Executive Order 700\nRevoked and Superseded by: Executive Order 701\n\n"
        "Table of Contents\n\nWHEREAS, made up;\n\nSection 1. Date: not a field here.\n"
    )
    page = parse_order_text(text, URL_699)
    assert _kinds(page) == [("amended_by", 700), ("revoked_superseded_by", 701)]
    assert page.body == "WHEREAS, made up;\n\nSection 1. Date: not a field here."
