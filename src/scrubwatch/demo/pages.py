"""What the fake outlet sends: HTML pages, the RSS feed, the news sitemap and robots.txt.

Kept apart from the server in `outlet.py` so the markup can be read as a whole. The pages imitate
a real news site on purpose, including the parts an extractor must learn to ignore: a navigation
menu, a ticking clock, a reshuffled "Most popular" list, ads with random ids, an in-article
"Read more" teaser, a newsletter box and a cookie banner on some requests. Every text that goes
into markup is escaped here.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

_NAV_EXTRA = (("Opinion", "/#opinion"), ("Video", "/#video"), ("Podcasts", "/#podcasts"))
_POPULAR = (
    "Ten places to eat qutab in the Old City",
    "Caspian water level falls for a fifth year",
    "What the new visa rules mean for students",
    "Ganja hosts its first jazz weekend",
    "Why apricot prices doubled this spring",
    "A photographer's year on the Absheron coast",
)
# The on-page clock is synthetic (it advances with the request counter) so churn is replayable.
_CLOCK_EPOCH = datetime(2025, 4, 21, 6, 0, tzinfo=UTC)
_TEASER_CHARS = 110


@dataclass(frozen=True)
class StoryView:
    """An article as pages render it."""

    slug: str
    url: str
    title: str
    paragraphs: tuple[str, ...]
    byline: str | None
    published: datetime
    updated: datetime | None
    language: str
    section: str


@dataclass(frozen=True)
class Chrome:
    """The parts of one response that are not the article and change on every request."""

    name: str
    header: str
    popular: str
    ad_top: str
    ad_inline: str
    cookie: str

    @classmethod
    def for_request(cls, name: str, seed: int, hit: int, sections: Sequence[str]) -> Chrome:
        """The chrome of request number `hit`: the same (seed, hit) always gives the same page."""
        rng = random.Random(f"{seed}:{hit}")
        menu = [(s.title(), f"/section/{s}") for s in sections]
        menu += _NAV_EXTRA
        rng.shuffle(menu)
        nav = "".join(f'<li><a href="{href}">{escape(label)}</a></li>' for label, href in menu)
        now = _CLOCK_EPOCH + timedelta(seconds=53 * hit)
        header = (
            f'<header class="site-header"><a class="logo" href="/">{escape(name)}</a>'
            f'<span class="clock">{now:%H:%M} Baku · updated {rng.randint(1, 59)} minutes ago'
            f'</span><nav class="main-menu"><ul>{nav}</ul></nav></header>'
        )
        picks = rng.sample(_POPULAR, k=5)
        items = "".join(
            f'<li><a href="/section/culture">{escape(t)}</a> '
            f'<span class="reads">{rng.randint(900, 90_000):,} reads</span></li>'
            for t in picks
        )
        popular = f'<aside class="most-popular"><h2>Most popular</h2><ol>{items}</ol></aside>'
        cookie = ""
        if rng.random() < 0.4:
            cookie = (
                f'<div class="cookie-banner" id="consent-{rng.getrandbits(32):08x}">'
                "<p>We use cookies to measure our audience and show relevant adverts.</p>"
                '<button type="button">Accept all</button><button type="button">Settings'
                "</button></div>"
            )
        return cls(name, header, popular, _ad(rng, "leaderboard"), _ad(rng, "in-article"), cookie)


def _ad(rng: random.Random, slot: str) -> str:
    tag = f"{rng.getrandbits(48):012x}"
    return (
        f'<div class="ad-slot ad-{slot}" id="ad-{tag}" data-campaign="{rng.randint(1, 9999)}">'
        f'<span class="ad-label">Advertisement</span><iframe id="frame-{tag}" '
        f'src="about:blank#{tag}" width="300" height="250" title="Advertisement"></iframe></div>'
    )


def _page(
    base: str, chrome: Chrome, *, title: str, main: str, lang: str = "en", head: str = ""
) -> bytes:
    name = escape(chrome.name)
    footer = (
        f'<footer class="site-footer"><p>© {name}. Independent news from the Caspian.</p>'
        '<ul><li><a href="/#about">About us</a></li><li><a href="/rss.xml">RSS</a></li>'
        '<li><a href="/#privacy">Privacy</a></li></ul></footer>'
    )
    newsletter = (
        '<section class="newsletter"><h2>Get the morning briefing</h2>'
        "<p>The day's top stories from the region in your inbox at 7am.</p>"
        '<form action="/newsletter" method="post"><input type="email" name="email">'
        '<button type="submit">Sign up</button></form></section>'
    )
    page = f"""<!DOCTYPE html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{name}" href="{base}/rss.xml">
{head}
</head>
<body>
{chrome.cookie}
{chrome.header}
{chrome.ad_top}
<main>
{main}
{chrome.popular}
{newsletter}
</main>
{footer}
</body>
</html>
"""
    return page.encode("utf-8")


def _human(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def _teaser(view: StoryView) -> str:
    first = view.paragraphs[0] if view.paragraphs else ""
    cut = first if len(first) <= _TEASER_CHARS else first[:_TEASER_CHARS].rstrip() + "…"
    return (
        f'<aside class="read-more"><h2>Read more</h2><a href="/news/{view.slug}">'
        f"{escape(view.title)}</a><p>{escape(cut)}</p></aside>"
    )


def article_page(
    base: str, chrome: Chrome, view: StoryView, teaser: StoryView | None, *, with_body: bool
) -> bytes:
    """An article page; without body it keeps the chrome and headline only ("emptied")."""
    published = view.published.isoformat()
    meta = [
        f'<link rel="canonical" href="{escape(view.url)}">',
        f'<meta property="og:title" content="{escape(view.title)}">',
        f'<meta property="og:url" content="{escape(view.url)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{escape(chrome.name)}">',
        f'<meta property="article:published_time" content="{published}">',
        f'<meta property="article:section" content="{escape(view.section)}">',
    ]
    dates = f'<time class="published" datetime="{published}">{_human(view.published)}</time>'
    if view.updated is not None:
        meta.append(f'<meta property="article:modified_time" content="{view.updated.isoformat()}">')
        dates += (
            f' · Updated <time class="updated" datetime="{view.updated.isoformat()}">'
            f"{_human(view.updated)}</time>"
        )
    byline = ""
    if view.byline:
        meta.append(f'<meta name="author" content="{escape(view.byline)}">')
        byline = f'<p class="byline">By <span class="author">{escape(view.byline)}</span></p>'
    body: list[str] = []
    if with_body:
        body = [f"<p>{escape(p)}</p>" for p in view.paragraphs]
        body.insert(min(3, len(body)), chrome.ad_inline)
        if teaser is not None:
            body.insert(min(5, len(body)), _teaser(teaser))
    article = (
        f'<article class="story"><header><h1>{escape(view.title)}</h1>{byline}'
        f'<p class="dates">{dates}</p></header>\n<div class="article-body">\n'
        + "\n".join(body)
        + "\n</div></article>"
    )
    title = f"{view.title} | {chrome.name}"
    return _page(base, chrome, title=title, main=article, lang=view.language, head="\n".join(meta))


def _headlines(views: Sequence[StoryView]) -> str:
    items = "".join(
        f'<li><a href="/news/{v.slug}">{escape(v.title)}</a> '
        f'<time datetime="{v.published.isoformat()}">{_human(v.published)}</time></li>'
        for v in views
    )
    return f'<ul class="headlines">{items}</ul>'


def home_page(
    base: str, chrome: Chrome, views: Sequence[StoryView], sections: Sequence[str]
) -> bytes:
    """The front page: the latest live articles, newest first, and links to every section."""
    links = "".join(f'<li><a href="/section/{s}">{escape(s.title())}</a></li>' for s in sections)
    main = (
        f'<section class="latest"><h2>Latest news</h2>{_headlines(views)}</section>'
        f'<section class="sections"><h2>Sections</h2><ul>{links}</ul></section>'
    )
    title = f"{chrome.name}: news from the Caspian"
    return _page(
        base, chrome, title=title, main=main, head=f'<link rel="canonical" href="{base}/">'
    )


def section_page(base: str, chrome: Chrome, section: str, views: Sequence[StoryView]) -> bytes:
    """A section front: its live articles, newest first."""
    main = f'<section class="section-front"><h1>{escape(section.title())}</h1>'
    main += _headlines(views) + "</section>"
    return _page(base, chrome, title=f"{section.title()} | {chrome.name}", main=main)


def not_found_page(base: str, chrome: Chrome) -> bytes:
    """The outlet's "page not found" page (sent with 404, 410, or 200 for a soft 404)."""
    main = (
        '<div class="error-page"><h1>Page not found</h1>'
        "<p>Sorry, we could not find the page you were looking for. "
        "It may have been moved or removed.</p>"
        '<p><a href="/">Go to the homepage</a></p></div>'
    )
    return _page(base, chrome, title=f"Page not found | {chrome.name}", main=main)


def rss_feed(name: str, base: str, views: Sequence[StoryView]) -> bytes:
    """RSS 2.0 of the live articles, newest first."""
    items = []
    for v in views:
        creator = f"<dc:creator>{escape(v.byline)}</dc:creator>" if v.byline else ""
        summary = escape(v.paragraphs[0]) if v.paragraphs else ""
        items.append(
            f"<item><title>{escape(v.title)}</title><link>{escape(v.url)}</link>"
            f'<guid isPermaLink="true">{escape(v.url)}</guid>'
            f"<pubDate>{format_datetime(v.published.astimezone(UTC), usegmt=True)}</pubDate>"
            f"{creator}<category>{escape(v.section)}</category>"
            f"<description>{summary}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{escape(name)}</title><link>{base}/</link>"
        f"<description>Latest news from {escape(name)}</description><language>en</language>"
        f'<atom:link href="{base}/rss.xml" rel="self" type="application/rss+xml"/>'
        + "".join(items)
        + "</channel></rss>\n"
    ).encode("utf-8")


def sitemap(name: str, base: str, views: Sequence[StoryView]) -> bytes:
    """A Google News sitemap of the live articles."""
    urls = "".join(
        f"<url><loc>{escape(v.url)}</loc>"
        f"<lastmod>{(v.updated or v.published).isoformat()}</lastmod>"
        "<news:news><news:publication>"
        f"<news:name>{escape(name)}</news:name><news:language>{escape(v.language)}"
        "</news:language></news:publication>"
        f"<news:publication_date>{v.published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(v.title)}</news:title></news:news></url>"
        for v in views
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{urls}</urlset>\n"
    ).encode()


def robots_txt(base: str) -> bytes:
    """Everything allowed; the sitemap named."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n".encode()
