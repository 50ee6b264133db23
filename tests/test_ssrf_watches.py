"""Issue #15, item 2: a web-added watch reaches public addresses only, at connect time.

The typed URL is public (127.0.0.1, vouched for by `web_allowed_networks`); what it leads to
is not (127.0.0.2): a redirect, a feed item, a sitemap entry, a robots.txt `Sitemap:` line,
a sitemap index's child. The internal site must never receive a request, nothing of its
text may be stored or shown, and each refusal is an ordinary failure with one clear line.
The same outlet added on the command line still reaches everything, as before.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrubwatch.config import Settings
from scrubwatch.model import CaptureOutcome
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store
from scrubwatch.web import create_app
from ssrf_support import (
    PUBLIC_ONLY,
    SECRET,
    Page,
    Site,
    article_html,
    homepage,
    rss,
    sitemap,
    sitemap_index,
    sites,
)
from web_support import Client

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", web_allowed_networks=PUBLIC_ONLY)


@pytest.fixture
def store(settings: Settings) -> Iterator[SqlStore]:
    opened = open_store(settings)
    yield opened
    opened.close()


@pytest.fixture
def pair() -> Iterator[tuple[Site, Site]]:
    with sites() as both:
        yield both


def _web_watch(settings: Settings, store: SqlStore, url: str) -> tuple[Client, str]:
    """Add a watch through the web form; the page answered (after the redirect, if any)."""
    client = Client(create_app(settings, store=store))
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/outlets").text)
    assert found is not None
    answer = client.post("/watches", data={"url": url, "csrf": found.group(1)})
    if answer.status_code == 303:
        return client, client.get(answer.headers["location"]).text
    return client, answer.text


def _check_pass(settings: Settings, store: SqlStore) -> None:
    async def run() -> None:
        async with Runner(settings, store, analysis_workers=0) as runner:
            await runner.check_pass(all_articles=True)

    asyncio.run(run())


def _assert_nothing_leaked(
    client: Client, store: SqlStore, internal: Site, *, public_kept: bool = False
) -> None:
    """The internal site got no request and its secret shows nowhere; no article has a
    version, or with `public_kept` only the public site's articles have."""
    assert internal.hits == []
    for page in ("/", "/outlets", "/api/articles", "/search?q=password"):
        assert "hunter2" not in client.get(page).text
    kept = [a.url for a in store.articles() if a.id is not None and store.versions(a.id)]
    public = [a.url for a in store.articles() if "127.0.0.1" in a.url] if public_kept else []
    assert kept == public


def test_a_redirect_to_an_internal_address_is_refused(
    settings: Settings, store: SqlStore, pair: tuple[Site, Site]
) -> None:
    public, internal = pair
    public.redirect("/story", internal.url("/secret"))
    client, page = _web_watch(settings, store, public.url("/story"))
    assert "cannot watch" in page and "no public address" in page
    assert SECRET not in page
    _assert_nothing_leaked(client, store, internal)


def test_feed_items_pointing_inside_fail_their_checks_without_a_request(
    settings: Settings, store: SqlStore, pair: tuple[Site, Site]
) -> None:
    public, internal = pair
    public.pages["/"] = Page(200, homepage(feed=public.url("/feed.xml")))
    feed = rss([internal.url("/article"), public.url("/news/1")])
    public.pages["/feed.xml"] = Page(200, feed, "application/rss+xml")
    public.pages["/news/1"] = Page(200, article_html("Public story", "Public text."))
    client, page = _web_watch(settings, store, public.url("/"))
    assert "Watching homepage" in page, page
    _check_pass(settings, store)
    by_url = {a.url: a for a in store.articles()}
    inside = by_url[internal.url("/article")]
    assert inside.id is not None
    [capture] = store.captures(inside.id)
    assert capture.outcome == CaptureOutcome.FAILED
    assert capture.error is not None and "no public address" in capture.error
    assert "\n" not in capture.error and "Traceback" not in capture.error
    outside = by_url[public.url("/news/1")]
    assert outside.id is not None and store.versions(outside.id)  # the public one works
    assert internal.hits == []
    for where in ("/", "/outlets", "/api/articles", "/search?q=password"):
        assert "hunter2" not in client.get(where).text


def test_sitemaps_named_by_robots_txt_or_an_index_are_not_fetched_inside(
    settings: Settings, store: SqlStore, pair: tuple[Site, Site]
) -> None:
    public, internal = pair
    public.pages["/"] = Page(200, homepage())
    robots = f"User-agent: *\nAllow: /\nSitemap: {internal.url('/sitemap.xml')}\n"
    robots += f"Sitemap: {public.url('/index.xml')}\n"
    public.pages["/robots.txt"] = Page(200, robots, "text/plain")
    index = sitemap_index([internal.url("/sitemap.xml")])
    public.pages["/index.xml"] = Page(200, index, "application/xml")
    client, page = _web_watch(settings, store, public.url("/"))
    assert "Watching homepage" in page, page
    _check_pass(settings, store)  # discovery again, then checks
    assert internal.url("/article") not in {a.url for a in store.articles()}
    _assert_nothing_leaked(client, store, internal)


def test_a_sitemap_entry_pointing_inside_is_checked_through_the_guard(
    settings: Settings, store: SqlStore, pair: tuple[Site, Site]
) -> None:
    public, internal = pair
    sitemap_xml = sitemap([internal.url("/secret"), public.url("/news/1")])
    public.pages["/sitemap.xml"] = Page(200, sitemap_xml, "application/xml")
    public.pages["/news/1"] = Page(200, article_html("Public story", "Public text."))
    client, page = _web_watch(settings, store, public.url("/sitemap.xml"))
    assert "Watching sitemap" in page, page
    _check_pass(settings, store)
    _assert_nothing_leaked(client, store, internal, public_kept=True)


def test_the_same_outlet_added_on_the_command_line_still_reaches_inside(
    settings: Settings, store: SqlStore, pair: tuple[Site, Site]
) -> None:
    public, internal = pair
    public.redirect("/story", internal.url("/secret"))

    async def watch_and_check() -> None:
        async with Runner(settings, store, analysis_workers=0) as runner:
            await runner.watch(public.url("/story"))
            await runner.check_pass(all_articles=True)

    asyncio.run(watch_and_check())
    assert "/secret" in internal.hits
    [outlet] = store.outlets()
    assert not outlet.web_added
