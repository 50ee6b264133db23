"""Removed-text search over histories of every shape, page by page, on real SQLite and
PostgreSQL: first pages come from a walk over the changed articles in page order
(`scrubwatch.store.search._removed_walk`), the rest from the whole question; both must give
the same hits in the same order, whatever the walk's length. An article that never changed
(an imported history, say) comes last on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scrubwatch.model import Outlet
from scrubwatch.store import SqlStore, search
from scrubwatch.store import schema as t

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
SAID = "Officials said the Zangezur corridor would be built."
OTHER = "Officials said the talks would go on."
APART = "The corridor was discussed; Zangezur was not named."

# name -> (texts of its versions, oldest first; latest version; gone; hours to last change,
# None when it never changed)
HISTORIES: dict[str, tuple[tuple[str, ...], int, bool, int | None]] = {
    "scrubbed": ((SAID, OTHER), 2, False, 9),
    "kept": ((SAID, SAID + " " + OTHER), 2, False, 8),
    "deleted": ((SAID,), 1, True, 7),
    "put-back": ((SAID, OTHER, SAID), 3, False, 6),
    "flip-flop": ((OTHER, SAID), 1, False, 5),  # back to version 1 (reuse_version)
    "apart": ((APART, OTHER), 2, False, 4),  # both words, never the phrase
    "scrubbed-later": ((SAID, SAID, OTHER), 3, False, 3),
    "deleted-edited": ((SAID, OTHER), 2, True, 2),
    "never-had-it": ((OTHER, OTHER + " More."), 2, False, 1),
    "scrubbed-first": ((SAID, OTHER), 2, False, 10),
    "never-changed": ((SAID, OTHER), 2, False, None),
    "never-changed-kept": ((SAID,), 1, False, None),
}
# Newest change first: every history that said it, then stopped saying it or went away.
EXPECTED = [
    ("scrubbed-first", 1, 2, False),
    ("scrubbed", 1, 2, False),
    ("deleted", 1, 1, True),
    ("flip-flop", 2, 1, False),
    ("scrubbed-later", 2, 3, False),
    ("deleted-edited", 1, 2, True),
    ("never-changed", 1, 2, False),
]


def _fill(store: SqlStore) -> None:
    """The histories, written as the pipeline's rows (FTS5 triggers and PostgreSQL's stored
    search document follow by themselves)."""
    store.upsert_outlet(Outlet(host="news.example", homepage="https://news.example/"), T0)
    urls = [f"https://news.example/{name}" for name in HISTORIES]
    articles = store.add_articles("news.example", urls, "feed", T0)
    with store.engine.begin() as conn:
        for article, (texts, latest, gone, hours) in zip(articles, HISTORIES.values(), strict=True):
            conn.execute(
                t.articles.update()
                .where(t.articles.c.id == article.id)
                .values(
                    latest_version=latest,
                    state="gone" if gone else "live",
                    last_change_at=None if hours is None else T0 + timedelta(hours=hours),
                )
            )
            for number, body in enumerate(texts, start=1):
                conn.execute(
                    t.versions.insert().values(
                        article_id=article.id,
                        number=number,
                        first_seen=T0 + timedelta(minutes=number),
                        title=f"Title {number}",
                        fingerprint=f"{article.id}-{number}",
                        paragraphs=[body],
                    )
                )


def _shown(store: SqlStore, limit: int, offset: int) -> list[tuple[str, int, int, bool]]:
    return [
        (hit.url.rsplit("/", 1)[1], hit.last_with, hit.latest_version, hit.gone)
        for hit in store.removed_text("Zangezur corridor", limit=limit, offset=offset)
    ]


@pytest.mark.parametrize("walked", [4, 8, 1000])
@pytest.mark.parametrize("few", [0, 1000])  # 0: walk whatever the number of candidates
def test_every_page_is_a_slice_of_one_order(
    store: SqlStore, walked: int, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "_WALKED", walked)
    monkeypatch.setattr(search, "_FEW", {"sqlite": few, "postgresql": few})
    _fill(store)
    assert _shown(store, 50, 0) == EXPECTED
    for size in (1, 2, 3, 4):
        pages = [_shown(store, size, start) for start in range(0, len(EXPECTED) + 2, size)]
        assert [hit for page in pages for hit in page] == EXPECTED, size


def test_what_a_hit_says(store: SqlStore) -> None:
    _fill(store)
    hits = {hit.url.rsplit("/", 1)[1]: hit for hit in store.removed_text("Zangezur corridor")}
    scrubbed = hits["scrubbed"]
    assert scrubbed.title == "Title 2" and scrubbed.outlet == "news.example"
    assert scrubbed.removed_at == T0 + timedelta(minutes=2)
    assert hits["flip-flop"].removed_at is None  # no version after the last that said it
    assert store.removed_text("corridor Zangezur") == []
    assert store.removed_text("More") == []  # only ever added
    assert store.removed_text("!!") == []
