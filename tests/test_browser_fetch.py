"""Browser fetching (`fetcher = "browser"`, issue #20): a page whose text appears only after
its scripts run is watched like any other, in Debian's chromium driven by Playwright.

Chromium never reaches the network itself: its script is fetched by scrubwatch's fetcher
(the site counts the request), the raw answer is archived as sent and the rendered DOM
beside it. Without chromium the tests that drive it skip, except under CI (`CI=true`),
where a missing browser is a failure.
"""

from __future__ import annotations

import asyncio
import gzip
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import Cli
from scrubwatch.browser import BrowserPool, find_browser
from scrubwatch.config import OutletPolicy, Settings
from scrubwatch.fetch import Fetcher
from scrubwatch.model import CaptureOutcome
from ssrf_support import PUBLIC_HOST, Page, Site
from test_proxies import Watch

pytestmark = pytest.mark.slow

TEXT = (
    "Chinese companies will build the Zangezur corridor, officials in Baku said on Monday.",
    "The project links mainland Azerbaijan with Nakhchivan through southern Armenia.",
    "Liu Jianchao said the agreement was a milestone for the region and its trade.",
)
# The article text reaches the page only through a script: reversed in the script's source,
# so no extraction of the raw page can find it.
SCRIPT = (
    "const lines = "
    + str([line[::-1] for line in TEXT])
    + ";\n"
    + (
        "const body = document.getElementById('story');\n"
        "for (const line of lines) {\n"
        "  const p = document.createElement('p');\n"
        "  p.textContent = line.split('').reverse().join('');\n"
        "  body.appendChild(p);\n"
        "}\n"
    )
)
PAGE = (
    "<!DOCTYPE html><html lang='en'><head><title>Zangezur corridor deal | The Ledger</title>"
    "<meta property='og:type' content='article'>"
    "</head><body><header><a href='/'>The Ledger</a></header><main><article>"
    "<h1>Chinese companies to build the Zangezur corridor</h1><div id='story'></div>"
    "</article></main><script src='/static/story.js'></script></body></html>"
)


def _missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if find_browser() is None:
        return "chromium is not installed (apt-get install chromium)"
    return None


@pytest.fixture
def chromium() -> None:
    """Skips (or fails, under CI) without a browser to drive."""
    missing = _missing()
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser fetching tests cannot run under CI: {missing}")
        pytest.skip(missing)


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site(PUBLIC_HOST)
    site.pages["/news/zangezur"] = Page(200, PAGE)
    site.pages["/static/story.js"] = Page(200, SCRIPT, "application/javascript")
    site.pages["/robots.txt"] = Page(200, "User-agent: *\nAllow: /\n", "text/plain")
    try:
        yield site
    finally:
        site.close()


def _settings(tmp_path: Path, site: Site, fetcher: str) -> Settings:
    host = site.base_url.removeprefix("http://")
    return Settings(data_dir=tmp_path / "data", outlets={host: OutletPolicy(fetcher=fetcher)})


@pytest.mark.usefixtures("chromium")
def test_a_page_that_shows_its_text_after_javascript_is_watched_in_the_browser(
    tmp_path: Path, site: Site
) -> None:
    url = site.url("/news/zangezur")
    watch = Watch(_settings(tmp_path, site, "browser"))
    watch.run(lambda runner: runner.watch(url))
    assert watch.check() == [CaptureOutcome.NEW_VERSION]
    article = watch.store.article(url)
    assert article is not None and article.id is not None
    [version] = watch.store.versions(article.id)
    assert version.document.paragraphs[: len(TEXT)] == TEXT
    assert "/static/story.js" in site.hits  # fetched by scrubwatch, not by chromium
    watch.store.close()
    archived = b"".join(
        gzip.decompress(p.read_bytes()) for p in (tmp_path / "data" / "warc").glob("*.warc.gz")
    )
    assert b"WARC-Type: response" in archived and b"urn:rendered:" + url.encode() in archived
    assert TEXT[0].encode() in archived  # in the rendered DOM's resource record


def test_the_same_page_fetched_plainly_shows_none_of_the_text(tmp_path: Path, site: Site) -> None:
    """Why the browser is needed: without it the page is a headline and no text."""
    url = site.url("/news/zangezur")
    watch = Watch(_settings(tmp_path, site, "http"))
    watch.run(lambda runner: runner.watch(url))
    watch.check()
    article = watch.store.article(url)
    assert article is not None and article.id is not None
    texts = [v.document.text for v in watch.store.versions(article.id)]
    assert not any(TEXT[0] in text for text in texts)
    assert "/static/story.js" not in site.hits
    watch.store.close()


@pytest.mark.usefixtures("chromium")
def test_a_render_past_the_time_cap_fails_the_look(tmp_path: Path, site: Site) -> None:
    site.pages["/static/story.js"] = Page(200, "while (true) {}", "application/javascript")
    settings = Settings(obey_robots=False, total_timeout=3.0)

    async def render() -> None:
        async with (
            Fetcher(settings) as fetcher,
            BrowserPool(total_timeout=3.0, max_bytes=1_000_000) as browser,
        ):
            response = await fetcher.fetch(site.url("/news/zangezur"))
            await browser.render(response, fetcher)

    with pytest.raises(Exception, match=r"total time cap|rendering failed"):
        asyncio.run(render())


def test_without_chromium_a_browser_outlet_fails_its_looks_and_is_never_deleted(
    tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs everywhere: reading the raw page instead would take a page whose text comes
    from scripts for an emptied article."""
    monkeypatch.setattr("scrubwatch.browser.find_browser", lambda: None)
    url = site.url("/news/zangezur")
    settings = replace(
        _settings(tmp_path, site, "browser"), gone_after_failures=1, gone_after_hours=0.0
    )
    watch = Watch(settings)
    watch.run(lambda runner: runner.watch(url))
    for _ in range(3):
        assert watch.check() == [CaptureOutcome.FAILED]
    error = watch.last_capture_error(url) or ""
    assert error.startswith("browser: browser fetching needs Chromium")
    assert watch.store.changes() == []
    watch.store.close()


@pytest.mark.usefixtures("chromium")
def test_doctor_renders_a_browser_outlet(cli: Cli, site: Site, tmp_path: Path) -> None:
    config = tmp_path / "config" / "scrubwatch" / "config.toml"
    config.parent.mkdir(parents=True)
    host = site.base_url.removeprefix("http://")
    config.write_text(f'[outlets."{host}"]\nfetcher = "browser"\n')
    result = cli("doctor", site.url("/news/zangezur"))
    assert result.code == 0, result.stdout + result.stderr
    assert "rendered in the browser (1 subrequests fetched)" in result.stdout
    assert f"text     {TEXT[0]}" in result.stdout
