"""News-feed and article-page parsers: fields, keys, malformed entries, and what they refuse."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest

from crawler.parsers import feeds
from crawler.parsers.errors import ParseError
from crawler.parsers.feeds import Feed, FeedEntry, article_text, normalize_url, parse_feed

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
BOLTS = "https://boltsmag.org/feed/"
MASSLIVE = "https://www.masslive.com/arc/outboundfeeds/rss/section/politics/"
BEACON = "https://commonwealthbeacon.org/feed/atom/"
VISAVERGE = "https://www.visaverge.com/feed/"


def _feed(name: str, url: str) -> Feed:
    return parse_feed((FIXTURES / name).read_bytes(), url)


def _rss(items: str, *, channel_title: str = "Made-up feed") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{channel_title}</title><link>https://feed.example.invalid/</link>"
        f"{items}</channel></rss>"
    ).encode()


@pytest.fixture
def no_feedparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the body reaches feedparser at all."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("feedparser.parse must not be called")

    monkeypatch.setattr(feedparser, "parse", refuse)


# --- RSS and Atom fields ---------------------------------------------------------------------


def test_wordpress_rss_fields() -> None:
    feed = _feed("bolts_rss.xml", BOLTS)
    assert feed.title == "Bolts"
    assert feed.problems == ()
    assert [e.title for e in feed.entries] == [
        "Inside ICE\u2019s only contract with a blue state",
        "Constructed item: what a 287(g) agreement lets a state do",
        "Constructed item: the Senate\u2019s version of the PROTECT Act",
    ]
    first = feed.entries[0]
    assert first.guid == "https://boltsmag.org/?p=900001"
    assert first.link == (
        "https://boltsmag.org/constructed-inside-ices-only-contract-with-a-blue-state/"
    )
    assert first.published == datetime(2026, 4, 10, 13, 30, tzinfo=UTC)
    # HTML stripped, entities decoded, the EO citation kept, nothing of a script.
    assert "Executive Order 650 bars new agreements" in first.summary
    assert "<" not in first.summary and "&#" not in first.summary
    assert "S.9999" not in first.summary
    # -0400 converted to UTC.
    assert feed.entries[1].published == datetime(2026, 4, 1, 13, 0, tzinfo=UTC)
    assert feed.entries[2].summary == (
        "The Senate passed S.3072 on May 7, 37\u20133; unlike the House\u2019s H.5316 "
        "it adds a right to sue federal agents."
    )


def test_arc_rss_fields() -> None:
    feed = _feed("masslive_rss.xml", MASSLIVE)
    assert feed.title == "MassLive - Politics"
    first, second = feed.entries
    assert first.title == "Constructed: Mass. House passes H.5316, 134-21"
    # 20:15 EDT on March 25 is the next day in UTC.
    assert first.published == datetime(2026, 3, 26, 0, 15, tzinfo=UTC)
    assert first.published is not None and first.published.utcoffset() is not None
    # content:encoded says more than the description: its paragraphs are kept apart.
    assert first.summary == "The House voted 134\u201321 on Wednesday for H.5316.\n\n" + (
        "The bill now goes to the Senate."
    )
    assert second.published == datetime(2026, 5, 8, 3, 5, tzinfo=UTC)
    assert second.summary == "Senators passed S.3072, 37\u20133, with 76 amendments filed."


def test_atom_fields() -> None:
    feed = _feed("beacon_atom.xml", BEACON)
    assert feed.title == "CommonWealth Beacon"
    assert feed.problems == ()
    first, second = feed.entries
    assert first.title == "Constructed: House passes PROTECT Act \u2013 H.5316 \u2013 134-21"
    assert first.guid == "https://commonwealthbeacon.org/?p=800001"
    assert first.published == datetime(2026, 3, 26, 1, 5, tzinfo=UTC)  # <published>, not <updated>
    assert first.summary.startswith("The House passed H.5316 on March 25, 2026, by a vote of 134")
    assert "\n\nThe bill keeps" in first.summary
    assert second.guid == "https://commonwealthbeacon.org/?p=800002"  # id padded with spaces
    assert second.published == datetime(2026, 5, 8, 2, 30, tzinfo=UTC)  # from <updated>
    assert second.link == "https://commonwealthbeacon.org/politics/constructed-senate-passes-s3072/"


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("bolts_rss.xml", BOLTS),
        ("masslive_rss.xml", MASSLIVE),
        ("beacon_atom.xml", BEACON),
        ("malformed_entry_rss.xml", VISAVERGE),
    ],
)
def test_every_entry_is_plain_absolute_and_utc(name: str, url: str) -> None:
    for entry in _feed(name, url).entries:
        assert entry.link is None or entry.link.startswith("https://")
        assert entry.published is None or entry.published.utcoffset() is not None
        assert entry.published is None or entry.published.tzinfo is UTC
        for text in (entry.title, entry.summary):
            assert "<" not in text and "&#" not in text and "&amp;" not in text
        assert "  " not in entry.title and "\n" not in entry.title


def test_relative_link_resolved_against_the_feed_url() -> None:
    body = _rss("<item><title>t</title><link>/news/made-up/</link></item>")
    (entry,) = parse_feed(body, "https://feed.example.invalid/rss/").entries
    assert entry.link == "https://feed.example.invalid/news/made-up/"


def test_html_title_and_whitespace() -> None:
    body = _rss(
        "<item><title>  Two\n   lines &amp;amp; an &lt;b&gt;HTML&lt;/b&gt; word </title>"
        "<link>https://feed.example.invalid/a</link>"
        "<description>Para one&lt;br&gt;same para&lt;p&gt;Para   two&lt;/p&gt;</description>"
        "</item>"
    )
    (entry,) = parse_feed(body, BOLTS).entries
    assert entry.title == "Two lines & an HTML word"
    assert entry.summary == "Para one same para\n\nPara two"


# --- keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "url", "keys"),
    [
        (
            "bolts_rss.xml",
            BOLTS,
            [
                "guid:https://boltsmag.org/?p=900001",
                "url:https://boltsmag.org/constructed-what-a-287g-agreement-lets-a-state-do",
                "guid:https://boltsmag.org/?p=900003",
            ],
        ),
        (
            "masslive_rss.xml",
            MASSLIVE,
            [
                "guid:https://www.masslive.com/politics/2026/03/constructed-house-passes-h5316.html",
                "url:https://www.masslive.com/politics/2026/05/constructed-senate-passes-s3072.html"
                "?outputType=amp",
            ],
        ),
    ],
)
def test_keys(name: str, url: str, keys: list[str]) -> None:
    assert [e.key for e in _feed(name, url).entries] == keys


def test_key_without_guid_or_link_hashes_title_and_date() -> None:
    when = datetime(2026, 5, 7, tzinfo=UTC)
    a = FeedEntry(guid=None, title="Same", link=None, published=when, summary="x")
    b = FeedEntry(guid=None, title="Same", link=None, published=when, summary="other")
    c = FeedEntry(guid=None, title="Same", link=None, published=None, summary="x")
    assert a.key == b.key and a.key.startswith("title:") and len(a.key) == len("title:") + 64
    assert a.key != c.key


def test_same_story_with_tracking_params_has_one_key() -> None:
    plain = FeedEntry(None, "t", "https://news.example.invalid/a/b/", None, "")
    tracked = FeedEntry(
        None, "t", "HTTPS://News.Example.invalid/a/b?utm_source=x&fbclid=1#c", None, ""
    )
    assert plain.key == tracked.key == "url:https://news.example.invalid/a/b"


# --- malformed entries and feeds ---------------------------------------------------------------


def test_malformed_entries_skipped_with_problems() -> None:
    feed = _feed("malformed_entry_rss.xml", VISAVERGE)
    assert [e.title for e in feed.entries] == [
        "Constructed good item one",
        "Constructed item with an unreadable date",
        "Constructed good item two",
    ]
    assert [e.published for e in feed.entries] == [
        datetime(2026, 5, 4, 10, tzinfo=UTC),
        None,
        datetime(2026, 5, 5, 10, tzinfo=UTC),
    ]
    assert feed.problems == (
        "entry 2: no title and no link",
        "entry 3: unreadable date 'sometime around the vote, ask the editor' (kept, no date)",
    )


def test_not_well_formed_feed_with_entries_is_read() -> None:
    body = _rss(
        "<item><title>Stray & ampersand</title><link>https://feed.example.invalid/1</link></item>"
        "<item><title>Second</title><link>https://feed.example.invalid/2</link></item>"
    )
    feed = parse_feed(body, BOLTS)
    assert [e.title for e in feed.entries] == ["Stray & ampersand", "Second"]
    # Read, and said so: a warning (not a skip), naming how many entries were read anyway.
    assert feed.problems == ()
    (warning,) = feed.warnings
    assert warning.startswith("feed not well-formed (")
    assert warning.endswith("its 2 readable entries were read anyway")


@pytest.mark.parametrize(
    "body",
    [
        _rss(""),
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>',
    ],
    ids=["rss", "atom"],
)
def test_feed_without_items_is_empty(body: bytes) -> None:
    feed = parse_feed(body, BOLTS)
    assert feed.entries == () and feed.problems == ()


def test_doctype_without_entities_is_read() -> None:
    body = _rss("<item><title>t</title></item>").replace(
        b"<rss",
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss',
        1,
    )
    assert [e.title for e in parse_feed(body, BOLTS).entries] == ["t"]


# --- refusals ----------------------------------------------------------------------------------


def test_entity_bomb_refused_fast_and_unparsed(no_feedparser: None) -> None:
    body = (FIXTURES / "entity_bomb.xml").read_bytes()
    started = time.perf_counter()
    with pytest.raises(ParseError, match=r"declares XML entities \(refused\)"):
        parse_feed(body, "https://bomb.example.invalid/feed/")
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&xxe;</title></channel></rss>",
        b'<!doctype rss [\n  <!entity a "b">\n]><rss/>',
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY a "b">]><rss/>'.encode(
            "utf-16"
        ),
    ],
    ids=["external-entity", "lower-case", "utf-16"],
)
def test_entity_declarations_refused(body: bytes, no_feedparser: None) -> None:
    with pytest.raises(ParseError, match="entities"):
        parse_feed(body, BOLTS)


@pytest.mark.parametrize(
    ("body", "got"),
    [
        ((FIXTURES / "not_a_feed.html").read_bytes(), "got an HTML page"),
        ((FIXTURES / "article.html").read_bytes(), "got an HTML page"),
        (b"", "got an empty body"),
        (b" \n\t ", "got an empty body"),
        (b'{"items": []}', "got JSON"),
        (b"\x00\x9f\x92garbage", "got not XML"),
        (b"Service Unavailable", "got not XML"),
    ],
    ids=["html", "article", "empty", "blank", "json", "garbage", "text"],
)
def test_not_a_feed_refused_before_parsing(body: bytes, got: str, no_feedparser: None) -> None:
    with pytest.raises(ParseError, match=f"^{re.escape(BOLTS)}: expected a feed, {got}"):
        parse_feed(body, BOLTS)


@pytest.mark.parametrize(
    ("body", "got"),
    [
        (b'<?xml version="1.0"?><note><to>x</to></note>', "got XML with root <note>"),
        (b"<<<>>> not markup", "got unreadable markup"),
    ],
)
def test_xml_that_is_not_a_feed(body: bytes, got: str) -> None:
    with pytest.raises(ParseError, match=f"^{re.escape(BOLTS)}: expected a feed, {re.escape(got)}"):
        parse_feed(body, BOLTS)


def test_huge_bodies_refused_unparsed(no_feedparser: None) -> None:
    started = time.perf_counter()
    with pytest.raises(ParseError, match="not XML"):
        parse_feed(b"A" * (8 * 1024 * 1024), BOLTS)
    with pytest.raises(ParseError, match="exceeds"):
        parse_feed(b"<rss>" + b" " * feeds.MAX_FEED_BYTES, BOLTS)
    assert time.perf_counter() - started < 1.0


def test_body_is_never_taken_for_a_file_name() -> None:
    with pytest.raises(ParseError):
        parse_feed(str(FIXTURES / "bolts_rss.xml").encode(), BOLTS)


# --- normalize_url -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a/b/", "https://example.org/a/b"),
        ("HTTPS://Example.ORG/A/B", "https://example.org/A/B"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/", "https://example.org/"),
        ("http://example.org:80/x", "http://example.org/x"),
        ("https://example.org:443/x", "https://example.org/x"),
        ("https://example.org:8443/x", "https://example.org:8443/x"),
        ("http://example.org:443/x", "http://example.org:443/x"),
        ("https://example.org/x#section-2", "https://example.org/x"),
        ("https://example.org/x?utm_source=rss&utm_medium=feed", "https://example.org/x"),
        ("https://example.org/x?UTM_Campaign=a&id=3", "https://example.org/x?id=3"),
        (
            "https://example.org/x?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&page=2",
            "https://example.org/x?page=2",
        ),
        ("https://example.org/x?b=2&a=1&c=", "https://example.org/x?a=1&b=2&c="),
        ("https://example.org/x?q=a%20b&p=S.3072", "https://example.org/x?p=S.3072&q=a%20b"),
        ("https://example.org/x?", "https://example.org/x"),
        ("https://user@Example.org:443/x/", "https://user@example.org/x"),
        ("  https://example.org/x  ", "https://example.org/x"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected
    assert normalize_url(expected) == expected


# --- article_text ------------------------------------------------------------------------------


def test_article_text_keeps_the_story_and_drops_furniture() -> None:
    text = article_text((FIXTURES / "article.html").read_text(), "https://news.example.invalid/a")
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "Constructed: Senate passes S.3072 after eight hours of debate"
    assert (
        "The Massachusetts Senate passed S.3072, its version of the PROTECT Act, "
        "on May 7, 2026, by a vote of 37\u20133."
    ) in paragraphs
    assert paragraphs[-1] == "The two chambers\u2019 versions now go to a conference committee."
    assert "H.5316" in text
    for furniture in (
        "S.9998",  # nav
        "Politics",  # nav
        "S.9995",  # inline script
        "NewsArticle",  # JSON-LD script
        "H.1234",  # style
        "H.9997",  # figure caption
        "S.9996",  # aside in the article
        "H.9994",  # form
        "Most read",  # sidebar
        "All rights reserved",  # footer
    ):
        assert furniture not in text, furniture


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<article><p>Short teaser.</p></article>"
            "<article><h2>Head</h2><p>Longer story text, S.3072.</p><ul><li>A</li><li>B</li></ul>"
            "</article>",
            "Head\n\nLonger story text, S.3072.\n\nA\n\nB",
        ),
        (
            '<div class="nav-ish"><p>x</p></div><div itemprop="articleBody"><p>Body <b>one</b>.'
            "</p><p>Two<br>lines.</p></div>",
            "Body one.\n\nTwo lines.",
        ),
        (
            "<main><h1>Title</h1><p>Main text.</p></main><div><p>Other</p></div>",
            "Title\n\nMain text.",
        ),
        (
            "<div><p>a</p></div><div class='story'><p>First paragraph, longer.</p>"
            "<p>Second paragraph.</p><div>ad</div></div>",
            "First paragraph, longer.\n\nSecond paragraph.",
        ),
        (
            "<article><script>only script</script></article><div><p>Fallback text.</p></div>",
            "Fallback text.",
        ),
        (
            "<p>Caf&eacute;&nbsp;au  lait &amp; S.&#8203;3072</p>",
            "Caf\u00e9 au lait & S.\u200b3072",
        ),
    ],
    ids=["largest-article", "articleBody", "main", "largest-p-block", "empty-article", "entities"],
)
def test_article_text_choice(html: str, expected: str) -> None:
    assert article_text(f"<html><body>{html}</body></html>", "u") == expected


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><head><title>T</title><script>var a = 1;</script></head><body></body></html>",
        "<html><body><header>Masthead</header><nav><p>Menu</p></nav><footer><p>(c)</p></footer>"
        "<article><figure><figcaption>Caption</figcaption></figure></article></body></html>",
    ],
    ids=["empty", "script-only", "furniture-only"],
)
def test_article_without_text_is_a_parse_error(html: str) -> None:
    with pytest.raises(
        ParseError, match=re.escape("https://news.example.invalid/a: no article text found")
    ):
        article_text(html, "https://news.example.invalid/a")
