"""Changes filtered by a term, on real SQLite and PostgreSQL: a page comes from the newest
changes or, when they do not fill it, from all (on SQLite from the candidates of the trigram
table: migration 0017, `reads._termed_page`); whichever way, every page must be the slice of
the one order the plain query gives, for common, rare, short, non-ASCII and LIKE-special
terms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scrubwatch.model import Outlet
from scrubwatch.store import SqlStore, reads
from scrubwatch.store import schema as t
from scrubwatch.store.records import ChangeFilter, PageKey

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
SUMMARIES = (
    "no longer mentions 'Zangezur corridor'",
    "2 sentences removed",
    "no longer mentions 'ZÜRICH talks'",
    "growth of 100% became 10_0",
    'a quote "Aliyev said" was cut',
)
DETAILS = (
    {"removed": ["The Zangezur corridor would be built."]},
    {"removed": ["Talks in Zürich went on."]},
    {"added": ["Aliyev met them."]},
    {},
    {"removed": ["EU said 50% more."]},
)
TERMS = ("zangezur", "Zangezur corridor", "aliyev", "zürich", "ZÜRICH", "100%", "10_0", "eu")
TERMS += ('"aliyev', "absent", "corridor'", "ta")


def _fill(store: SqlStore) -> None:
    """Forty changes of one article, some at the same moment, with the texts above mixed."""
    store.upsert_outlet(Outlet(host="news.example", homepage="https://news.example/"), T0)
    [article] = store.add_articles("news.example", ["https://news.example/a"], "feed", T0)
    rows = [
        {
            "article_id": article.id,
            "detected_at": T0 + timedelta(hours=n // 3),
            "kind": "edited",
            "severity": "substantive",
            "summary": SUMMARIES[(n * 3) % len(SUMMARIES)],
            "details": DETAILS[(n * 7) % len(DETAILS)],
        }
        for n in range(40)
    ]
    with store.engine.begin() as conn:
        conn.execute(t.changes.insert(), rows)


def _ids(store: SqlStore, term: str, limit: int, offset: int) -> list[tuple[str, object]]:
    page = store.change_page(ChangeFilter(term=term), limit=limit, offset=offset)
    return [(c.summary, c.detected_at) for c in page]


@pytest.mark.parametrize("newest", [2, 7, 10**9])  # 10**9: the plain query, the reference
def test_every_page_is_a_slice_of_one_order(
    store: SqlStore, newest: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(store)
    monkeypatch.setattr(reads, "_NEWEST_PER_ROW", 1)
    for term in TERMS:
        monkeypatch.setattr(reads, "_NEWEST", 10**9)
        everything = _ids(store, term, 100, 0)
        monkeypatch.setattr(reads, "_NEWEST", newest)
        for size in (1, 3, 50):
            pages = [_ids(store, term, size, start) for start in range(0, 42, size)]
            assert [row for page in pages for row in page] == everything, (term, size)


def test_terms_find_what_they_say(store: SqlStore) -> None:
    _fill(store)
    assert len(_ids(store, "aliyev", 100, 0)) == 16  # in 8 summaries and in 8 diffs
    assert _ids(store, "absent", 100, 0) == []
    assert {s for s, _at in _ids(store, "100%", 100, 0)} == {SUMMARIES[3]}


@pytest.mark.parametrize("newest", [2, 7, 10**9])
def test_pages_after_a_key_follow_one_another(
    store: SqlStore, newest: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paging by key (each page after the last change of the one before), as the web UI and
    the API do, through changes detected at the same moment, with a term or none: every
    change once, in the one order; the newest-changes step counts from the key."""
    _fill(store)
    monkeypatch.setattr(reads, "_NEWEST_PER_ROW", 1)
    monkeypatch.setattr(reads, "_NEWEST", newest)
    for term in (None, *TERMS):
        everything = store.change_page(ChangeFilter(term=term), limit=100)
        for size in (1, 3, 50):
            seen: list[int | None] = []
            page = store.change_page(ChangeFilter(term=term), limit=size)
            while page:
                seen += [change.id for change in page]
                key = PageKey.of_change(page[-1])
                page = store.change_page(ChangeFilter(term=term), limit=size, after=key)
            assert seen == [change.id for change in everything], (term, size)
    assert store.change_page(ChangeFilter(), after=PageKey(None, 10**6)) == []
