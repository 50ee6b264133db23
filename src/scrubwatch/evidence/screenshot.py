"""Screenshots of archived pages, rendered from the archived bytes and nothing else.

A picture of the live site proves nothing about what it showed then, so every request the
page makes is answered from the bundle's own records or refused: Playwright's router
fulfils the page itself from its archived response and aborts everything else (images,
styles, scripts from elsewhere). As a second fence Chromium is pointed at a proxy that does
not exist, so a request the router somehow missed fails instead of reaching the network.
Service workers are blocked; the page's own archived scripts may run.

Rendering is bounded like fetching: a time cap per page, a V8 heap cap, a height cap on the
full-page picture. Removed sentences are outlined on the "before" picture and added ones on
the "after" picture, so a reader sees at a glance what went.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrubwatch.chromium import LAUNCH_ARGS, locate
from scrubwatch.errors import EvidenceError

_MAX_HEIGHT = 20_000  # pixels; an endless page is cut, not rendered until memory runs out

_MARK_SCRIPT = """
([sentences, colour]) => {
  const norm = (s) => s.replace(/\\s+/g, ' ').trim();
  let marked = 0;
  for (const sentence of sentences) {
    const want = norm(sentence);
    if (!want) continue;
    let best = null;
    for (const el of document.body ? document.body.querySelectorAll('*') : []) {
      if (norm(el.textContent || '').includes(want)) best = el;
    }
    if (best) {
      best.style.outline = '3px solid ' + colour;
      best.style.backgroundColor = colour + '33';
      marked += 1;
    }
  }
  return marked;
}
"""


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """One page to render: its URL and archived answer, and the sentences to mark on it."""

    url: str
    status: int
    content_type: str
    body: bytes
    mark: tuple[str, ...] = ()
    mark_colour: str = "#d00000"


@dataclass
class RenderLog:
    """What the router did (URLs answered from the archive, URLs refused) and how many
    sentences were found and marked on each page."""

    served: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    marked: list[int] = field(default_factory=list)


def find_chromium(explicit: Path | None = None) -> Path:
    """The Chromium to drive, or an error that says how to get one (or do without)."""
    if explicit is not None:
        if not explicit.exists():
            raise EvidenceError(f"no browser at {explicit}")
        return explicit
    found = locate()
    if found is not None:
        return found
    raise EvidenceError(
        "screenshots need Chromium (apt-get install chromium, or --chromium PATH); "
        "use --no-screenshots for a bundle without them"
    )


class Renderer:
    """Renders archived pages to full-page PNGs in one headless Chromium."""

    def __init__(self, executable: Path, *, timeout_s: float = 20.0, width: int = 1280) -> None:
        self.executable = executable
        self.timeout_ms = timeout_s * 1000
        self.width = width
        self.log = RenderLog()

    def render(self, pages: Sequence[ArchivedPage]) -> list[bytes]:
        """One PNG per page, in order; an error names the page that could not be rendered."""
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError as exc:  # pragma: no cover - playwright is a dependency
            raise EvidenceError("screenshots need playwright (pip install playwright)") from exc
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(self.executable), headless=True, args=LAUNCH_ARGS
                )
                try:
                    return [self._one(browser, page) for page in pages]
                finally:
                    browser.close()
        except Error as exc:
            raise EvidenceError(f"rendering failed: {exc.message.splitlines()[0]}") from exc

    def _one(self, browser: Any, page: ArchivedPage) -> bytes:
        context = browser.new_context(
            viewport={"width": self.width, "height": 900},
            service_workers="block",
            accept_downloads=False,
        )
        try:
            tab = context.new_page()
            tab.set_default_timeout(self.timeout_ms)
            served: list[str] = []
            tab.route("**/*", lambda route: self._answer(route, page, served))
            tab.goto(page.url, wait_until="load", timeout=self.timeout_ms)
            marked = 0
            if page.mark:
                marked = tab.evaluate(_MARK_SCRIPT, [list(page.mark), page.mark_colour])
            self.log.marked.append(int(marked))
            height = tab.evaluate("() => document.documentElement.scrollHeight")
            clip = None
            if isinstance(height, int) and height > _MAX_HEIGHT:
                clip = {"x": 0, "y": 0, "width": self.width, "height": _MAX_HEIGHT}
            png: bytes = tab.screenshot(full_page=True, clip=clip, type="png")
            return png
        finally:
            context.close()

    def _answer(self, route: Any, page: ArchivedPage, served: list[str]) -> None:
        """Fulfil the page itself from its archived answer; refuse everything else.

        The page is the first top-level navigation, whatever the browser made of its URL
        (a slash added, non-ASCII percent-encoded); later navigations (a script moving to
        another address) and frames are refused like any other request.
        """
        request = route.request
        url = str(request.url).split("#", 1)[0]
        top = request.is_navigation_request() and request.frame.parent_frame is None
        if top and not served and request.method == "GET":
            served.append(url)
            self.log.served.append(url)
            route.fulfill(
                status=page.status,
                headers={"Content-Type": page.content_type or "text/html"},
                body=page.body,
            )
            return
        self.log.refused.append(url)
        route.abort("blockedbyclient")
