"""Discovery: from a URL a user gives, or an outlet's known sources, to article URLs.

`inspect` answers "what is this URL?" for `scrubwatch watch`: a sitemap, a feed, a single
article, or an outlet's homepage (whose feeds, sitemaps and article links are then found).
`discover_outlet` re-reads an outlet's sources on every pass to find new articles. Parsing is
pure and lives in `feeds`, `sitemaps` and `links`; this module only fetches and decides.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from scrubwatch.discover.feeds import looks_like_feed, parse_feed
from scrubwatch.discover.links import COMMON_FEED_PATHS, article_links, feed_links, normalize_url
from scrubwatch.discover.sitemaps import parse_sitemap, sitemaps_from_robots
from scrubwatch.errors import FetchError, UsageError
from scrubwatch.extract.charset import decode_html
from scrubwatch.fetch import Fetcher, Response
from scrubwatch.model import Outlet

log = logging.getLogger(__name__)

MAX_CHILD_SITEMAPS = 20
OG_ARTICLE = re.compile(r"<meta[^>]+og:type[^>]+content=[\"']article", re.IGNORECASE)
ARTICLE_MIN_WORDS = 150  # body length above which a non-root page is taken for an article


@dataclass(frozen=True, slots=True)
class Found:
    """An article URL and how it was found (feed, sitemap, homepage, manual)."""

    url: str
    source: str


@dataclass(frozen=True, slots=True)
class Discovery:
    """What a watched URL turned out to be, and the articles it leads to.

    Every source of `outlet` was read to find `articles`.
    """

    kind: str  # "homepage", "feed", "sitemap" or "article"
    outlet: Outlet
    articles: tuple[Found, ...]


def host_of(url: str) -> str:
    """The outlet key of a URL: lower-case host, with the port when it is not the default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def canonical_url(url: str) -> str:
    """One article per URL: tracking parameters and fragments dropped, host lower-cased."""
    return normalize_url(url.strip()) or url.strip()


def canonical_target(url: str, declared: str | None) -> str | None:
    """The canonical URL a page declares, when it is another URL of the same site."""
    if not declared:
        return None
    target = normalize_url(declared, url)
    if target is None or target == url or host_of(target) != host_of(url):
        return None
    return target


async def inspect(fetcher: Fetcher, url: str, *, limit: int) -> Discovery:
    """Fetch `url` and tell what it is; raises FetchError or UsageError when it cannot be used."""
    response = await fetcher.fetch(url)
    if response.status >= 400:
        raise UsageError(f"{url} answered HTTP {response.status}")
    host = host_of(response.final_url)
    sitemap_urls = await _read_sitemap(fetcher, response, limit)
    if sitemap_urls is not None:
        outlet = Outlet(host=host, sitemaps=(url,))
        return Discovery("sitemap", outlet, _found(sitemap_urls, "sitemap", limit))
    feed_urls = _read_feed(response, limit)
    if feed_urls is not None:
        return Discovery("feed", Outlet(host=host, feeds=(url,)), _found(feed_urls, "feed", limit))
    html = decode_html(response.body, response.content_type)
    if _looks_like_article(response, html):
        article = Found(canonical_url(response.final_url), "manual")
        return Discovery("article", Outlet(host=host), (article,))
    return await _inspect_homepage(fetcher, url, response, html, limit)


@dataclass
class Budget:
    """What one discovery pass may spend on one outlet: bytes downloaded and time.

    A sitemap index whose children each inflate to 50 MB, or a feed of many megabytes, would
    otherwise cost minutes and hundreds of megabytes on every pass. The budget is checked
    before each source is fetched: the pass keeps what it found so far and goes on.
    """

    max_bytes: int
    seconds: float
    spent: int = 0
    started: float = field(default_factory=time.monotonic)

    def exhausted(self) -> bool:
        over_time = time.monotonic() - self.started > self.seconds
        return self.spent >= self.max_bytes or over_time

    def spend(self, response: Response) -> None:
        self.spent += len(response.body)


def unlimited() -> Budget:
    return Budget(max_bytes=2**62, seconds=float("inf"))


async def discover_outlet(
    fetcher: Fetcher, outlet: Outlet, *, limit: int, budget: Budget | None = None
) -> list[Found]:
    """Article URLs currently listed by the outlet's feeds, sitemaps and homepage.

    A source that fails is logged and skipped: one broken feed never hides the others. With
    a `budget`, sources past it are skipped (logged) and what was found is kept.
    """
    budget = budget or unlimited()
    found: list[Found] = []
    for url in outlet.feeds:
        response = await _fetch_quietly(fetcher, url, budget)
        urls = _read_feed(response, limit) if response else None
        found.extend(_found(urls or [], "feed", limit))
    for url in outlet.sitemaps:
        response = await _fetch_quietly(fetcher, url, budget)
        urls = await _read_sitemap(fetcher, response, limit, budget) if response else None
        found.extend(_found(urls or [], "sitemap", limit))
    if outlet.homepage:
        response = await _fetch_quietly(fetcher, outlet.homepage, budget)
        if response is not None:
            html = decode_html(response.body, response.content_type)
            found.extend(_found(article_links(html, response.final_url), "homepage", limit))
    return list(_dedupe(found))


async def _inspect_homepage(
    fetcher: Fetcher, url: str, response: Response, html: str, limit: int
) -> Discovery:
    base = response.final_url
    feeds = feed_links(html, base)
    if not feeds:
        feeds = await _probe_feeds(fetcher, base)
    sitemaps = await _robots_sitemaps(fetcher, base)
    outlet = Outlet(host=host_of(base), homepage=url, feeds=tuple(feeds), sitemaps=tuple(sitemaps))
    from_page = _found(article_links(html, base), "homepage", limit)
    # Every source is read now, as a discovery pass would (each capped at `limit`), so that
    # watching a new outlet counts as its first discovery and is not repeated at once.
    sources = Outlet(host=outlet.host, feeds=outlet.feeds, sitemaps=outlet.sitemaps)
    from_sources = await discover_outlet(fetcher, sources, limit=limit)
    return Discovery("homepage", outlet, _dedupe([*from_page, *from_sources]))


def _looks_like_article(response: Response, html: str) -> bool:
    if OG_ARTICLE.search(html):
        return True
    if urlsplit(response.final_url).path in ("", "/"):
        return False
    from scrubwatch.extract.document import extract_document  # only `watch URL` asks this

    doc = extract_document(response.body, response.final_url, response.content_type)
    return len(doc.text.split()) >= ARTICLE_MIN_WORDS


def _read_feed(response: Response, limit: int) -> list[str] | None:
    if not looks_like_feed(response.body, response.content_type):
        return None
    entries = parse_feed(response.body, response.final_url, limit=limit)
    return None if entries is None else [e.url for e in entries]


async def _read_sitemap(
    fetcher: Fetcher, response: Response, limit: int, budget: Budget | None = None
) -> list[str] | None:
    sitemap = parse_sitemap(response.body, response.final_url, limit=limit)
    if sitemap is None:
        return None
    urls = [entry.url for entry in sitemap.urls]
    for child in sitemap.children[:MAX_CHILD_SITEMAPS]:
        if len(urls) >= limit:
            break
        child_response = await _fetch_quietly(fetcher, child, budget)
        child_map = (
            parse_sitemap(child_response.body, child, limit=limit) if child_response else None
        )
        if child_map is not None:
            urls.extend(entry.url for entry in child_map.urls)
    return urls[:limit]


async def _probe_feeds(fetcher: Fetcher, base: str) -> list[str]:
    """Try the usual feed paths of a site that declares none; first one that parses wins."""
    for path in COMMON_FEED_PATHS:
        url = urljoin(base, path)
        response = await _fetch_quietly(fetcher, url)
        if response is not None and response.status == 200 and _read_feed(response, 1):
            return [url]
    return []


async def _robots_sitemaps(fetcher: Fetcher, base: str) -> list[str]:
    response = await _fetch_quietly(fetcher, urljoin(base, "/robots.txt"))
    if response is None or response.status != 200:
        return []
    return sitemaps_from_robots(response.body, response.final_url)


async def _fetch_quietly(
    fetcher: Fetcher, url: str, budget: Budget | None = None
) -> Response | None:
    if budget is not None and budget.exhausted():
        log.warning("discovery of %s stopped: over its budget for this pass", url)
        return None
    try:
        response = await fetcher.fetch(url)
    except FetchError as exc:
        log.warning("discovery source %s failed: %s", url, exc)
        return None
    if budget is not None:
        budget.spend(response)
    if response.status >= 400:
        log.warning("discovery source %s answered HTTP %s", url, response.status)
        return None
    return response


def _dedupe(found: list[Found]) -> tuple[Found, ...]:
    """One entry per URL; the first source that named it wins."""
    first: dict[str, Found] = {}
    for item in found:
        first.setdefault(item.url, item)
    return tuple(first.values())


def _found(urls: list[str], source: str, limit: int) -> tuple[Found, ...]:
    unique = dict.fromkeys(n for n in (normalize_url(u) for u in urls) if n is not None)
    return tuple(Found(u, source) for u in list(unique)[:limit])
