"""The reads a check makes before it writes, on real SQLite and PostgreSQL databases:
conditional-GET validators, the start of a run of failures, a version by fingerprint, and
whether a transition was already reported (flip-flops)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scrubwatch.model import (
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Change,
    ChangeKind,
    Document,
    Outlet,
)
from scrubwatch.store import CheckRecord, SqlStore

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
URL = "https://news.example/a/zangezur"
V1 = Document(title="Headline", paragraphs=("One.", "Two."))
V2 = Document(title="Headline", paragraphs=("One.",))


def _record(
    store: SqlStore,
    hours: int,
    outcome: CaptureOutcome,
    *,
    document: Document | None = None,
    change: Change | None = None,
    status: int | None = 200,
    headers: tuple[tuple[str, str], ...] = (),
) -> Article:
    article = store.article(URL)
    assert article is not None and article.id is not None
    at = T0 + timedelta(hours=hours)
    capture = Capture(article.id, at, URL, outcome, status=status, headers=headers)
    state = ArticleState.LIVE if article.latest_version or document else article.state
    record = CheckRecord(article, capture, state, at + timedelta(hours=1), document, change)
    store.record_check(record)
    return article


def _edit(hours: int) -> Change:
    return Change(
        url=URL,
        outlet="news.example",
        detected_at=T0 + timedelta(hours=hours),
        kind=ChangeKind.EDITED,
        from_version=1,
        to_version=None,
        summary="1 sentence removed",
    )


def _validators(store: SqlStore, article_id: int) -> tuple[dict[str, str], object]:
    """The validators as read from the captures, and as the article row keeps them."""
    article = store.article_by_id(article_id)
    assert article is not None
    return store.validators(article_id), article.validators


def test_the_reads_of_a_check_see_what_earlier_checks_wrote(store: SqlStore) -> None:
    store.upsert_outlet(Outlet(host="news.example", homepage="https://news.example/"), T0)
    [article] = store.add_articles("news.example", [URL], "feed", T0)
    assert article.id is not None
    assert _validators(store, article.id) == ({}, None)  # the row knows none yet
    assert store.failing_since(article.id) is None

    _record(store, 0, CaptureOutcome.FAILED, status=None)
    validators = (("ETag", '"v1"'), ("last-modified", "Mon, 21 Apr 2025 09:00:00 GMT"))
    _record(store, 1, CaptureOutcome.NEW_VERSION, document=V1, headers=validators)
    first = {"etag": '"v1"', "last_modified": "Mon, 21 Apr 2025 09:00:00 GMT"}
    assert _validators(store, article.id) == (first, first)
    assert store.failing_since(article.id) is None  # the failure before a success is over
    _record(store, 2, CaptureOutcome.NEW_VERSION, document=V2, change=_edit(2))
    _record(store, 3, CaptureOutcome.FAILED, status=503, headers=(("ETag", '"error"'),))
    _record(store, 4, CaptureOutcome.FAILED, status=None)

    assert store.failing_since(article.id) == T0 + timedelta(hours=3)
    # The latest 200 answer gave no validators: none are sent, the earlier ones are stale.
    assert _validators(store, article.id) == ({}, {})
    _record(store, 5, CaptureOutcome.UNCHANGED, headers=(("Etag", '"v2"'),))
    assert _validators(store, article.id) == ({"etag": '"v2"'}, {"etag": '"v2"'})

    found = store.version_by_fingerprint(article.id, V1.fingerprint())
    assert found is not None and found.number == 1 and found.document == V1
    assert store.version_by_fingerprint(article.id, "0" * 64) is None
    assert store.change_exists(article.id, 1, 2)
    assert not store.change_exists(article.id, 2, 1)
