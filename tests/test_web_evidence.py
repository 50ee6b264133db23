"""The web face of evidence bundles: `/api/changes/{id}/evidence` serves the same WACZ the
CLI writes (it passes `verify`), and every change on the changes page links to it.

Screenshots are left out here (`?screenshots=false`); `test_evidence_screenshots` covers
rendering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.evidence import verify_bundle
from scrubwatch.web import create_app
from web_support import Client, Scene, build_scene

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with FakeOutlet() as outlet:
        built = build_scene(tmp_path_factory.mktemp("web-evidence") / "data", outlet)
        yield built
        built.store.close()


@pytest.fixture(scope="module")
def client(scene: Scene) -> Client:
    return Client(create_app(scene.settings, store=scene.store))


def test_the_api_serves_a_bundle_that_verifies(
    client: Client, scene: Scene, tmp_path: Path
) -> None:
    change = next(c for c in scene.store.changes() if c.url == scene.deleted_url)
    response = client.get(f"/api/changes/{change.id}/evidence?screenshots=false")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/wacz"
    assert f"scrubwatch-change-{change.id}.wacz" in response.headers["content-disposition"]
    path = tmp_path / "download.wacz"
    path.write_bytes(response.content)
    result = verify_bundle(path)
    assert result.ok, result.failures


def test_an_unknown_change_is_a_404(client: Client) -> None:
    assert client.get("/api/changes/99999/evidence?screenshots=false").status_code == 404


def test_every_change_links_to_its_evidence(client: Client, scene: Scene) -> None:
    page = client.get("/").text
    linked = set(re.findall(r'href="[^"]*/api/changes/(\d+)/evidence"', page))
    assert linked == {str(c.id) for c in scene.store.changes()}
    assert "Download evidence (WACZ)" in page


def test_the_article_page_shows_every_version_text_escaped(client: Client, scene: Scene) -> None:
    """A deleted article still shows its last text; hostile text stays text."""
    for url in (scene.deleted_url, scene.hostile_url):
        article = scene.store.article(url)
        assert article is not None and article.id is not None
        page = client.get(f"/articles/{article.id}").text
        for version in scene.store.versions(article.id):
            assert f"Version {version.number}, first seen" in page
    assert "<script>window.__pwned" not in page and "&lt;script&gt;" in page
    deleted = scene.store.article(scene.deleted_url)
    assert deleted is not None and deleted.id is not None
    shown = client.get(f"/articles/{deleted.id}").text
    last = scene.store.versions(deleted.id)[-1]
    assert all(p.replace("'", "&#39;") in shown for p in last.document.paragraphs)


def test_the_changes_page_names_what_was_deleted(client: Client, scene: Scene) -> None:
    """A deletion lists the title of the article that went (its last version)."""
    page = client.get("/").text
    assert '<p class="headline">Baku port handles record cargo volume</p>' in page
    assert "&lt;script&gt;" in page and "<script>window.__pwned" not in page
