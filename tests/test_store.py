"""The store contract: what the pipeline and the faces rely on, on real SQLite and
PostgreSQL databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import scrubwatch.migrations
from scrubwatch.model import (
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Change,
    ChangeKind,
    DeletionKind,
    Diff,
    Document,
    Outlet,
    Severity,
    TextPair,
    WarcRef,
)
from scrubwatch.store import CheckRecord, SqlStore, schema
from scrubwatch.store.engine import newest_revision
from scrubwatch.store.schema import metadata
from scrubwatch.store.search import include_name

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
URL = "https://news.example/a/zangezur"


def _article(store: SqlStore) -> Article:
    store.upsert_outlet(Outlet(host="news.example", homepage="https://news.example/"), T0)
    [article] = store.add_articles("news.example", [URL], "feed", T0)
    return article


def _capture(article: Article, at: datetime, outcome: CaptureOutcome, **kw: object) -> Capture:
    assert article.id is not None
    return Capture(article_id=article.id, fetched_at=at, url=article.url, outcome=outcome, **kw)  # type: ignore[arg-type]


def _doc(*paragraphs: str, title: str = "Headline") -> Document:
    return Document(title=title, paragraphs=paragraphs)


def test_migrations_match_the_schema(store: SqlStore) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diffs = compare_metadata(context, metadata)
    assert diffs == []


def test_the_newest_revision_is_known_without_alembic(store: SqlStore) -> None:
    """Opening a store at the newest revision skips Alembic: that needs every migration
    file named after its revision, so the newest name is the head."""
    config = Config()
    config.set_main_option("script_location", str(Path(scrubwatch.migrations.__file__).parent))
    scripts = ScriptDirectory.from_config(config)
    for script in scripts.walk_revisions():
        assert Path(str(script.path)).name.startswith(f"{script.revision}_")
    assert newest_revision() == scripts.get_current_head()
    with store.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == newest_revision()


def test_outlet_upsert_merges_sources(store: SqlStore) -> None:
    store.upsert_outlet(Outlet(host="news.example", feeds=("https://news.example/rss",)), T0)
    merged = store.upsert_outlet(
        Outlet(
            host="news.example",
            homepage="https://news.example/",
            feeds=("https://news.example/atom",),
        ),
        T0,
    )
    assert merged.feeds == ("https://news.example/rss", "https://news.example/atom")
    assert merged.homepage == "https://news.example/"
    assert [o.host for o in store.outlets()] == ["news.example"]


def test_add_articles_returns_only_new_ones_and_they_are_due(store: SqlStore) -> None:
    article = _article(store)
    assert article.state == ArticleState.NEW and article.next_check_at == T0
    again = store.add_articles("news.example", [URL, URL + "-2"], "feed", T0)
    assert [a.url for a in again] == [URL + "-2"]
    assert [a.url for a in store.articles(due_at=T0)] == [URL, URL + "-2"]
    assert store.articles(due_at=T0 - timedelta(seconds=1)) == []


def test_due_articles_are_those_due_by_id(store: SqlStore) -> None:
    """The runner's pass reads the due articles by id, whatever their next check (SQLite is
    told the due ones are few; the order must not change with the plan)."""
    _article(store)
    urls = [f"{URL}-{n}" for n in range(6)]
    added = store.add_articles("news.example", urls, "feed", T0)
    for n, article in enumerate(added):
        assert article.id is not None
        store.set_next_check(article.id, T0 + timedelta(hours=(5 - n) % 4))
    due = store.articles(due_at=T0 + timedelta(hours=2))
    assert [a.url for a in due] == [URL, *[u for n, u in enumerate(urls) if (5 - n) % 4 <= 2]]


def test_record_check_numbers_versions_and_links_changes(store: SqlStore) -> None:
    article = _article(store)
    first = store.record_check(
        CheckRecord(
            article=article,
            capture=_capture(
                article,
                T0,
                CaptureOutcome.NEW_VERSION,
                body_sha256="a" * 64,
                warc=WarcRef("f.warc.gz", 0, 100),
            ),
            state=ArticleState.LIVE,
            next_check_at=T0 + timedelta(minutes=15),
            new_document=_doc("One.", "Two."),
        )
    )
    assert first.version == 1 and first.id is not None
    article = store.article(URL)
    assert (
        article is not None and article.latest_version == 1 and article.state == ArticleState.LIVE
    )

    later = T0 + timedelta(hours=2)
    diff = Diff(
        severity=Severity.SUBSTANTIVE,
        sentences_removed=("Two.",),
        numbers_changed=(TextPair("$3.7 billion", "$3.2 billion"),),
        summary="1 sentence removed",
    )
    edit = Change(
        url=URL,
        outlet="news.example",
        detected_at=later,
        kind=ChangeKind.EDITED,
        from_version=1,
        to_version=None,
        summary=diff.summary,
        severity=Severity.SUBSTANTIVE,
        diff=diff,
    )
    second = store.record_check(
        CheckRecord(
            article=article,
            capture=_capture(article, later, CaptureOutcome.NEW_VERSION),
            state=ArticleState.LIVE,
            next_check_at=later + timedelta(minutes=15),
            new_document=_doc("One."),
            change=edit,
        )
    )
    assert second.version == 2
    [stored] = store.changes()
    assert (stored.from_version, stored.to_version) == (1, 2)
    assert stored.diff == diff
    assert stored.outlet == "news.example"
    assert [v.document.paragraphs for v in store.versions(article.id or 0)] == [
        ("One.", "Two."),
        ("One.",),
    ]


def test_unchanged_and_failed_captures(store: SqlStore) -> None:
    article = _article(store)
    store.record_check(
        CheckRecord(
            article,
            _capture(article, T0, CaptureOutcome.NEW_VERSION),
            ArticleState.LIVE,
            T0,
            new_document=_doc("One."),
        )
    )
    article = store.article(URL) or article
    same = store.record_check(
        CheckRecord(
            article,
            _capture(article, T0 + timedelta(hours=1), CaptureOutcome.UNCHANGED),
            ArticleState.LIVE,
            T0,
        )
    )
    assert same.version == 1
    article = store.article(URL) or article
    failed = store.record_check(
        CheckRecord(
            article,
            _capture(article, T0 + timedelta(hours=2), CaptureOutcome.FAILED, error="timed out"),
            ArticleState.LIVE,
            T0,
        )
    )
    assert failed.version is None
    refreshed = store.article(URL)
    assert refreshed is not None
    assert refreshed.consecutive_failures == 1 and refreshed.check_count == 3
    assert [c.outcome for c in store.captures(article.id or 0)] == [
        CaptureOutcome.NEW_VERSION,
        CaptureOutcome.UNCHANGED,
        CaptureOutcome.FAILED,
    ]


def test_first_body_finds_the_earliest_archived_copy(store: SqlStore) -> None:
    article = _article(store)
    for i in range(2):
        store.record_check(
            CheckRecord(
                article,
                _capture(
                    article,
                    T0 + timedelta(hours=i),
                    CaptureOutcome.UNCHANGED,
                    body_sha256="b" * 64,
                    warc=WarcRef(f"f{i}.warc.gz", 10 * i, 5),
                ),
                ArticleState.LIVE,
                T0,
            )
        )
    found = store.first_body("b" * 64)
    assert found is not None and found.warc.filename == "f0.warc.gz" and found.fetched_at == T0
    assert store.first_body("c" * 64) is None


def test_changes_filters_and_order(store: SqlStore) -> None:
    article = _article(store)
    for hours, kind in ((1, ChangeKind.DELETED), (2, ChangeKind.RESTORED)):
        at = T0 + timedelta(hours=hours)
        change = Change(
            url=URL,
            outlet="news.example",
            detected_at=at,
            kind=kind,
            from_version=1,
            to_version=None if kind == ChangeKind.DELETED else 1,
            summary=kind.value,
            deletion=DeletionKind.HTTP_404 if kind == ChangeKind.DELETED else None,
        )
        store.record_check(
            CheckRecord(
                store.article(URL) or article,
                _capture(article, at, CaptureOutcome.GONE),
                ArticleState.GONE,
                None,
                change=change,
            )
        )
    assert [c.kind for c in store.changes()] == [ChangeKind.RESTORED, ChangeKind.DELETED]
    assert [c.kind for c in store.changes(kind=ChangeKind.DELETED)] == [ChangeKind.DELETED]
    assert store.changes(since=T0 + timedelta(hours=2))[0].kind == ChangeKind.RESTORED
    assert store.changes(url="https://elsewhere.example/x") == []
    assert len(store.changes(limit=1)) == 1
    assert store.changes(kind=ChangeKind.DELETED)[0].deletion == DeletionKind.HTTP_404


def test_naive_datetimes_are_refused(store: SqlStore) -> None:
    from scrubwatch.errors import StorageError

    with pytest.raises((ValueError, StorageError)):
        store.upsert_outlet(Outlet(host="x.example"), datetime(2025, 1, 1))


def test_a_retried_check_with_the_same_key_records_nothing_twice(store: SqlStore) -> None:
    article = _article(store)
    capture = _capture(article, T0, CaptureOutcome.NEW_VERSION)
    record = CheckRecord(
        article,
        replace(capture, idempotency_key="job-7"),
        ArticleState.LIVE,
        T0,
        new_document=_doc("One."),
    )
    first = store.record_check(record)
    again = store.record_check(record)
    assert again.id == first.id and again.version == 1
    assert len(store.captures(article.id or 0)) == 1
    assert len(store.versions(article.id or 0)) == 1


def test_lease_due_hands_each_article_out_once(store: SqlStore) -> None:
    _article(store)
    later = T0 + timedelta(minutes=10)
    assert [a.url for a in store.lease_due(T0, later, 10)] == [URL]
    assert store.lease_due(T0, later, 10) == []  # leased: not due again until `later`
    assert [a.url for a in store.lease_due(later, later + timedelta(minutes=10), 10)] == [URL]


def test_next_due_is_the_soonest_scheduled_check(store: SqlStore) -> None:
    assert store.next_due() is None
    _article(store)
    store.add_articles("news.example", [URL + "-later"], "feed", T0 + timedelta(hours=1))
    assert store.next_due() == T0


def test_article_page_lists_changed_articles_first_across_its_pages(store: SqlStore) -> None:
    """Most recently changed first, then the never-changed ones, newest first; pages of any
    size and offset cut that one order without gaps or repeats."""
    store.upsert_outlet(Outlet(host="news.example", homepage="https://news.example/"), T0)
    urls = [f"https://news.example/a/{n}" for n in range(7)]
    articles = store.add_articles("news.example", urls, "feed", T0)
    changed_at = {
        1: T0 + timedelta(hours=3),
        4: T0 + timedelta(hours=9),
        5: T0 + timedelta(hours=1),
    }
    with store.engine.begin() as conn:
        for index, moment in changed_at.items():
            conn.execute(
                schema.articles.update()
                .where(schema.articles.c.id == articles[index].id)
                .values(last_change_at=moment)
            )
    expected = [urls[4], urls[1], urls[5], urls[6], urls[3], urls[2], urls[0]]
    assert [s.article.url for s in store.article_page(limit=50)] == expected
    for size in (1, 2, 3, 4):
        pages = [
            [s.article.url for s in store.article_page(limit=size, offset=start)]
            for start in range(0, 8, size)
        ]
        assert [url for page in pages for url in page] == expected, size
    assert [s.article.url for s in store.article_page(outlet="other.example")] == []


def test_outages_are_the_same_whether_the_last_answer_is_recent_or_old(store: SqlStore) -> None:
    """An outlet that answered within the last two days is judged from those days alone; one
    whose last answer is older, or that never answered, from its whole history: the same
    outage either way (since its first look after the last answer)."""
    hosts = ("recent.example", "old.example", "never.example")
    articles = {}
    for host in hosts:
        store.upsert_outlet(Outlet(host=host, homepage=f"https://{host}/"), T0)
        urls = [f"https://{host}/a/{n}" for n in range(2)]
        articles[host] = store.add_articles(host, urls, "feed", T0)
    newest = T0 + timedelta(days=10)
    looks = {  # host -> (hours before `newest` of its last answer or None, failures after)
        "recent.example": 30,
        "old.example": 24 * 6,
        "never.example": None,
    }
    rows = []
    for host, answered_hours in looks.items():
        first, second = articles[host]
        start = newest - timedelta(hours=answered_hours or 24 * 8)
        if answered_hours is not None:
            rows.append((first.id, start, CaptureOutcome.UNCHANGED))
        for n in range(6):  # failed and blocked looks at both articles since then
            outcome = CaptureOutcome.BLOCKED if n % 2 else CaptureOutcome.FAILED
            when = start + timedelta(hours=n + 1)
            rows.append(((first if n % 2 else second).id, when, outcome))
    rows.append((articles["recent.example"][0].id, newest, CaptureOutcome.FAILED))
    with store.engine.begin() as conn:
        for article_id, when, outcome in rows:
            conn.execute(
                schema.captures.insert().values(
                    article_id=article_id,
                    fetched_at=when,
                    url="https://x/",
                    outcome=outcome.value,
                    redirects=[],
                    headers=[],
                    body_size=0,
                )
            )
    found = {o.host: o for o in store.outlet_outages(5)}
    assert sorted(found) == sorted(hosts)
    for host, answered_hours in looks.items():
        start = newest - timedelta(hours=answered_hours or 24 * 8)
        outage = found[host]
        assert outage.since == start + timedelta(hours=1), host
        assert outage.articles == 2 and outage.blocked == 3, host
        assert outage.checks == (7 if host == "recent.example" else 6), host
    assert [o.host for o in store.outlet_outages(5, "old.example")] == ["old.example"]
