"""Scrub waves on the web: the Waves page, `/api/waves` and the Atom feed of waves, over a
store the real pipeline filled from two fake outlets (English and Russian)."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import wave_stories as s
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store
from scrubwatch.waves import wave_to_json
from scrubwatch.web import create_app
from web_support import Client

pytestmark = pytest.mark.slow
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2">'


@dataclass
class WaveScene:
    settings: Settings
    store: SqlStore
    urls: list[str]


async def _pass(settings: Settings, store: SqlStore, watch: list[str]) -> None:
    async with Runner(settings, store) as runner:
        for url in watch:
            await runner.watch(url)
        await runner.check_pass(all_articles=True)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WaveScene]:
    with FakeOutlet("Ledger") as en, FakeOutlet("Vestnik") as ru:
        title, paragraphs = s.CORRIDOR_EN
        urls = [
            en.publish("corridor", f"{HOSTILE} {title}", (*paragraphs[:3], HOSTILE)),
            ru.publish("koridor", *s.CORRIDOR_RU, language="ru"),
        ]
        settings = Settings(data_dir=tmp_path_factory.mktemp("waves") / "data")
        store = open_store(settings)
        asyncio.run(_pass(settings, store, [en.base_url, ru.base_url]))
        en.delete("corridor")
        ru.delete("koridor")
        asyncio.run(_pass(settings, store, []))
        yield WaveScene(settings, store, urls)
        store.close()


@pytest.fixture(scope="module")
def client(scene: WaveScene) -> Client:
    return Client(create_app(scene.settings, store=scene.store))


def test_the_api_lists_the_wave_as_the_cli_does(client: Client, scene: WaveScene) -> None:
    answer = client.get("/api/waves")
    assert answer.status_code == 200
    [wave] = answer.json()
    assert sorted(c["url"] for c in wave["changes"]) == sorted(scene.urls)
    assert wave == wave_to_json(scene.store.wave_list()[0], f"{client.base_url}/")
    assert client.get("/api/waves", params={"since": "2999-01-01T00:00:00"}).json() == []
    assert client.get("/api/waves", params={"limit": 0}).status_code == 422


def test_the_waves_page_shows_a_timeline_with_links_and_escapes_article_text(
    client: Client, scene: WaveScene
) -> None:
    [wave] = scene.store.wave_list()
    for path in ("/waves", f"/waves/{wave.id}"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>window" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;window.__pwned" in page.text
        for member in wave.members:
            assert f'href="{member.diff_path}"' in page.text
            assert f"/api/changes/{member.change_id}/evidence" in page.text
        assert s.CORRIDOR_RU[0] in page.text
    bundle = client.get(f"/api/changes/{wave.members[0].change_id}/evidence?screenshots=false")
    assert bundle.status_code == 200 and bundle.content[:2] == b"PK"  # a WACZ (ZIP) file
    assert client.get("/waves/999999").status_code == 404
    assert '/waves">Waves</a>' in client.get("/").text  # in the navigation


def test_the_atom_feed_has_one_entry_per_wave(client: Client, scene: WaveScene) -> None:
    answer = client.get("/feeds/waves.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    [entry] = feed.findall(f"{ATOM}entry")
    [wave] = scene.store.wave_list()
    assert entry.findtext(f"{ATOM}id") == f"tag:scrubwatch,2026:wave:{wave.id}"
    content = entry.findtext(f"{ATOM}content") or ""
    assert all(url in content for url in scene.urls)
