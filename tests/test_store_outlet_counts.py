"""Each outlet's article and change counts, kept on its row by triggers (migration 0014):
right after every kind of write, on real SQLite and PostgreSQL, and rebuilt by the
migration for a store that already has a history; and PostgreSQL sessions without JIT,
which made those reads slower than the counting they replace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text

import scrubwatch.migrations
from databases import postgres_schema
from scrubwatch.model import (
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Change,
    ChangeKind,
    DeletionKind,
    Outlet,
)
from scrubwatch.store import CheckRecord, SqlStore
from scrubwatch.store import schema as t

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)


def _watch(store: SqlStore, host: str, count: int) -> list[Article]:
    store.upsert_outlet(Outlet(host=host, homepage=f"https://{host}/"), T0)
    urls = [f"https://{host}/a/{n}" for n in range(count)]
    return store.add_articles(host, urls, "feed", T0)


def _delete(store: SqlStore, article: Article, at: datetime, key: str | None = None) -> None:
    """One check that finds the article gone: a capture and a deletion change."""
    assert article.id is not None
    change = Change(
        url=article.url,
        outlet=article.url.split("/")[2],
        detected_at=at,
        kind=ChangeKind.DELETED,
        from_version=None,
        to_version=None,
        summary="Article deleted (HTTP 404)",
        deletion=DeletionKind.HTTP_404,
    )
    capture = Capture(
        article_id=article.id,
        fetched_at=at,
        url=article.url,
        outcome=CaptureOutcome.GONE,
        status=404,
        idempotency_key=key,
    )
    store.record_check(
        CheckRecord(
            article=article,
            capture=capture,
            state=ArticleState.GONE,
            next_check_at=None,
            change=change,
        )
    )


def _counts(store: SqlStore) -> dict[str, tuple[int, int]]:
    """host -> (articles, changes) as the outlets page shows them."""
    return {h.host: (h.articles, h.changes) for h in store.outlet_health(T0)}


def _recounted(store: SqlStore) -> dict[str, tuple[int, int]]:
    """host -> (articles, changes) counted from the articles and changes themselves."""
    a, c, o = t.articles.c, t.changes.c, t.outlets.c
    articles = select(func.count()).where(a.outlet_id == o.id).scalar_subquery()
    changes = (
        select(func.count())
        .select_from(t.changes.join(t.articles, c.article_id == a.id))
        .where(a.outlet_id == o.id)
        .scalar_subquery()
    )
    with store.engine.connect() as conn:
        rows = conn.execute(select(o.host, articles, changes)).all()
    return {row[0]: (int(row[1]), int(row[2])) for row in rows}


def test_counts_follow_new_articles_and_changes(store: SqlStore) -> None:
    assert _counts(store) == {}
    one = _watch(store, "one.example", 3)
    _watch(store, "two.example", 2)
    assert _counts(store) == {"one.example": (3, 0), "two.example": (2, 0)}
    _delete(store, one[1], T0 + timedelta(hours=1))
    _delete(store, one[2], T0 + timedelta(hours=2))
    store.add_articles(
        "two.example", ["https://two.example/a/0", "https://two.example/b"], "feed", T0
    )
    expected = {"one.example": (3, 2), "two.example": (3, 0)}
    assert _counts(store) == expected == _recounted(store)


def test_a_retried_check_counts_its_change_once(store: SqlStore) -> None:
    [article] = _watch(store, "one.example", 1)
    for _ in range(2):  # a worker's task retried after its write went through
        _delete(store, article, T0 + timedelta(hours=1), key="check-1")
    assert _counts(store) == {"one.example": (1, 1)} == _recounted(store)


def test_the_migration_counts_an_existing_history(store: SqlStore) -> None:
    """Down to the schema before the counts, then up again: the migration counts what is
    there (a store upgraded with a year of history shows the right numbers at once)."""
    one = _watch(store, "one.example", 4)
    _watch(store, "two.example", 1)
    _delete(store, one[0], T0 + timedelta(hours=1))
    config = Config()
    config.set_main_option("script_location", scrubwatch.migrations.__path__[0])
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0012")
        command.upgrade(config, "head")
    assert _counts(store) == {"one.example": (4, 1), "two.example": (1, 0)}
    _delete(store, one[1], T0 + timedelta(hours=2))  # the triggers are back too
    assert _counts(store) == {"one.example": (4, 2), "two.example": (1, 0)} == _recounted(store)


def test_postgresql_sessions_do_not_jit_compile() -> None:
    """Outlet health's per-row subqueries pass PostgreSQL's JIT cost threshold, and the
    compiling cost more than the query: every session of the store turns JIT off, reading
    and writing alike."""
    with postgres_schema() as url:
        store = SqlStore.open(url)
        try:
            for engine in (store.engine, store.reader):
                with engine.connect() as conn:
                    assert conn.execute(text("SHOW jit")).scalar() == "off"
        finally:
            store.close()
