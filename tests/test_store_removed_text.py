"""Removed-text search over histories of every shape, page by page, on real SQLite and
PostgreSQL: first pages come from a walk over the changed articles in page order
(`scrubwatch.store.search._removed_walk`), the rest from the whole question; both must give
the same hits in the same order, whatever the walk's length. An article that never changed
(an imported history, say) comes last on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from removed_histories import EXPECTED, PHRASE, T0, fill_histories
from scrubwatch.store import SqlStore, search
from scrubwatch.store import schema as t
from scrubwatch.store.records import PageKey, RemovedHit


def _described(hits: list[RemovedHit]) -> list[tuple[str, int, int, bool]]:
    return [
        (hit.url.rsplit("/", 1)[1], hit.last_with, hit.latest_version, hit.gone) for hit in hits
    ]


def _shown(store: SqlStore, limit: int, offset: int) -> list[tuple[str, int, int, bool]]:
    return _described(store.removed_text(PHRASE, limit=limit, offset=offset))


@pytest.mark.parametrize("walked", [4, 8, 1000])
@pytest.mark.parametrize("few", [0, 1000])  # 0: walk whatever the number of candidates
def test_every_page_is_a_slice_of_one_order(
    store: SqlStore, walked: int, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "_WALKED", walked)
    monkeypatch.setattr(search, "_FEW", {"sqlite": few, "postgresql": few})
    fill_histories(store)
    assert _shown(store, 50, 0) == EXPECTED
    for size in (1, 2, 3, 4):
        pages = [_shown(store, size, start) for start in range(0, len(EXPECTED) + 2, size)]
        assert [hit for page in pages for hit in page] == EXPECTED, size


@pytest.mark.parametrize("walked", [4, 8, 1000])
@pytest.mark.parametrize("few", [0, 1000])
def test_pages_after_a_key_follow_one_another(
    store: SqlStore, walked: int, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paging by key (each page after the last hit of the one before), as the web UI and the
    API do, gives every hit once, in the one order, through ties and never-changed hits."""
    monkeypatch.setattr(search, "_WALKED", walked)
    monkeypatch.setattr(search, "_FEW", {"sqlite": few, "postgresql": few})
    fill_histories(store)
    for size in (1, 2, 3, 4):
        seen: list[RemovedHit] = []
        page = store.removed_text(PHRASE, limit=size)
        while page:
            seen += page
            page = store.removed_text(PHRASE, limit=size, after=page[-1].key)
        assert _described(seen) == EXPECTED, size


def test_a_key_keeps_its_place_when_its_article_changes_again(store: SqlStore) -> None:
    """A key holds the time it was made with: the hit it came from moving to the top of the
    list (a newer change) does not move the next page."""
    fill_histories(store)
    first = store.removed_text(PHRASE, limit=2)
    assert [hit.changed_at for hit in first] == [T0 + timedelta(hours=10), T0 + timedelta(hours=9)]
    with store.engine.begin() as conn:
        conn.execute(
            t.articles.update()
            .where(t.articles.c.id == first[-1].article_id)
            .values(last_change_at=T0 + timedelta(hours=20))
        )
    after = store.removed_text(PHRASE, limit=2, after=first[-1].key)
    assert _described(after) == EXPECTED[2:4]
    assert store.removed_text(PHRASE, after=PageKey(None, 1)) == []


def test_what_a_hit_says(store: SqlStore) -> None:
    fill_histories(store)
    hits = {hit.url.rsplit("/", 1)[1]: hit for hit in store.removed_text(PHRASE)}
    scrubbed = hits["scrubbed"]
    assert scrubbed.title == "Title 2" and scrubbed.outlet == "news.example"
    assert scrubbed.removed_at == T0 + timedelta(minutes=2)
    assert hits["flip-flop"].removed_at is None  # no version after the last that said it
    assert store.removed_text("corridor Zangezur") == []
    assert store.removed_text("More") == []  # only ever added
    assert store.removed_text("!!") == []
