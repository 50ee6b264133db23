"""A real store for the web tests: the real pipeline run against the fake outlet.

Two checks of three articles: one is scrubbed (the Zangezur passage goes), one is deleted,
and one carries script and image-onerror payloads in its title and text, then loses some.
This module holds no tests; `test_web_*` and `test_browser` import it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from articles import BYLINE, OTHER, OTHER_TITLE, PARAGRAPHS, SCRUBBED, TITLE
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store

PAYLOAD_TITLE = (
    '<script>window.__pwned = 1</script> Hostile <img src=x onerror="window.__pwned = 2">'
)
PAYLOAD_TEXT = (
    "The ministry said <script>window.__pwned = 3; alert(1)</script> the plan was final.",
    'A second statement carried <img src=x onerror="window.__pwned = 4"> inside it today.',
    "Officials in Baku declined to comment on the report about the shipping deal.",
    "The minister will travel to Ankara next week for talks on energy transit routes.",
)


@dataclass
class Scene:
    settings: Settings
    store: SqlStore
    outlet: FakeOutlet
    scrubbed_url: str
    deleted_url: str
    hostile_url: str


def build_scene(data_dir: Path, outlet: FakeOutlet, db: str | None = None) -> Scene:
    """Publish, watch, check; scrub, delete, edit; check again. Returns the filled store."""
    settings = Settings(data_dir=data_dir, db=db)
    scrubbed = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    deleted = outlet.publish("baku-port", OTHER_TITLE, OTHER, byline=BYLINE)
    hostile = outlet.publish("hostile", PAYLOAD_TITLE, PAYLOAD_TEXT, byline=BYLINE)
    store = open_store(settings)
    asyncio.run(_watch_and_check(settings, store, outlet.base_url))
    outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
    outlet.delete("baku-port")
    outlet.edit("hostile", paragraphs=PAYLOAD_TEXT[1:])
    asyncio.run(_watch_and_check(settings, store, None))
    return Scene(settings, store, outlet, scrubbed, deleted, hostile)


async def _watch_and_check(settings: Settings, store: SqlStore, url: str | None) -> None:
    async with Runner(settings, store) as runner:
        if url is not None:
            await runner.watch(url)
        await runner.check_pass(all_articles=True)


class Client:
    """A synchronous client for the app over httpx's ASGI transport, keeping cookies.

    (Starlette's own TestClient is deprecated with httpx; this is all the tests need.)
    """

    def __init__(self, app: Any, base_url: str = "http://127.0.0.1") -> None:
        self.app = app
        self.base_url = base_url
        self.cookies = httpx.Cookies()

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return asyncio.run(self._request(method, url, **kwargs))

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(
            transport=transport, base_url=self.base_url, cookies=self.cookies
        ) as client:
            response = await client.request(method, url, **kwargs)
            self.cookies = httpx.Cookies(client.cookies)
        return response
