"""Web notes read from pages: main text without menus, the page's own date (newest modification
first, with its source), the edit link; sitemaps; the `[[notes.sites]]` config; a Note built."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from crawler.parsers.errors import ParseError
from crawler.parsers.webnote import parse_page, parse_sitemap
from crawler.spiders.notes import listed
from models.config import ConfigError, NoteSite, parse_config
from models.notes.web import note_from_page

SITE = Path(__file__).parent / "fixtures" / "notes_site" / "notes-site"
EDITS = Path(__file__).parent / "fixtures" / "notes_site_edits"
BASE = "http://notes.example.org/notes-site/"


def read(name: str, folder: Path = SITE) -> str:
    return (folder / name).read_text(encoding="utf-8")


def test_wiki_entry_text_date_from_last_updated_line_and_edit_link() -> None:
    page = parse_page(read("wiki/s1003.html"), BASE + "wiki/s1003")
    assert page.title == "Made-up Senate bill S.1003"
    assert "S.1003 is in committee." in page.text
    for chrome in ("Recent changes", "Log in", "Report an issue", "Privacy", "Edit this entry"):
        assert chrome not in page.text
    assert (page.date, page.date_source) == (date(2025, 6, 1), "'Last updated:' text")
    assert page.edit_url == BASE + "wiki/s1003/edit"


def test_blog_post_dated_by_json_ld_modification_not_its_publication() -> None:
    page = parse_page(read("blog/vendor-contracts-roundup.html"), BASE + "blog/x")
    assert (page.date, page.date_source) == (date(2025, 6, 2), "JSON-LD dateModified")
    kinds = {(d.source, d.kind, d.day) for d in page.dates}
    assert ("meta article:published_time", "published", date(2025, 5, 20)) in kinds
    assert ("<time datetime>", "published", date(2025, 5, 20)) in kinds
    assert "S 1003 passed the Senate in May 2025" in page.text
    assert "Popular posts" not in page.text and "Subscribe" not in page.text
    assert page.edit_url is None


def test_static_page_dated_by_article_modified_time() -> None:
    page = parse_page(read("pages/reading-list.html"), BASE + "pages/reading-list")
    assert (page.date, page.date_source) == (date(2025, 4, 2), "meta article:modified_time")
    assert "Retention schedules" in page.text and "no rights reserved" not in page.text


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # the newest modification wins over an older one, whatever its source
        ('<meta property="article:modified_time" content="2026-01-05T10:00:00Z">',
         "<p>Last updated: March 3, 2026</p>", (date(2026, 3, 3), "'Last updated:' text")),
        # a timestamp late in the evening UTC is the day before in Eastern time
        ('<meta property="article:modified_time" content="2026-04-13T02:30:00+00:00">', "",
         (date(2026, 4, 12), "meta article:modified_time")),
        # <time> marked as the update
        ("", '<p>Updated <time class="updated" datetime="2026-02-01">Feb 1</time></p>'
             '<p><time datetime="2025-12-01">Dec 1</time></p>',
         (date(2026, 2, 1), "<time datetime> marked updated")),
        # publication only
        ('<script type="application/ld+json">{"datePublished": "2025-11-30"}</script>', "",
         (date(2025, 11, 30), "JSON-LD datePublished")),
        # nothing: undated
        ("", "", (None, None)),
        # broken JSON-LD is skipped, not fatal
        ('<script type="application/ld+json">{not json</script>', "", (None, None)),
    ],
)  # fmt: skip
def test_page_dates(head: str, body: str, expected: tuple[date | None, str | None]) -> None:
    filler = "<p>" + "A constructed paragraph about nothing in particular. " * 8 + "</p>"
    html = f"<html><head>{head}</head><body><article>{filler}{body}</article></body></html>"
    page = parse_page(html, BASE + "x")
    assert (page.date, page.date_source) == expected


def test_a_page_without_main_text_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no main text"):
        parse_page("<html><head><title>Blank</title></head><body> </body></html>", BASE + "x")


def test_sitemap_urlset_and_index() -> None:
    body = read("sitemap.xml").replace("REPLAY", "http://notes.example.org").encode()
    sitemap = parse_sitemap(body, BASE + "sitemap.xml")
    assert [(e.url, e.lastmod) for e in sitemap.pages] == [
        ("http://notes.example.org/notes-site/wiki/s1003", "2025-06-01"),
        ("http://notes.example.org/notes-site/blog/vendor-contracts-roundup",
         "2025-06-02T16:30:00-04:00"),
        ("http://notes.example.org/notes-site/pages/reading-list", None),
    ]  # fmt: skip
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://n.example.org/a.xml</loc><lastmod>2026-01-01</lastmod></sitemap>"
        b"</sitemapindex>"
    )
    assert parse_sitemap(index, "https://n.example.org/s.xml").sitemaps[0].url.endswith("/a.xml")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html><body>Not found</body></html>", "expected a sitemap"),
        (b"<urlset><url><loc>x", "does not parse"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><urlset>&a;</urlset>',
         "declares XML entities"),
    ],
)  # fmt: skip
def test_a_broken_sitemap_is_a_parse_error(body: bytes, problem: str) -> None:
    with pytest.raises(ParseError, match=problem):
        parse_sitemap(body, BASE + "sitemap.xml")


def test_include_and_exclude_patterns() -> None:
    site = NoteSite(sitemap=BASE + "s.xml", include=("*/wiki/*",), exclude=("*/wiki/draft-*",))
    assert listed(site, BASE + "wiki/s1003")
    assert not listed(site, BASE + "wiki/draft-s1003")
    assert not listed(site, BASE + "blog/x")
    assert listed(NoteSite(pages=(BASE,)), BASE + "anything")


def test_config_notes_sites() -> None:
    raw = {
        "notes": {
            "sites": [
                {"sitemap": BASE + "sitemap.xml", "include": ["*/wiki/*"]},
                {"pages": [BASE + "a", BASE + "b"], "feed": BASE + "feed.xml"},
            ]
        }
    }
    config = parse_config(raw, Path("c.toml"))
    assert config.notes.sites[0].include == ("*/wiki/*",)
    assert config.notes.sites[1].urls() == [BASE + "a", BASE + "b", BASE + "feed.xml"]


@pytest.mark.parametrize(
    ("site", "problem"),
    [
        ({}, "notes.sites[0]: needs pages, a sitemap or a feed"),
        ({"sitemap": "ftp://x/s.xml"}, "notes.sites[0].sitemap: not an http(s) URL"),
        ({"pages": "http://x/a"}, "notes.sites[0].pages: expected an array of strings"),
        ({"page": ["http://x/a"]}, "notes.sites[0].page: unknown key"),
    ],
)
def test_bad_notes_sites_are_one_line(site: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)):
        parse_config({"notes": {"sites": [site]}}, Path("c.toml"))


def test_a_note_from_a_page_is_dated_by_the_page() -> None:
    page = parse_page(read("s1003.html", EDITS), BASE + "wiki/s1003")
    note = note_from_page(BASE + "wiki/s1003", page.title, page.text, page.date, page.date_source)
    assert note.date == date(2025, 6, 3) and not note.weak_date
    assert (note.date_source, note.date_from) == ("page", "'Last updated:' text")
    assert "passed the Senate in May 2025" in note.body
