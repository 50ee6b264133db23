"""Removed-text search paged by key through the web UI and the JSON API, on SQLite and
PostgreSQL: following "Next" (the page) or `Link: rel="next"` (the API) from the first
page lists every hit once, in the store's order; a forged key is a clear 400."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from removed_histories import EXPECTED, PHRASE, fill_histories
from scrubwatch.config import Settings
from scrubwatch.store import SqlStore
from scrubwatch.web import create_app, pages
from web_support import Client

NAMES = [name for name, *_ in EXPECTED]
LINK = re.compile(r'<([^>]+)>; rel="next"')
PAGER = re.compile(r'<nav class="pager">(.*?)</nav>', re.S)


@pytest.fixture
def client(store: SqlStore, tmp_path: Path) -> Client:
    fill_histories(store)
    return Client(create_app(Settings(data_dir=tmp_path / "data"), store=store))


def _name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_the_api_pages_by_key(client: Client) -> None:
    seen: list[str] = []
    url: str | None = f"/api/search?mode=removed&q={PHRASE}&limit=3"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        seen += [_name(hit["url"]) for hit in response.json()]
        link = LINK.search(response.headers.get("link", ""))
        url = link.group(1) if link else None
        if url is not None:
            assert "after=" in url and "offset=" not in url
    assert seen == NAMES
    first = client.get(f"/api/search?mode=removed&q={PHRASE}&limit=1").json()[0]
    assert first["last_change_at"] == "2025-04-21T19:00:00+00:00"  # T0 + 10 h: its last change


@pytest.mark.parametrize("key", ["x", "12@", "12@yesterday", "-3", "١٢"])
def test_a_forged_key_is_a_bad_request(client: Client, key: str) -> None:
    for path in ("/api/search", "/search"):
        response = client.get(path, params={"mode": "removed", "q": PHRASE, "after": key})
        assert response.status_code == 400, (path, key)
        assert "not a page key" in response.text


def test_the_web_page_pages_by_key(
    client: Client, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 3)
    listed: list[int] = []
    url: str | None = f"/search?mode=removed&q={PHRASE}"
    for number in range(1, 10):
        response = client.get(url)
        assert response.status_code == 200
        results = response.text.split('<ol class="results">')[1].split("</ol>")[0]
        listed += [int(n) for n in re.findall(r'<li>\s*<a href="[^"]*/articles/(\d+)"', results)]
        pager = PAGER.search(response.text)
        assert pager is not None
        links = {
            label: html.unescape(href)
            for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', pager.group(1))
        }
        if number > 1:  # no way back by key: back to the first page
            assert "after=" not in links["First page"] and "q=" in links["First page"]
        url = links.get("Next")
        if url is None:
            break
    assert number == -(-len(NAMES) // 3)  # 3 a page, the last one full
    assert listed == [hit.article_id for hit in store.removed_text(PHRASE, limit=50)]
    assert len(listed) == len(NAMES)
