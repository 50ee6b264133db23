"""Browser fetching, for outlets whose article text appears only after JavaScript runs.

An outlet with `fetcher = "browser"` is fetched as any other first (robots.txt, pacing, its
proxy, the SSRF guard, every cap), and that raw answer is archived as the evidence of what
the server sent. Then the page is rendered in headless Chromium (Debian's, through
Playwright) and the rendered DOM is what gets extracted, archived beside the raw response
as a WARC `resource` record.

Chromium itself never touches the network: it is pointed at a proxy that does not exist,
and every request the page makes is answered by Playwright's router. The page itself is
answered with the bytes already fetched; a script, an XHR or a frame goes through the same
`Fetcher` view as the page (so through the outlet's proxy, the SSRF guard for web-added
outlets, robots.txt and the per-host limits), up to `MAX_SUBREQUESTS`; images, fonts,
styles and media are refused (text does not need them), as are downloads and non-GET
requests. A render has the fetch's own caps: `total_timeout` for the whole of it, and
`max_body_bytes` for the DOM.

One Chromium is shared by the process, with at most `PAGES_AT_ONCE` pages open, and it is
restarted every `RESTART_AFTER` pages (a long-running browser leaks memory) or when it died.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrubwatch.chromium import LAUNCH_ARGS, locate
from scrubwatch.errors import FetchError, FetchTimeout, TooLarge
from scrubwatch.fetch import Fetcher, Response

log = logging.getLogger(__name__)

PAGES_AT_ONCE = 2
RESTART_AFTER = 200  # pages per browser before it is replaced
MAX_SUBREQUESTS = 60  # scripts, XHRs and frames fetched for one page
SETTLE_SECONDS = 2.0  # after "load", how long scripts may keep fetching before the DOM is read
_REFUSED_TYPES = frozenset({"image", "media", "font", "stylesheet", "manifest", "other"})
_DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


class BrowserUnavailable(FetchError):
    """No Chromium (or Playwright) to render with: a failed look, never a deletion."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """The DOM of a rendered page, and what its requests came to."""

    url: str  # where the page ended up (a script may have moved it)
    html: bytes  # the serialised DOM, UTF-8
    fetched: tuple[str, ...]  # subrequests answered through the fetcher
    refused: tuple[str, ...]  # subrequests refused


def find_browser() -> Path | None:
    """Debian's Chromium, or one on PATH."""
    return locate()


class BrowserPool:
    """One shared headless Chromium, started on first use; use as an async context manager
    or call `aclose`."""

    def __init__(self, *, total_timeout: float, max_bytes: int) -> None:
        self._total_timeout = total_timeout
        self._max_bytes = max_bytes
        self._slots = asyncio.Semaphore(PAGES_AT_ONCE)
        self._start_lock = asyncio.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self._pages = 0
        self._open = 0

    async def __aenter__(self) -> BrowserPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._close_browser()
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None

    async def render(self, response: Response, fetcher: Fetcher) -> Rendered:
        """Render `response` (already fetched through `fetcher`), its subrequests fetched
        through `fetcher` too; FetchError subclasses when it cannot be done in time."""
        async with self._slots:
            browser = await self._ready()
            self._open += 1
            try:
                async with asyncio.timeout(self._total_timeout):
                    rendered = await _render(browser, response, fetcher)
            except TimeoutError as exc:
                raise FetchTimeout(
                    f"rendering gave up after {self._total_timeout:g} s (total time cap)"
                ) from exc
            except FetchError:
                raise
            except Exception as exc:  # Playwright's errors: the browser or page broke
                raise BrowserUnavailable(f"rendering failed: {_first_line(exc)}") from None
            finally:
                self._open -= 1
        if len(rendered.html) > self._max_bytes:
            raise TooLarge(f"rendered page over the {self._max_bytes}-byte cap")
        return rendered

    async def _ready(self) -> Any:
        """The browser, started (or restarted: too many pages, or it died) when needed."""
        async with self._start_lock:
            stale = self._pages >= RESTART_AFTER and self._open == 0
            if self._browser is not None and (stale or not self._browser.is_connected()):
                await self._close_browser()
            if self._browser is None:
                self._browser = await self._launch()
                self._pages = 0
            self._pages += 1
            return self._browser

    async def _launch(self) -> Any:
        executable = find_browser()
        if executable is None:
            raise BrowserUnavailable("browser fetching needs Chromium (apt-get install chromium)")
        try:
            from playwright.async_api import async_playwright
        except ImportError as exc:  # pragma: no cover - playwright is a dependency
            raise BrowserUnavailable("browser fetching needs playwright") from exc
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        return await self._playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=LAUNCH_ARGS
        )

    async def _close_browser(self) -> None:
        browser, self._browser = self._browser, None
        if browser is not None:
            try:
                await browser.close()
            except Exception as exc:  # already gone: nothing left to close
                log.info("closing the browser: %s", _first_line(exc))


async def _render(browser: Any, response: Response, fetcher: Fetcher) -> Rendered:
    user_agent = dict((k.lower(), v) for k, v in response.request_headers).get("user-agent")
    context = await browser.new_context(
        service_workers="block", accept_downloads=False, user_agent=user_agent
    )
    router = _Router(response, fetcher)
    try:
        page = await context.new_page()
        await page.route("**/*", router.answer)
        await page.goto(response.final_url, wait_until="load")
        try:
            await page.wait_for_load_state("networkidle", timeout=SETTLE_SECONDS * 1000)
        except Exception:  # still busy after the settle time: read the DOM as it is
            log.debug("%s still loading after %g s", response.final_url, SETTLE_SECONDS)
        html = await page.content()
        return Rendered(page.url, html.encode(), tuple(router.fetched), tuple(router.refused))
    finally:
        await context.close()


class _Router:
    """Answers every request of one page: the page from its fetched bytes, scripts and data
    through the fetcher, the rest refused."""

    def __init__(self, response: Response, fetcher: Fetcher) -> None:
        self._response = response
        self._fetcher = fetcher
        self._served_page = False
        self.fetched: list[str] = []
        self.refused: list[str] = []

    async def answer(self, route: Any) -> None:
        request = route.request
        url = str(request.url).split("#", 1)[0]
        top = request.is_navigation_request() and request.frame.parent_frame is None
        if top and not self._served_page and request.method == "GET":
            self._served_page = True
            await route.fulfill(
                status=self._response.status,
                headers=_headers(self._response.headers),
                body=self._response.body,
            )
            return
        wanted = request.method == "GET" and request.resource_type not in _REFUSED_TYPES
        if not wanted or len(self.fetched) >= MAX_SUBREQUESTS:
            self.refused.append(url)
            await route.abort("blockedbyclient")
            return
        self.fetched.append(url)
        try:
            answer = await self._fetcher.fetch(url)
        except FetchError as exc:
            log.info("subrequest %s of %s failed: %s", url, self._response.final_url, exc)
            await route.abort("failed")
            return
        await route.fulfill(
            status=answer.status, headers=_headers(answer.headers), body=answer.body
        )


def _headers(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Response headers for the browser: the body is already decoded, so no encoding or
    length from the wire."""
    return {k: v for k, v in headers if k.lower() not in _DROPPED_HEADERS}


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__
