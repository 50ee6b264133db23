"""The changes list and removed-text search paged by key through the web UI and the JSON
API, on SQLite and PostgreSQL: following "Older" / "Next" (the pages) or
`Link: rel="next"` (the API) from the first page lists every row once, in the store's
order; a forged key is a clear 400."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest

from removed_histories import EXPECTED, PHRASE, T0, fill_histories
from scrubwatch.config import Settings
from scrubwatch.store import SqlStore
from scrubwatch.store import schema as t
from scrubwatch.store.records import ChangeFilter
from scrubwatch.web import create_app, pages
from web_support import Client

NAMES = [name for name, *_ in EXPECTED]
LINK = re.compile(r'<([^>]+)>; rel="next"')
PAGER = re.compile(r'<nav class="pager">(.*?)</nav>', re.S)


CHANGES = 23  # detected three at a time: ties that only the change id orders


@pytest.fixture
def client(store: SqlStore, tmp_path: Path) -> Client:
    fill_histories(store)
    article = store.article_by_id(1)
    assert article is not None
    rows = [
        {
            "article_id": article.id,
            "detected_at": T0 + timedelta(hours=n // 3),
            "kind": "edited",
            "severity": "substantive",
            "summary": f"change {n}: no longer mentions 'Zangezur corridor'",
            "details": {},
        }
        for n in range(CHANGES)
    ]
    with store.engine.begin() as conn:
        conn.execute(t.changes.insert(), rows)
    return Client(create_app(Settings(data_dir=tmp_path / "data"), store=store))


def _pager(body: str) -> dict[str, str]:
    """The pager's links, label -> URL."""
    pager = PAGER.search(body)
    assert pager is not None
    found = re.findall(r'<a href="([^"]+)">([^<]+)</a>', pager.group(1))
    return {label: html.unescape(href) for href, label in found}


@pytest.mark.parametrize("term", ["", "zangezur"])
def test_the_api_pages_changes_by_key(client: Client, store: SqlStore, term: str) -> None:
    seen: list[int] = []
    url: str | None = f"/api/changes?limit=4&term={term}"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        seen += [change["id"] for change in response.json()]
        link = LINK.search(response.headers.get("link", ""))
        url = link.group(1) if link else None
    expected = store.change_page(ChangeFilter(term=term or None), limit=100)
    assert seen == [change.id for change in expected] and len(seen) == CHANGES


def test_the_changes_page_pages_by_key(
    client: Client, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 5)
    listed: list[int] = []
    url: str | None = "/?term=corridor"
    for number in range(1, 10):
        body = client.get(url).text
        listed += [int(n) for n in re.findall(r"/api/changes/(\d+)/evidence", body)]
        links = _pager(body)
        if number > 1:  # no way back by key: back to the newest
            assert "after=" not in links["Newest"] and "term=corridor" in links["Newest"]
        url = links.get("Older")
        if url is None:
            break
    assert number == -(-CHANGES // 5)
    assert listed == [change.id for change in store.change_page(ChangeFilter(), limit=100)]


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


@pytest.mark.parametrize(
    "key",
    ["x", "12@", "12@yesterday", "-3", "١٢", "9" * 30, "9" * 30 + "@2025-04-21T09:00:00.000000Z"],
)
def test_a_forged_key_is_a_bad_request(client: Client, key: str) -> None:
    for path in ("/api/search", "/search", "/api/changes", "/"):
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
        links = _pager(response.text)
        if number > 1:  # no way back by key: back to the first page
            assert "after=" not in links["First page"] and "q=" in links["First page"]
        url = links.get("Next")
        if url is None:
            break
    assert number == -(-len(NAMES) // 3)  # 3 a page, the last one full
    assert listed == [hit.article_id for hit in store.removed_text(PHRASE, limit=50)]
    assert len(listed) == len(NAMES)
