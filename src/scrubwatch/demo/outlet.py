"""A fake news outlet on loopback whose state the caller controls.

scrubwatch has to be tested the way it is used: over real sockets, against a site that looks and
misbehaves like a real outlet. This server publishes articles inside the usual page chrome (menu,
clock, "most popular", ads, newsletter box, cookie banner) that changes on every request while
the article stays the same, and lets the caller edit, delete, redirect, soft-404, empty, slow
down or break any article. The offline demo uses it too, so it ships inside the package and
needs the standard library only.

Chrome churn is deterministic: request number N of an outlet built with seed S always renders
the same chrome, so a failing test replays exactly.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrubwatch.clock import Clock, SystemClock
from scrubwatch.demo.pages import (
    Chrome,
    StoryView,
    article_page,
    home_page,
    not_found_page,
    robots_txt,
    rss_feed,
    section_page,
    sitemap,
)
from scrubwatch.demo.serving import OutletServer, Reply

SECTIONS = ("politics", "economy", "region", "culture")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass
class _Story:
    """One article and everything the caller has done to it."""

    view: StoryView
    mode: str = "live"  # live | gone | redirect | soft_404 | empty
    gone_status: int = 404
    target: str = "/"
    redirect_status: int = 301
    delay: float = 0.0
    failing: int | None = None
    instead: Reply | None = None  # served in place of the article (see serve_instead)


def _aware(moment: datetime) -> datetime:
    # Naive datetimes are taken as UTC so feeds and meta tags always carry an offset.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class FakeOutlet:
    """A news site on loopback: tell it to publish, edit, delete, redirect, go slow or fail."""

    def __init__(
        self,
        name: str = "Caspian Ledger",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 0,
        clock: Clock | None = None,
        host_name: str | None = None,
        only_from: str | None = None,
    ) -> None:
        """`host_name`: the name its links use instead of `host` (a name only a proxy knows);
        `only_from`: answer only connections from this address (a proxy's), hang up on the
        rest, so a test that gets an answer proves the request came through the proxy."""
        self.name = name
        self.host_name = host_name
        self.only_from = only_from
        self._consent: tuple[bytes, str] | None = None
        self.requests: list[str] = []
        self._address = (host, port)
        self._seed = seed
        self._clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._stories: dict[str, _Story] = {}
        self._catalogue: tuple[list[StoryView], list[str]] | None = None
        self._hits = 0
        self._stopping = threading.Event()
        self._server: OutletServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Bind the port and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("the fake outlet is already running")
        self._stopping.clear()
        server = OutletServer(self._address, self)
        host, port = server.server_address[:2]
        self._base_url = f"http://{self.host_name or host!s}:{port}"
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-outlet-{port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and wait (briefly) for every request thread; slow requests are cut."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # wakes requests sleeping in set_slow()
        server.shutdown()
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for worker in server.workers:
            worker.join(timeout=5)

    def __enter__(self) -> FakeOutlet:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Where the outlet answers, e.g. ``http://127.0.0.1:41234`` (no trailing slash)."""
        if self._base_url is None:
            raise RuntimeError("start the fake outlet first")
        return self._base_url

    def url(self, slug: str) -> str:
        """The canonical URL of an article."""
        return f"{self.base_url}/news/{slug}"

    # -- what the newsroom does -------------------------------------------------------------

    def publish(
        self,
        slug: str,
        title: str,
        paragraphs: Sequence[str],
        *,
        byline: str | None = None,
        published: datetime | None = None,
        language: str = "en",
        section: str = "politics",
    ) -> str:
        """Put an article online (replacing any article of that slug); return its URL."""
        if not _SLUG.fullmatch(slug):
            raise ValueError(f"not a usable slug: {slug!r}")
        if not _SLUG.fullmatch(section):
            raise ValueError(f"not a usable section name: {section!r}")
        url = self.url(slug)
        with self._lock:
            when = _aware(published) if published is not None else self._clock.now()
            view = StoryView(
                slug, url, title, tuple(paragraphs), byline, when, None, language, section
            )
            self._stories[slug] = _Story(view)
            self._catalogue = None
        return url

    def edit(
        self,
        slug: str,
        *,
        title: str | None = None,
        paragraphs: Sequence[str] | None = None,
        updated: datetime | None = None,
    ) -> None:
        """Change an article in place; its "updated" time becomes `updated` or now."""
        with self._lock:
            story = self._get(slug)
            view = story.view
            story.view = StoryView(
                view.slug,
                view.url,
                view.title if title is None else title,
                view.paragraphs if paragraphs is None else tuple(paragraphs),
                view.byline,
                view.published,
                _aware(updated) if updated is not None else self._clock.now(),
                view.language,
                view.section,
            )
            self._catalogue = None

    def delete(self, slug: str, status: int = 404) -> None:
        """Answer 404 or 410 for the article; it leaves the homepage, feed and sitemap."""
        if status not in (404, 410):
            raise ValueError(f"a deletion answers 404 or 410, not {status}")
        self._set_mode(slug, "gone", gone_status=status)

    def redirect(self, slug: str, target: str, status: int = 301) -> None:
        """Redirect the article to `target`, a path (``"/"``: the homepage) or a full URL."""
        if status not in _REDIRECTS:
            raise ValueError(f"not a redirect status: {status}")
        self._set_mode(slug, "redirect", target=target, redirect_status=status)

    def soft_404(self, slug: str) -> None:
        """Answer 200 with the outlet's "page not found" page."""
        self._set_mode(slug, "soft_404")

    def empty(self, slug: str) -> None:
        """Answer 200 with the full page and the headline, but no article body."""
        self._set_mode(slug, "empty")

    def restore(self, slug: str) -> None:
        """Serve the article again as last published or edited (slow/failing stay as set)."""
        self._set_mode(slug, "live")

    def set_slow(self, slug: str, seconds: float) -> None:
        """Wait `seconds` before answering requests for the article (0: answer at once)."""
        if seconds < 0:
            raise ValueError("a delay cannot be negative")
        with self._lock:
            self._get(slug).delay = seconds

    def set_failing(self, slug: str, status: int | None) -> None:
        """Answer every request for the article with `status` (e.g. 503); None: healthy again."""
        if status is not None and not 400 <= status <= 599:
            raise ValueError(f"a failure answers 4xx or 5xx, not {status}")
        with self._lock:
            self._get(slug).failing = status

    def _get(self, slug: str) -> _Story:
        try:
            return self._stories[slug]
        except KeyError:
            raise KeyError(f"no article {slug!r} was published on this outlet") from None

    def _set_mode(self, slug: str, mode: str, **details: Any) -> None:
        with self._lock:
            story = self._get(slug)
            story.mode = mode
            for key, value in details.items():
                setattr(story, key, value)
            self._catalogue = None

    # -- serving ----------------------------------------------------------------------------

    def consent_wall(self, html: str | None, cookie: str = "") -> None:
        """Answer every article with this consent wall unless the request sends `cookie`
        ("name=value"); None: no wall."""
        with self._lock:
            self._consent = None if html is None else (html.encode(), cookie)

    def consent_reply(self, raw_path: str, cookie: str) -> Reply | None:
        """The consent wall, when one is up and the request (`cookie`: its Cookie header)
        lacks the cookie that passes it; None: serve as usual."""
        with self._lock:
            consent = self._consent
            path = urlsplit(raw_path).path
            if consent and self._article_at(path) and consent[1] not in cookie.split("; "):
                self.requests.append(raw_path)
                return Reply(200, consent[0])
        return None

    def serve(self, raw_path: str) -> Reply | None:
        """Answer one GET for `raw_path`; None when the outlet stopped while the reply waited."""
        path = urlsplit(raw_path).path
        with self._lock:
            self.requests.append(raw_path)
            self._hits += 1
            hit = self._hits
            story = self._article_at(path)
            delay = story.delay if story is not None else 0.0
        # The delay is waited outside the lock, on the stop event, so stop() cuts it short.
        if delay and self._stopping.wait(delay):
            return None
        with self._lock:
            return self._route(
                path, Chrome.for_request(self.name, self._seed, hit, self._sections())
            )

    def _article_at(self, path: str) -> _Story | None:
        if not path.startswith("/news/"):
            return None
        return self._stories.get(path.removeprefix("/news/").rstrip("/"))

    def _live(self) -> list[StoryView]:
        """Articles a reader can find: newest first."""
        return self._listing()[0]

    def _listing(self) -> tuple[list[StoryView], list[str]]:
        # Kept until the next publish/edit/mode change: sorting thousands of stories on every
        # request made the outlet, not scrubwatch, the busy part of the benchmarks.
        if self._catalogue is None:
            live = [s.view for s in self._stories.values() if s.mode == "live"]
            live.sort(key=lambda v: (v.published, v.slug), reverse=True)
            extra = sorted({s.view.section for s in self._stories.values()} - set(SECTIONS))
            self._catalogue = live, [*SECTIONS, *extra]
        return self._catalogue

    def _route(self, path: str, chrome: Chrome) -> Reply:
        base = self.base_url
        if path == "/":
            return Reply(200, home_page(base, chrome, self._live(), self._sections()))
        if path == "/rss.xml":
            body = rss_feed(self.name, base, self._live())
            return Reply(200, body, "application/rss+xml; charset=utf-8")
        if path == "/sitemap.xml":
            body = sitemap(self.name, base, self._live())
            return Reply(200, body, "application/xml; charset=utf-8")
        if path == "/robots.txt":
            return Reply(200, robots_txt(base), "text/plain; charset=utf-8")
        story = self._article_at(path)
        if story is not None:
            return self._article_reply(story, chrome)
        section = path.removeprefix("/section/").rstrip("/")
        if path.startswith("/section/") and section in self._sections():
            listed = [v for v in self._live() if v.section == section]
            return Reply(200, section_page(base, chrome, section, listed))
        return Reply(404, not_found_page(base, chrome))

    def _sections(self) -> list[str]:
        return self._listing()[1]

    def _article_reply(self, story: _Story, chrome: Chrome) -> Reply:
        base = self.base_url
        if story.instead is not None:
            return story.instead
        if story.failing is not None:
            retry = (("Retry-After", "120"),) if story.failing == 503 else ()
            body = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
            return Reply(story.failing, body, headers=retry)
        if story.mode == "gone":
            return Reply(story.gone_status, not_found_page(base, chrome))
        if story.mode == "redirect":
            location = urljoin(base + "/", story.target)
            body = f'<a href="{location}">Moved</a>'.encode()
            return Reply(story.redirect_status, body, headers=(("Location", location),))
        if story.mode == "soft_404":
            return Reply(200, not_found_page(base, chrome))
        # A stable teaser: the oldest other live article, so publishing news elsewhere on the
        # site does not change what this page shows.
        others = (v for v in reversed(self._live()) if v.slug != story.view.slug)
        teaser = next(others, None)
        with_body = story.mode != "empty"
        page = article_page(base, chrome, story.view, teaser, with_body=with_body)
        modified = story.view.updated or story.view.published
        return Reply(200, page, headers=(("Last-Modified", _http_date(modified)),))

    def serve_instead(self, slug: str, html: str | bytes | None, status: int = 200) -> None:
        """Answer requests for the article with this page (a bot challenge, a consent wall...)
        and status; None: serve the article again. The article stays listed meanwhile."""
        body = html.encode() if isinstance(html, str) else html
        with self._lock:
            self._get(slug).instead = None if body is None else Reply(status, body)


def _http_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
