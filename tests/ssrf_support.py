"""Two little web sites on loopback for the SSRF tests: a "public" one and an "internal" one.

Linux routes all of 127.0.0.0/8 to the loopback interface, so a test can treat 127.0.0.1 as
the public internet (the `web_allowed_networks` setting lets web-added watches reach it)
and 127.0.0.2 as a service inside the network that must never be reached. Each site serves
fixed answers by path and counts every request it gets, so a test can show that the
internal one was never asked for anything. This module holds no tests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PUBLIC_HOST = "127.0.0.1"
INTERNAL_HOST = "127.0.0.2"
PUBLIC_ONLY = ("127.0.0.1/32",)  # web_allowed_networks: 127.0.0.1 counts as public
SECRET = "INTERNAL-ONLY: the admin password is hunter2"


@dataclass(frozen=True, slots=True)
class Page:
    status: int = 200
    body: str = ""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Site:
    """A threaded HTTP server answering fixed pages by path (404 for the rest)."""

    host: str
    port: int = 0  # 0: any free port
    pages: dict[str, Page] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits.append(self.path)
                page = site.pages.get(self.path, Page(404, "not here"))
                body = page.body.encode()
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in page.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def bound_port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.bound_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def redirect(self, path: str, target: str) -> None:
        self.pages[path] = Page(302, "", headers=(("Location", target),))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def sites() -> Iterator[tuple[Site, Site]]:
    """A public site and an internal one holding a secret at /secret (and as a feed, a
    sitemap and an article at the usual paths, so whatever reaches it would get text)."""
    public, internal = Site(PUBLIC_HOST), Site(INTERNAL_HOST)
    secret_page = Page(200, article_html("Internal", SECRET))
    internal.pages.update(
        {
            "/secret": secret_page,
            "/article": secret_page,
            "/feed.xml": Page(200, rss([internal.url("/article")]), "application/rss+xml"),
            "/sitemap.xml": Page(200, sitemap([internal.url("/article")]), "application/xml"),
            "/robots.txt": Page(200, "User-agent: *\nAllow: /\n", "text/plain"),
        }
    )
    try:
        yield public, internal
    finally:
        public.close()
        internal.close()


def article_html(title: str, text: str) -> str:
    paragraphs = "".join(f"<p>{text} Paragraph {i} of the story goes on.</p>" for i in range(30))
    return (
        f'<html><head><title>{title}</title><meta property="og:type" content="article">'
        f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def homepage(feed: str | None = None, links: tuple[str, ...] = ()) -> str:
    alternate = f'<link rel="alternate" type="application/rss+xml" href="{feed}">' if feed else ""
    anchors = "".join(f'<a href="{u}">Story {i}</a>' for i, u in enumerate(links))
    return f"<html><head><title>News</title>{alternate}</head><body>{anchors}</body></html>"


def rss(urls: list[str]) -> str:
    items = "".join(f"<item><title>Story</title><link>{u}</link></item>" for u in urls)
    channel = f"<channel><title>t</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def sitemap(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    xmlns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0"?><urlset xmlns="{xmlns}">{entries}</urlset>'


def sitemap_index(urls: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    xmlns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0"?><sitemapindex xmlns="{xmlns}">{entries}</sitemapindex>'
