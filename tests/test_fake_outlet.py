"""The fake outlet behaves like a news site over real sockets, and the demo story scrubs as told.

Every other integration test and the offline demo trust this server, so its promises are pinned
here: routes, listings, chrome churn that leaves the article alone, each way of making an
article disappear, slowness, failures, a quick stop; and the story's exact scrub.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import httpx
import lxml.html  # type: ignore[import-untyped, unused-ignore]
import pytest
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.demo import story
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.demo.story import (
    BYSTANDERS,
    CORRIDOR_SENTENCE,
    DELETED_REPORT,
    LIU_PARAGRAPH,
    ORIGINAL,
    SCRUBBED,
)

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"  # beside the repository
MAY_1 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
PARAS = (
    "The ferry from Baku to Aktau resumed sailings on Monday after a week of storms.",
    "Port officials said about 40 trucks were waiting to board the first crossing.",
    "Drivers complained of long queues and a lack of information at the terminal.",
    "The operator promised extra sailings until the backlog is cleared.",
)
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10, follow_redirects=False) as c:
        yield c


def _doc(response: httpx.Response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content)


def _article_text(response: httpx.Response) -> str:
    (article,) = _doc(response).xpath("//article")
    return str(article.text_content())


def _home_links(outlet: FakeOutlet, client: httpx.Client) -> list[str]:
    doc = _doc(client.get(outlet.base_url + "/"))
    return [str(a) for a in doc.xpath("//section[@class='latest']//a/@href")]


def _feed_links(outlet: FakeOutlet, client: httpx.Client) -> list[str]:
    feed = feedparser.parse(client.get(outlet.base_url + "/rss.xml").content)
    assert not feed.bozo, feed.get("bozo_exception")
    return [str(e.link) for e in feed.entries]


def _sitemap_links(outlet: FakeOutlet, client: httpx.Client) -> list[str]:
    root = etree.fromstring(client.get(outlet.base_url + "/sitemap.xml").content)
    return [str(loc) for loc in root.xpath("//s:url/s:loc/text()", namespaces=SITEMAP_NS)]


def _listed_everywhere(outlet: FakeOutlet, client: httpx.Client, slug: str) -> tuple[bool, ...]:
    url = outlet.url(slug)
    return (
        f"/news/{slug}" in _home_links(outlet, client),
        url in _feed_links(outlet, client),
        url in _sitemap_links(outlet, client),
    )


# -- routes ---------------------------------------------------------------------------------


def test_every_route_answers(outlet: FakeOutlet, client: httpx.Client) -> None:
    outlet.publish("ferry", "Ferry resumes", PARAS, byline="A. Writer", section="economy")
    base = outlet.base_url
    expected = {
        "/": "text/html",
        "/rss.xml": "application/rss+xml",
        "/sitemap.xml": "application/xml",
        "/robots.txt": "text/plain",
        "/news/ferry": "text/html",
        "/section/economy": "text/html",
    }
    for path, kind in expected.items():
        response = client.get(base + path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith(kind), path
    robots = client.get(base + "/robots.txt").text
    assert "Allow: /" in robots and f"Sitemap: {base}/sitemap.xml" in robots
    section = _doc(client.get(base + "/section/economy"))
    assert section.xpath("//main//a[@href='/news/ferry']")
    assert outlet.requests == [*expected, "/robots.txt", "/section/economy"]


@pytest.mark.parametrize("path", ["/nothing", "/news/never-published", "/section/sport"])
def test_unknown_paths_get_the_not_found_page(
    outlet: FakeOutlet, client: httpx.Client, path: str
) -> None:
    response = client.get(outlet.base_url + path)
    assert response.status_code == 404
    assert _doc(response).xpath("//h1/text()") == ["Page not found"]


def test_every_html_page_names_the_feed(outlet: FakeOutlet, client: httpx.Client) -> None:
    outlet.publish("ferry", "Ferry resumes", PARAS)
    for path in ("/", "/news/ferry", "/section/politics", "/missing"):
        doc = _doc(client.get(outlet.base_url + path))
        hrefs = doc.xpath("//link[@rel='alternate'][@type='application/rss+xml']/@href")
        assert hrefs == [outlet.base_url + "/rss.xml"], path


def test_query_strings_are_recorded_but_ignored_for_routing(
    outlet: FakeOutlet, client: httpx.Client
) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    assert client.get(url + "?utm_source=newsletter").status_code == 200
    assert client.head(url).status_code == 200
    assert outlet.requests == ["/news/ferry?utm_source=newsletter", "/news/ferry"]


# -- article pages --------------------------------------------------------------------------


def test_article_page_carries_the_usual_news_markup(
    outlet: FakeOutlet, client: httpx.Client
) -> None:
    title = 'Ferry "resumes" <script>alert(1)</script> & more'
    url = outlet.publish(
        "ferry", title, PARAS, byline="Aysel <b>G</b>", published=MAY_1, language="az"
    )
    doc = _doc(client.get(url))
    assert doc.xpath("/html/@lang") == ["az"]
    assert not doc.xpath("//script"), "text must be escaped, never markup"
    assert doc.xpath("//article//h1")[0].text_content() == title
    assert doc.xpath("//link[@rel='canonical']/@href") == [url]
    assert doc.xpath("//meta[@property='og:title']/@content") == [title]
    assert doc.xpath("//meta[@property='og:url']/@content") == [url]
    published = doc.xpath("//meta[@property='article:published_time']/@content")
    assert published == ["2025-05-01T09:00:00+00:00"]
    assert doc.xpath("//article//time/@datetime") == published
    assert "Aysel <b>G</b>" in doc.xpath("//article//*[@class='byline']")[0].text_content()
    body = [p.text_content() for p in doc.xpath("//div[@class='article-body']/p")]
    assert body == list(PARAS)
    for chrome in ("//nav", "//aside[@class='most-popular']", "//*[@class='newsletter']"):
        assert doc.xpath(chrome), chrome
    assert doc.xpath("//footer")


def test_read_more_teaser_shows_another_live_article(
    outlet: FakeOutlet, client: httpx.Client
) -> None:
    outlet.publish("older", "Older story", ["Older text."], published=MAY_1)
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    doc = _doc(client.get(url))
    assert doc.xpath("//article//aside[@class='read-more']//a/@href") == ["/news/older"]


def test_chrome_churns_on_every_request_but_the_article_does_not(
    outlet: FakeOutlet, client: httpx.Client
) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS, byline="A. Writer")
    responses = [client.get(url) for _ in range(12)]
    assert len({r.content for r in responses}) == 12
    assert len({_article_text(r) for r in responses}) == 1
    docs = [_doc(r) for r in responses]
    menus = {tuple(d.xpath("//nav//a/@href")) for d in docs}
    popular = {tuple(d.xpath("//aside[@class='most-popular']//a/text()")) for d in docs}
    ad_ids = {tuple(d.xpath("//div[contains(@class, 'ad-slot')]/@id")) for d in docs}
    banners = [bool(d.xpath("//*[@class='cookie-banner']")) for d in docs]
    assert len(menus) > 1 and len(popular) > 1 and len(ad_ids) == 12
    assert any(banners) and not all(banners)


def test_chrome_is_replayable_from_the_seed() -> None:
    def pages(seed: int) -> list[bytes]:
        with FakeOutlet(seed=seed) as outlet, httpx.Client() as c:
            url = outlet.publish("ferry", "Ferry resumes", PARAS, published=MAY_1)
            raw = [c.get(url).content for _ in range(3)]
            return [p.replace(outlet.base_url.encode(), b"BASE") for p in raw]

    assert pages(7) == pages(7)
    assert pages(7) != pages(8)


# -- what the newsroom does -----------------------------------------------------------------


def test_listings_hold_live_articles_newest_first(outlet: FakeOutlet, client: httpx.Client) -> None:
    for day, slug in ((3, "c"), (1, "a"), (2, "b")):
        outlet.publish(slug, f"Story {slug}", PARAS, published=MAY_1.replace(day=day))
    urls = [outlet.url(s) for s in ("c", "b", "a")]
    assert _home_links(outlet, client) == ["/news/c", "/news/b", "/news/a"]
    assert _feed_links(outlet, client) == urls
    assert _sitemap_links(outlet, client) == urls
    feed = feedparser.parse(client.get(outlet.base_url + "/rss.xml").content)
    assert [e.title for e in feed.entries] == ["Story c", "Story b", "Story a"]
    assert feed.entries[0].published_parsed[:3] == (2025, 5, 3)


def test_edit_changes_the_article_and_its_updated_time(
    outlet: FakeOutlet, client: httpx.Client
) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS, published=MAY_1)
    later = MAY_1.replace(hour=15)
    outlet.edit("ferry", title="Ferry back", paragraphs=PARAS[:2], updated=later)
    doc = _doc(client.get(url))
    assert doc.xpath("//h1/text()") == ["Ferry back"]
    assert [p.text_content() for p in doc.xpath("//div[@class='article-body']/p")] == [*PARAS[:2]]
    assert doc.xpath("//time[@class='updated']/@datetime") == [later.isoformat()]
    assert doc.xpath("//meta[@property='article:modified_time']/@content") == [later.isoformat()]
    feed = feedparser.parse(client.get(outlet.base_url + "/rss.xml").content)
    assert [e.title for e in feed.entries] == ["Ferry back"]


@pytest.mark.parametrize("status", [404, 410])
def test_delete_answers_the_status_and_unlists(
    outlet: FakeOutlet, client: httpx.Client, status: int
) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    outlet.publish("other", "Other", PARAS)
    assert _listed_everywhere(outlet, client, "ferry") == (True, True, True)
    outlet.delete("ferry", status)
    response = client.get(url)
    assert response.status_code == status
    assert "Page not found" in response.text
    assert _listed_everywhere(outlet, client, "ferry") == (False, False, False)
    assert _listed_everywhere(outlet, client, "other") == (True, True, True)


@pytest.mark.parametrize(
    ("target", "status", "location"),
    [
        ("/", 301, "{base}/"),
        ("/section/politics", 302, "{base}/section/politics"),
        ("https://elsewhere.example/x", 308, "https://elsewhere.example/x"),
    ],
)
def test_redirect_points_where_told(
    outlet: FakeOutlet, client: httpx.Client, target: str, status: int, location: str
) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    outlet.redirect("ferry", target, status)
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["location"] == location.format(base=outlet.base_url)
    assert _listed_everywhere(outlet, client, "ferry") == (False, False, False)


def test_redirect_to_homepage_lands_on_the_homepage(outlet: FakeOutlet) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    outlet.redirect("ferry", "/")
    with httpx.Client(follow_redirects=True) as c:
        landed = c.get(url)
    assert landed.status_code == 200 and str(landed.url) == outlet.base_url + "/"


def test_soft_404_is_a_200_not_found_page(outlet: FakeOutlet, client: httpx.Client) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    outlet.soft_404("ferry")
    response = client.get(url)
    assert response.status_code == 200
    doc = _doc(response)
    assert doc.xpath("//h1/text()") == ["Page not found"]
    assert not doc.xpath("//article") and PARAS[0] not in response.text


def test_empty_keeps_chrome_and_headline_but_drops_the_body(
    outlet: FakeOutlet, client: httpx.Client
) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    outlet.empty("ferry")
    response = client.get(url)
    assert response.status_code == 200
    doc = _doc(response)
    assert doc.xpath("//article//h1/text()") == ["Ferry resumes"]
    assert doc.xpath("//nav") and doc.xpath("//aside[@class='most-popular']")
    assert not doc.xpath("//div[@class='article-body']//p")
    assert all(p not in response.text for p in PARAS)


@pytest.mark.parametrize("gone", ["delete", "redirect", "soft_404", "empty"])
def test_restore_brings_back_the_last_published_state(
    outlet: FakeOutlet, client: httpx.Client, gone: str
) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    before = _article_text(client.get(url))
    if gone == "redirect":
        outlet.redirect("ferry", "/")
    else:
        getattr(outlet, gone)("ferry")
    assert PARAS[0] not in client.get(url).text
    outlet.restore("ferry")
    response = client.get(url)
    assert response.status_code == 200
    assert _article_text(response) == before
    assert _listed_everywhere(outlet, client, "ferry") == (True, True, True)


def test_set_failing_answers_the_status_until_healed(
    outlet: FakeOutlet, client: httpx.Client
) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    outlet.set_failing("ferry", 503)
    response = client.get(url)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "120"
    assert _listed_everywhere(outlet, client, "ferry") == (True, True, True)
    outlet.set_failing("ferry", None)
    assert client.get(url).status_code == 200


def test_set_slow_delays_only_that_article(outlet: FakeOutlet, client: httpx.Client) -> None:
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    outlet.set_slow("ferry", 0.6)
    started = time.monotonic()
    assert client.get(url).status_code == 200
    assert time.monotonic() - started >= 0.6
    started = time.monotonic()
    client.get(outlet.base_url + "/")
    assert time.monotonic() - started < 0.5
    outlet.set_slow("ferry", 0)
    started = time.monotonic()
    client.get(url)
    assert time.monotonic() - started < 0.5


def test_stop_is_quick_with_a_slow_request_pending() -> None:
    outlet = FakeOutlet()
    outlet.start()
    url = outlet.publish("ferry", "Ferry resumes", PARAS)
    outlet.set_slow("ferry", 60)
    outcome: list[object] = []

    def fetch() -> None:
        try:
            outcome.append(httpx.get(url, timeout=30).status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=fetch)
    reader.start()
    deadline = time.monotonic() + 5
    while not outlet.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert outlet.requests == ["/news/ferry"]
    started = time.monotonic()
    outlet.stop()
    assert time.monotonic() - started < 2
    reader.join(timeout=5)
    assert not reader.is_alive() and outcome  # the client was answered or cut off, not hung
    assert not [t for t in threading.enumerate() if t.name.startswith("fake-outlet")]


def test_connections_are_kept_alive_until_stop() -> None:
    """Like a real site, replies reuse the connection; a stopped outlet hangs up on it."""
    outlet = FakeOutlet()
    outlet.start()
    outlet.publish("ferry", "Ferry resumes", PARAS)
    connection = http.client.HTTPConnection(urlsplit(outlet.base_url).netloc, timeout=5)
    try:
        for path in ("/news/ferry", "/rss.xml"):
            connection.request("GET", path)
            response = connection.getresponse()
            assert response.status == 200 and response.read()
            assert not response.will_close
        kept = connection.sock
        assert kept is not None
        started = time.monotonic()
        outlet.stop()
        assert time.monotonic() - started < 2
        assert kept.recv(1) == b""  # the idle connection was closed, not left to answer
    finally:
        connection.close()
        outlet.stop()
    assert not [t for t in threading.enumerate() if t.name.startswith("fake-outlet")]


def test_misuse_is_refused_loudly() -> None:
    outlet = FakeOutlet()
    with pytest.raises(RuntimeError):
        _ = outlet.base_url
    with outlet:
        with pytest.raises(KeyError):
            outlet.edit("never", title="x")
        with pytest.raises(ValueError):
            outlet.publish("no spaces", "t", PARAS)
        outlet.publish("ferry", "Ferry resumes", PARAS)
        with pytest.raises(ValueError):
            outlet.delete("ferry", 500)
        with pytest.raises(ValueError):
            outlet.redirect("ferry", "/", 200)


# -- the demo's story -----------------------------------------------------------------------


def test_scrubbed_differs_from_original_exactly_by_the_scrub() -> None:
    assert (SCRUBBED.slug, SCRUBBED.title, SCRUBBED.byline) == (
        ORIGINAL.slug,
        ORIGINAL.title,
        ORIGINAL.byline,
    )
    assert 8 <= len(ORIGINAL.paragraphs) <= 10
    original = " ".join(ORIGINAL.paragraphs)
    scrubbed = " ".join(SCRUBBED.paragraphs)
    for kept in ("Xinhua", "7.9%", "21,000 kilometres", "375", "298", "22 April 2025"):
        assert kept in original and kept in scrubbed, kept
    assert CORRIDOR_SENTENCE in original and "Zangezur corridor" in CORRIDOR_SENTENCE
    assert "Liu Jianchao" in LIU_PARAGRAPH and "“" in LIU_PARAGRAPH and "”" in LIU_PARAGRAPH
    assert "$3.7 billion" in original and "$3.2 billion" not in original
    for gone in ("Zangezur", "Liu Jianchao", "Sputnik", "“", "$3.7 billion"):
        assert gone not in scrubbed, gone
    assert "$3.2 billion" in scrubbed
    expected = tuple(
        p.replace(" " + CORRIDOR_SENTENCE, "").replace("$3.7 billion", "$3.2 billion")
        for p in ORIGINAL.paragraphs
        if p != LIU_PARAGRAPH
    )
    assert SCRUBBED.paragraphs == expected


def test_the_other_demo_articles() -> None:
    assert DELETED_REPORT.title == "Chinese companies to build Zangezur corridor"
    assert len(BYSTANDERS) == 2
    slugs = {a.slug for a in (ORIGINAL, DELETED_REPORT, *BYSTANDERS)}
    assert len(slugs) == 4
    for bystander in BYSTANDERS:
        assert "Zangezur" not in " ".join(bystander.paragraphs)


def test_the_demo_scrub_through_the_outlet(outlet: FakeOutlet, client: httpx.Client) -> None:
    for article in (*BYSTANDERS, DELETED_REPORT, ORIGINAL):
        outlet.publish(article.slug, article.title, article.paragraphs, byline=article.byline)
    outlet.edit(ORIGINAL.slug, title=SCRUBBED.title, paragraphs=SCRUBBED.paragraphs)
    outlet.delete(DELETED_REPORT.slug)
    page = client.get(outlet.url(ORIGINAL.slug))
    body = [p.text_content() for p in _doc(page).xpath("//div[@class='article-body']/p")]
    assert body == list(SCRUBBED.paragraphs)
    assert client.get(outlet.url(DELETED_REPORT.slug)).status_code == 404
    assert outlet.url(DELETED_REPORT.slug) not in _feed_links(outlet, client)


def _seed_sentences() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEED.glob("*.txt")))
    pieces = re.split(r"(?<=[.!?’”])\s+|\n+", text)
    return [p.strip() for p in pieces if len(p.strip()) >= 40]


@pytest.mark.skipif(not SEED.is_dir(), reason="the seed case (../shared/seed) is not here")
def test_no_sentence_of_the_seed_is_copied() -> None:
    source = Path(story.__file__).read_text(encoding="utf-8")
    prose = "\n".join(
        " ".join((a.title, *a.paragraphs)) for a in (ORIGINAL, DELETED_REPORT, *BYSTANDERS)
    )
    sentences = _seed_sentences()
    assert len(sentences) > 20  # the split found real sentences
    copied = [s for s in sentences if s in prose or s in source]
    assert copied == []
