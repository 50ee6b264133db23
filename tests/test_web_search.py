"""Search over every version and the "removed text" mode, on SQLite (FTS5) and PostgreSQL
(tsvector), over stores the real pipeline filled; and the search objects of migration 0002
staying out of the schema comparison."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from databases import database_url
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.store import SqlStore
from scrubwatch.store.records import MARK_START
from scrubwatch.store.schema import metadata
from scrubwatch.store.search import include_name
from web_support import Scene, build_scene

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def scene(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Scene]:
    with database_url(request.param, tmp_path) as url, FakeOutlet() as outlet:
        built = build_scene(tmp_path / "data", outlet, db=url)
        yield built
        built.store.close()


def test_search_finds_every_version(scene: Scene) -> None:
    hits = scene.store.search_versions("Zangezur")
    assert [(h.url, h.version, h.latest_version) for h in hits] == [(scene.scrubbed_url, 1, 2)]
    assert MARK_START + "Zangezur" in hits[0].snippet
    both = scene.store.search_versions("Ilham Aliyev")
    assert sorted(h.version for h in both) == [1, 2]
    assert scene.store.search_versions("nothing-like-this-anywhere") == []


def test_removed_text(scene: Scene) -> None:
    [hit] = scene.store.removed_text("Zangezur corridor")
    assert (hit.url, hit.last_with, hit.latest_version, hit.gone) == (
        scene.scrubbed_url,
        1,
        2,
        False,
    )
    assert hit.removed_at is not None
    assert scene.store.removed_text("Ilham Aliyev") == []
    [gone] = scene.store.removed_text("Middle Corridor")
    assert (gone.url, gone.gone) == (scene.deleted_url, True)
    assert scene.store.removed_text("corridor Zangezur") == []


def test_migrations_match_the_schema_once_search_objects_are_filtered(scene: Scene) -> None:
    store: SqlStore = scene.store
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        assert compare_metadata(context, metadata) == []


def test_private_use_characters_never_reach_stored_text() -> None:
    """The search highlights are marked with two private-use characters: text an outlet
    writes cannot carry them, so it cannot fake a highlight."""
    from scrubwatch.extract.document import extract_document
    from scrubwatch.store.records import MARK_END, MARK_START

    story = "Officials said the talks would go on. " * 20
    html = (
        "<html><head><title>Talks \ue000go on\ue001</title></head><body><article>"
        f"<p>{story}\ue000faked highlight\ue001 and an icon \uf101 glyph.</p>"
        "</article></body></html>"
    )
    document = extract_document(html.encode(), "https://news.example/a", "text/html")
    text = f"{document.title}\n{document.text}"
    assert "faked highlight" in text and "Talks go on" in text
    assert MARK_START not in text and MARK_END not in text and "\uf101" not in text
