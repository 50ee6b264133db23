"""The web UI in a real browser (Debian's chromium driven by Playwright) against a real
uvicorn server on loopback: the diff page shows the removed sentences, and hostile titles
and text render as text and run nothing.

Without playwright or /usr/bin/chromium these tests skip, except under CI (`CI=true`),
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from articles import REMOVED_SENTENCE
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.web import create_app
from web_support import PAYLOAD_TITLE, Scene, build_scene

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).parent.parent / "docs" / "diff-page.png"


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        return "chromium is not installed (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    # Depends on `server` so the store is filled (asyncio.run) before Playwright's sync API
    # starts its own event loop in this thread.
    missing = _browser_missing()
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with FakeOutlet() as outlet:
        built = build_scene(tmp_path_factory.mktemp("browser") / "data", outlet)
        yield built
        built.store.close()


@pytest.fixture(scope="module")
def server(scene: Scene) -> Iterator[str]:
    """The app on uvicorn, on a free loopback port, in a thread."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(scene.settings, store=scene.store),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, name="web-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def _id(scene: Scene, url: str) -> int:
    article = scene.store.article(url)
    assert article is not None and article.id is not None
    return article.id


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def test_diff_page_shows_the_removed_sentences(page: Any, server: str, scene: Scene) -> None:
    article_id = _id(scene, scene.scrubbed_url)
    page.goto(f"{server}/articles/{article_id}/diff?from=1&to=2")
    removed = page.locator("del.removed").all_inner_texts()
    assert REMOVED_SENTENCE in removed
    # The stylesheet is local and the CSP lets it apply: removed text is visibly marked.
    background = page.locator("del.removed").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    shot = page.screenshot(full_page=True)
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":  # refresh docs/diff-page.png on demand
        SCREENSHOT.write_bytes(shot)


def test_hostile_payloads_render_as_text_and_run_nothing(
    page: Any, server: str, scene: Scene
) -> None:
    dialogs: list[str] = []
    failed_requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: failed_requests.append(request.url))
    article_id = _id(scene, scene.hostile_url)
    for path in [f"/articles/{article_id}", f"/articles/{article_id}/diff?from=1&to=2", "/"]:
        page.goto(server + path)
        assert page.evaluate("() => window.__pwned") is None, path
        assert page.locator("script").count() == 0, path
        assert page.locator("main img").count() == 0, path
    page.goto(f"{server}/articles/{article_id}")
    assert page.locator("h1").inner_text() == PAYLOAD_TITLE
    assert dialogs == []
    # Nothing but our own server was asked for anything (an <img src=x> would have been).
    assert all(url.startswith(server) for url in failed_requests)
    assert not any(url.endswith("/x") for url in failed_requests)
