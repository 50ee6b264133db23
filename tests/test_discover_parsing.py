"""Discovery parsing: feeds, sitemaps, robots.txt and homepage links, from bytes alone.

Fixtures under tests/fixtures/discover are written for these tests; the last section reads the
real feeds and sitemaps of ../shared/data (beside the repository) when that folder exists.
"""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scrubwatch.discover.feeds import FeedEntry, looks_like_feed, parse_feed
from scrubwatch.discover.links import (
    COMMON_FEED_PATHS,
    article_links,
    feed_links,
    looks_like_article,
    normalize_url,
)
from scrubwatch.discover.sitemaps import Sitemap, SitemapEntry, parse_sitemap, sitemaps_from_robots

FIXTURES = Path(__file__).parent / "fixtures" / "discover"
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real-feeds-sitemaps"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- feeds ---------------------------------------------------------------------------------


def test_rss2_entries_are_absolute_deduplicated_and_cleaned() -> None:
    entries = parse_feed(fixture("rss2.xml"), "https://www.harbourgazette.test/rss")
    assert entries == [
        FeedEntry(
            "https://www.harbourgazette.test/news/2024/03/11/council-approves-ferry-timetable/",
            "Council approves new ferry timetable",
            datetime(2024, 3, 11, 8, 30, tzinfo=UTC),
        ),
        FeedEntry(
            "https://www.harbourgazette.test/news/2024/03/10/harbour-wall-repairs-begin?page=2",
            "Relative link, tracking parameters and a fragment",
            datetime(2024, 3, 10, 18, 0, tzinfo=UTC),
        ),
        FeedEntry(
            "https://www.harbourgazette.test/news/2024/03/09/lighthouse-keeper-retires/",
            "Only a permalink guid",
            None,
        ),
        FeedEntry(
            "https://www.harbourgazette.test/news/2024/03/08/untitled-brief-from-the-quay/",
            None,
            None,
        ),
    ]


def test_atom_resolves_xml_base_prefers_alternate_link_and_strips_html_titles() -> None:
    entries = parse_feed(fixture("atom.xml"), "https://valleytimes.test/atom.xml")
    assert entries == [
        FeedEntry(
            "https://valleytimes.test/stories/dam-inspection-finds-no-cracks",
            "Dam inspection finds no cracks",
            datetime(2024, 5, 17, 5, 45, tzinfo=UTC),  # <published>, not <updated>
        ),
        FeedEntry(  # no <link>: the http(s) <id> is the URL, <updated> the date
            "https://valleytimes.test/stories/school-board-election-results",
            "School board election results",
            datetime(2024, 5, 16, 21, 10, tzinfo=UTC),
        ),
    ]


def test_json_feed_items() -> None:
    entries = parse_feed(fixture("feed.json"), "https://plainscourier.test/feed.json")
    assert entries == [
        FeedEntry(
            "https://plainscourier.test/2024/06/02/grain-prices-climb-after-storm",
            "Grain prices climb after storm",
            datetime(2024, 6, 2, 11, 15, tzinfo=UTC),
        ),
        FeedEntry(
            "https://plainscourier.test/2024/06/01/rodeo-returns-to-county-fair",
            "Rodeo returns to county fair",
            datetime(2024, 6, 1, 12, 0, tzinfo=UTC),  # no offset: taken as UTC
        ),
        FeedEntry(  # relative url resolved; external_url ignored
            "https://plainscourier.test/2024/05/31/library-extends-summer-hours",
            "Library extends summer hours",
            None,
        ),
        FeedEntry("https://plainscourier.test/2024/05/30/water-board-meets", None, None),
    ]


def test_rss1_rdf_feed() -> None:
    body = b"""<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
             xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="https://old.test/"><title>Old</title><link>https://old.test/</link>
        <description>d</description></channel>
      <item rdf:about="https://old.test/2003/05/01/first-post-on-rdf">
        <title>First</title><link>https://old.test/2003/05/01/first-post-on-rdf</link>
        <dc:date>2003-05-01T10:00:00Z</dc:date>
      </item>
    </rdf:RDF>"""
    assert parse_feed(body, "https://old.test/index.rdf") == [
        FeedEntry(
            "https://old.test/2003/05/01/first-post-on-rdf",
            "First",
            datetime(2003, 5, 1, 10, tzinfo=UTC),
        )
    ]
    assert looks_like_feed(body, "text/xml")


def test_empty_feed_is_a_feed_with_no_entries() -> None:
    body = b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    assert parse_feed(body, "https://quiet.test/rss") == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n ",
        bytes(range(256)) * 40,
        b"<!DOCTYPE html><html><head><title>Hi</title></head><body><p>News</p></body></html>",
        b'{"version": "1.0", "items": [{"url": "https://x.test/a-b-c"}]}',
        b"[1, 2, 3]",
        b"[" * 100_000,
        b'{"version": "https://jsonfeed.org/version/1", "items": ',
        b"\xff\xfe\x00\x00garbage",
        fixture("urlset.xml"),
    ],
    ids=[
        *("empty", "blank", "binary", "html", "json-not-feed", "json-list", "deep", "cut"),
        *("bom", "sitemap"),
    ],
)
def test_not_a_feed_is_none(body: bytes) -> None:
    assert parse_feed(body, "https://x.test/") is None


def test_truncated_feed_keeps_entries_before_the_cut() -> None:
    body = (
        b'<rss version="2.0"><channel><item><title>a</title>'
        b"<link>https://x.test/2024/01/01/first-story</link></item><item><title>b</title><li"
    )
    entries = parse_feed(body, "https://x.test/rss")
    assert entries is not None
    assert [e.url for e in entries] == ["https://x.test/2024/01/01/first-story"]


def test_huge_feed_is_capped_by_limit_quickly() -> None:
    items = "".join(
        f"<item><title>Story {i}</title><link>https://big.test/{i}/story-number-{i}</link></item>"
        for i in range(50_000)
    )
    body = f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()
    started = time.monotonic()
    entries = parse_feed(body, "https://big.test/rss", limit=30)
    assert entries is not None
    assert [e.title for e in entries] == [f"Story {i}" for i in range(30)]
    assert time.monotonic() - started < 10


def test_limit_counts_usable_entries_not_items() -> None:
    bad = "<item><link>javascript:void(0)</link></item>" * 5
    good = "".join(f"<item><link>https://x.test/{i}/a-story-here</link></item>" for i in range(5))
    body = f'<rss version="2.0"><channel>{bad}{good}</channel></rss>'.encode()
    entries = parse_feed(body, "https://x.test/rss", limit=3)
    assert entries is not None
    assert [e.url for e in entries] == [f"https://x.test/{i}/a-story-here" for i in range(3)]


def test_json_feed_limit() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1",
        "items": [{"url": f"https://x.test/{i}/a-b-c"} for i in range(50_000)],
    }
    entries = parse_feed(json.dumps(feed).encode(), "https://x.test/feed.json", limit=7)
    assert entries is not None and len(entries) == 7


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def test_entity_bomb_feed_is_not_expanded() -> None:
    body = BILLION_LAUGHS + (
        b'<rss version="2.0"><channel><title>&lol9;</title>'
        b"<item><title>&lol9;</title><link>https://x.test/2024/01/01/a-story</link></item>"
        b"</channel></rss>"
    )
    started = time.monotonic()
    entries = parse_feed(body, "https://x.test/rss", limit=10) or []
    assert time.monotonic() - started < 10
    assert all(len(e.title or "") < 1000 for e in entries)


def test_feed_body_naming_a_local_file_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "local-feed.xml"
    secret.write_bytes(fixture("rss2.xml"))
    assert parse_feed(str(secret).encode(), "https://x.test/rss") is None


def test_looks_like_feed() -> None:
    assert looks_like_feed(fixture("rss2.xml"), "text/xml; charset=utf-8")
    assert looks_like_feed(fixture("atom.xml"), "text/html")  # body wins over a wrong type
    assert looks_like_feed(fixture("feed.json"), "application/json")
    assert looks_like_feed(b"\xef\xbb\xbf<!-- hi --><rss version='2.0'></rss>", None)
    assert looks_like_feed(BILLION_LAUGHS + b"<rss version='2.0'></rss>", None)
    assert not looks_like_feed(b"<urlset><url><loc>https://x.test/a</loc></url><feed/>", None)
    assert looks_like_feed(b"odd but declared", "application/atom+xml")
    assert not looks_like_feed(b"<html><body>404</body></html>", "application/rss+xml")
    assert not looks_like_feed(fixture("urlset.xml"), "application/xml")
    assert not looks_like_feed(b'{"items": []}', "application/json")
    assert not looks_like_feed(b"", "application/rss+xml")
    assert not looks_like_feed(b"\x89PNG\r\n\x1a\n\x00\x00", "application/rss+xml")


# --- sitemaps ------------------------------------------------------------------------------


NORTHSTAR = "https://www.northstar.test"


def test_urlset_entries_with_lastmod_cdata_whitespace_and_hreflang() -> None:
    sitemap = parse_sitemap(fixture("urlset.xml"), f"{NORTHSTAR}/sitemap.xml")
    assert sitemap == Sitemap(
        urls=[
            SitemapEntry(
                f"{NORTHSTAR}/world/2024/04/02/border-talks-resume",
                lastmod=datetime(2024, 4, 2, 8, 20, 30, tzinfo=UTC),
            ),
            SitemapEntry(
                f"{NORTHSTAR}/world/2024/04/01/ceasefire-holds?ref=sitemap",
                lastmod=datetime(2024, 4, 1, tzinfo=UTC),
            ),
            SitemapEntry(
                f"{NORTHSTAR}/world/2024/03/31/aid-convoy-arrives",
                lastmod=datetime(2024, 3, 1, tzinfo=UTC),
            ),
            SitemapEntry(f"{NORTHSTAR}/science/2024/03/30/comet-visible-tonight"),
        ],
        children=[],
    )


def test_sitemap_index_children() -> None:
    sitemap = parse_sitemap(fixture("sitemapindex.xml"), f"{NORTHSTAR}/sitemap.xml")
    assert sitemap == Sitemap(
        urls=[],
        children=[f"{NORTHSTAR}/sitemaps/news.xml", f"{NORTHSTAR}/sitemaps/2024-04.xml.gz"],
    )


def test_news_sitemap_with_unusual_prefix() -> None:
    sitemap = parse_sitemap(fixture("news_sitemap.xml"), "https://daily.example-news.test/n.xml")
    assert sitemap is not None
    assert sitemap.urls == [
        SitemapEntry(
            "https://daily.example-news.test/politics/senate-passes-budget-after-late-night-vote",
            news_title="Senate passes budget after late-night vote",
            news_published=datetime(2024, 7, 5, 3, 5, tzinfo=UTC),
        ),
        SitemapEntry(
            "https://daily.example-news.test/business/markets-rally-on-jobs-report",
            news_title='Markets rally on "strong" jobs report & wages',
            news_published=datetime(2024, 7, 5, tzinfo=UTC),
        ),
    ]


def test_gzip_sitemap_reads_like_the_plain_one() -> None:
    plain = parse_sitemap(fixture("urlset.xml"), f"{NORTHSTAR}/sitemap.xml")
    packed = parse_sitemap(gzip.compress(fixture("urlset.xml")), f"{NORTHSTAR}/sitemap.xml.gz")
    assert packed == plain


def test_sitemap_without_namespace_and_text_sitemap() -> None:
    bare = b"<urlset><url><loc>https://x.test/2024/01/01/a-story</loc></url></urlset>"
    assert parse_sitemap(bare, "https://x.test/s.xml") == Sitemap(
        [SitemapEntry("https://x.test/2024/01/01/a-story")], []
    )
    text = b"https://x.test/one-story-here\r\n\nhttps://x.test/two-story-here\n"
    sitemap = parse_sitemap(text, "https://x.test/sitemap.txt")
    assert sitemap is not None
    assert [e.url for e in sitemap.urls] == [
        "https://x.test/one-story-here",
        "https://x.test/two-story-here",
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        bytes(range(256)) * 40,
        b"\x1f\x8b\x08\x00garbage-after-gzip-magic",
        b"<html><body><p>Not found</p></body></html>",
        fixture("rss2.xml"),
        b"User-agent: *\nDisallow: /\n",
        b"<?xml version='1.0'?><urlset",
    ],
    ids=["empty", "binary", "bad-gzip", "html", "feed", "robots", "cut-at-root"],
)
def test_not_a_sitemap_is_none(body: bytes) -> None:
    result = parse_sitemap(body, "https://x.test/sitemap.xml")
    assert result is None or result == Sitemap([], [])


def test_truncated_sitemap_keeps_entries_before_the_cut() -> None:
    body = fixture("urlset.xml")
    cut = body[: body.index(b"<url>", body.index(b"aid-convoy")) + 12]
    sitemap = parse_sitemap(cut, f"{NORTHSTAR}/sitemap.xml")
    assert sitemap is not None
    assert [e.url.rsplit("/", 1)[1] for e in sitemap.urls] == [
        "border-talks-resume",
        "ceasefire-holds?ref=sitemap",
        "aid-convoy-arrives",
    ]


def test_sitemap_entity_bomb_and_external_entity_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = BILLION_LAUGHS.replace(b"]>", f'<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()) + (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://x.test/a&lol9;&xxe;</loc><news:news xmlns:news='n'>"
        b"<news:title>&lol9;&xxe;</news:title></news:news></url></urlset>"
    )
    started = time.monotonic()
    sitemap = parse_sitemap(body, "https://x.test/s.xml")
    assert time.monotonic() - started < 10
    for entry in sitemap.urls if sitemap else []:
        assert "TOPSECRET" not in entry.url and "lollol" not in entry.url
        assert "TOPSECRET" not in (entry.news_title or "")
        assert len(entry.news_title or "") < 1000


def test_huge_sitemap_is_capped_by_limit() -> None:
    urls = "".join(f"<url><loc>https://x.test/{i}/story</loc></url>" for i in range(50_000))
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    sitemap = parse_sitemap(gzip.compress(body.encode()), "https://x.test/s.xml.gz", limit=25)
    assert sitemap is not None
    assert [e.url for e in sitemap.urls] == [f"https://x.test/{i}/story" for i in range(25)]


def test_gzip_bomb_sitemap_stops_at_the_cap() -> None:
    bomb = gzip.compress(b" " * 200_000_000, compresslevel=9)
    started = time.monotonic()
    assert parse_sitemap(bomb, "https://x.test/s.xml.gz") is None
    assert time.monotonic() - started < 20


def test_a_robots_txt_naming_hundreds_of_sitemaps_yields_the_first_twenty() -> None:
    body = "".join(f"Sitemap: /sitemaps/part-{n}.xml\n" for n in range(300)).encode()
    found = sitemaps_from_robots(body, "https://x.test/robots.txt")
    assert found == [f"https://x.test/sitemaps/part-{n}.xml" for n in range(20)]


def test_sitemaps_from_robots() -> None:
    assert sitemaps_from_robots(fixture("robots.txt"), f"{NORTHSTAR}/robots.txt") == [
        f"{NORTHSTAR}/sitemaps/news.xml",
        f"{NORTHSTAR}/sitemaps/index.xml",
        f"{NORTHSTAR}/sitemaps/relative.xml",
    ]
    assert sitemaps_from_robots(b"", f"{NORTHSTAR}/robots.txt") == []
    assert sitemaps_from_robots(bytes(range(256)), f"{NORTHSTAR}/robots.txt") == []


# --- homepage links ------------------------------------------------------------------------


def test_feed_links_declared_in_head() -> None:
    html = fixture("homepage.html").decode()
    assert feed_links(html, f"{NORTHSTAR}/") == [
        f"{NORTHSTAR}/feeds/all.rss",
        f"{NORTHSTAR}/feeds/world.atom",
        f"{NORTHSTAR}/feed.json",
    ]


def test_feed_links_honour_base_href() -> None:
    html = '<head><base href="/en/"><link rel="alternate" type="application/rss+xml" href="rss">'
    assert feed_links(html, "https://x.test/") == ["https://x.test/en/rss"]


def test_article_links_on_a_homepage() -> None:
    html = fixture("homepage.html").decode()
    assert article_links(html, f"{NORTHSTAR}/") == [
        f"{NORTHSTAR}/world/2024/04/02/border-talks-resume",
        "https://northstar.test/world/ceasefire-holds-for-a-third-day",
        f"{NORTHSTAR}/story/4821937",
        f"{NORTHSTAR}/politics/budget-vote-delayed.html",
        f"{NORTHSTAR}/news.php?id=77123",
    ]


@pytest.mark.parametrize("html", ["", "   ", "\x00\x01binary\x02", "<a href=", "<" * 10_000])
def test_links_of_junk_html_are_empty(html: str) -> None:
    assert article_links(html, "https://x.test/") == []
    assert feed_links(html, "https://x.test/") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.test/2024/05/17/mayor-resigns", True),
        ("https://x.test/politics/mayor-resigns-after-vote", True),
        ("https://x.test/a/12345678", True),
        ("https://x.test/news/world-europe-68123456", True),
        ("https://x.test/news/20240517-mayor", True),
        ("https://x.test/20240517-mayor", False),  # a lone dated segment may be a day page
        ("https://x.test/2024/05/17/", False),
        ("https://x.test/politics/2024/05/", False),
        ("https://x.test/science-and-tech", False),
        ("https://x.test/tags/mayor-resigns-after-vote", False),
        ("https://x.test/page/2", False),
        ("https://x.test/2024/", False),
        ("https://x.test/img/mayor-resigns-after-vote.webp", False),
        ("https://x.test/docs/mayor-resigns-after-vote.PDF", False),
        ("https://x.test/", False),
    ],
)
def test_looks_like_article(url: str, expected: bool) -> None:
    assert looks_like_article(url) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.X.TEST:443/A/b?utm_source=t&id=3#frag", "https://www.x.test/A/b?id=3"),
        ("http://x.test:8080/a?gclid=1", "http://x.test:8080/a"),
        ("  https://x.test/a\n/b  ", "https://x.test/a/b"),
        ("https://x.test/a?b=1&a=2", "https://x.test/a?b=1&a=2"),  # order kept
        ("https://x.test", "https://x.test/"),
        ("ftp://x.test/a", None),
        ("https://x.test:99999/a", None),
        ("https://[::1/a", None),
        ("https:///no-host", None),
        ("https://x.test/a b", None),
        ("https://" + "a" * 64 + ".test/", None),
        ("http://xn--/news/some-long-slug", None),  # httpx could not even build the request
        ("https://xn--e1afmkfd.xn--p1ai/a", "https://xn--e1afmkfd.xn--p1ai/a"),
        ("https://пример.рф/статья", "https://пример.рф/статья"),
        ("https://my_host.x.test/a", "https://my_host.x.test/a"),
        ("https://x.test/" + "a" * 5000, None),
    ],
)
def test_normalize_url(url: str, expected: str | None) -> None:
    assert normalize_url(url) == expected


def test_common_feed_paths_are_root_relative_paths() -> None:
    assert "/feed" in COMMON_FEED_PATHS and "/rss.xml" in COMMON_FEED_PATHS
    assert all(path.startswith("/") for path in COMMON_FEED_PATHS)


# --- real feeds and sitemaps ---------------------------------------------------------------


@pytest.fixture
def real() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real feeds and sitemaps not available: {REAL} is absent")
    return REAL


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("feeds/washingtonpost_national_rss.xml", 20),
        ("feeds/washingtonpost_politics_rss.xml", 24),
        ("feeds/npr_technology_jsonfeed.json", 25),
        ("feeds/trafilatura_feed1.atom", 1),
        ("feeds/trafilatura_feed2.rss", 1),
    ],
)
def test_real_feeds(real: Path, name: str, count: int) -> None:
    body = (real / name).read_bytes()
    assert looks_like_feed(body, None)
    entries = parse_feed(body, "https://feeds.example/")
    assert entries is not None and len(entries) == count
    assert all(e.url.startswith(("http://", "https://")) and e.title for e in entries)
    assert not any("utm_" in e.url for e in entries)


def test_real_feed_dates(real: Path) -> None:
    wapo = parse_feed((real / "feeds/washingtonpost_national_rss.xml").read_bytes(), "https://w/")
    assert wapo is not None and all(e.published is None for e in wapo)  # WaPo gives no dates
    npr = parse_feed((real / "feeds/npr_technology_jsonfeed.json").read_bytes(), "https://n/")
    assert npr is not None and all(e.published is not None for e in npr)


def test_real_news_sitemap(real: Path) -> None:
    body = (real / "sitemaps/washingtonpost_politics_news_sitemap_2017.xml").read_bytes()
    sitemap = parse_sitemap(body, "https://www.washingtonpost.com/sitemap.xml")
    assert sitemap is not None and len(sitemap.urls) == 4
    first = sitemap.urls[0]
    assert first.url == (
        "https://www.washingtonpost.com/politics/the-latest-roy-moore-thanks-trump-in-new-"
        "fundraising-appeal/2017/11/22/bd14fa82-cff2-11e7-a87b-47f14b73162a_story.html"
    )
    assert first.news_title == "The Latest: Roy Moore thanks Trump in new fundraising appeal"
    assert first.news_published == datetime(2017, 11, 23, 2, 5, 12, tzinfo=UTC)


def test_real_sitemaps(real: Path) -> None:
    plain = parse_sitemap((real / "sitemaps/trafilatura_sitemap.xml").read_bytes(), "https://s/")
    packed = parse_sitemap(
        (real / "sitemaps/trafilatura_sitemap.xml.gz").read_bytes(), "https://s/"
    )
    assert plain is not None and len(plain.urls) > 10 and packed == plain
    index = parse_sitemap((real / "sitemaps/trafilatura_sitemap2.xml").read_bytes(), "https://s/")
    assert index == Sitemap(
        [], ["http://www.example.com/sitemap1.xml.gz", "http://www.example.com/sitemap2.xml.gz"]
    )
    hreflang = (real / "sitemaps/trafilatura_sitemap-hreflang.xml").read_bytes()
    alternates = parse_sitemap(hreflang, "https://s/")
    assert alternates is not None
    assert [e.url for e in alternates.urls] == [
        "http://www.example.com/english/page.html",
        "http://www.example.com/deutsch/page.html",
        "http://www.example.com/schweiz-deutsch/page.html",
    ]
