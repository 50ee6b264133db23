"""Two processes checking one store (two `check` runs, or workers) never tell a change
against an out-of-date version: a check judged against the article as it was when it began
is judged again when another process recorded the article meanwhile."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from articles import BYLINE, PARAGRAPHS, TITLE
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.model import Article, Capture, CaptureOutcome, Outlet
from scrubwatch.pipeline import CheckResult
from scrubwatch.runner import Runner
from scrubwatch.store import CheckRecord, SqlStore, StaleCheck

SLUG = "aliyev-beijing"


def _texts() -> list[tuple[str, ...]]:
    first = PARAGRAPHS
    second = (*PARAGRAPHS[:-1],)  # the last paragraph cut
    third = (*PARAGRAPHS[:-2],)  # and the one before it
    return [first, second, third]


def _check(
    settings: Settings, store: SqlStore, clock: ManualClock, article: Article
) -> list[CheckResult]:
    """One check of the article by a process of its own (its own Runner and archive)."""

    async def go() -> list[CheckResult]:
        async with Runner(settings, store, clock=clock, analysis_workers=0) as runner:
            return await runner.check([article])

    clock.advance(timedelta(minutes=30))
    return asyncio.run(go())


def test_a_second_process_with_an_old_view_tells_the_change_from_the_latest_version(
    store: SqlStore, tmp_path: Path, outlet: FakeOutlet
) -> None:
    clock = ManualClock(datetime(2026, 4, 20, 8, 0, tzinfo=UTC))
    first, second = (Settings(data_dir=tmp_path / name) for name in ("one", "two"))
    v1, v2, v3 = _texts()
    outlet.publish(SLUG, TITLE, v1, byline=BYLINE)
    host = outlet.base_url.split("/")[2]
    store.upsert_outlet(Outlet(host=host, homepage=outlet.base_url), clock.now())
    (article,) = store.add_articles(host, [outlet.url(SLUG)], "manual", clock.now())
    _check(first, store, clock, article)  # version 1
    stale = store.article(outlet.url(SLUG))  # what a second `check` read as due
    assert stale is not None and stale.latest_version == 1

    outlet.publish(SLUG, TITLE, v2, byline=BYLINE)
    assert stale.id is not None
    fresh = store.article_by_id(stale.id)
    assert fresh is not None
    (one,) = _check(first, store, clock, fresh)  # the first process records version 2
    assert one.change is not None and (one.change.from_version, one.change.to_version) == (1, 2)

    outlet.publish(SLUG, TITLE, v3, byline=BYLINE)
    (two,) = _check(second, store, clock, stale)  # the second still thinks 1 is the latest
    assert two.change is not None
    assert (two.change.from_version, two.change.to_version) == (2, 3)
    assert two.change.diff is not None and len(two.change.diff.sentences_removed) >= 1
    assert all(PARAGRAPHS[-1] not in s for s in two.change.diff.sentences_removed)
    changes = store.changes(url=outlet.url(SLUG))
    assert sorted((c.from_version, c.to_version) for c in changes) == [(1, 2), (2, 3)]


def test_the_store_refuses_a_record_judged_against_an_old_version(store: SqlStore) -> None:
    now = datetime(2026, 4, 20, 8, 0, tzinfo=UTC)
    store.upsert_outlet(Outlet(host="news.example"), now)
    (article,) = store.add_articles("news.example", ["https://news.example/a"], "manual", now)
    assert article.id is not None
    capture = Capture(
        article_id=article.id, fetched_at=now, url=article.url, outcome=CaptureOutcome.FAILED
    )
    record = CheckRecord(
        article=replace(article, latest_version=3),  # as read before others recorded it
        capture=capture,
        state=article.state,
        next_check_at=now,
        judged=True,
    )
    with pytest.raises(StaleCheck):
        store.record_check(record)
    assert store.captures(article.id) == []  # nothing of it was written


def test_a_deletion_seen_by_two_processes_is_reported_once(
    store: SqlStore, tmp_path: Path, outlet: FakeOutlet
) -> None:
    clock = ManualClock(datetime(2026, 4, 20, 8, 0, tzinfo=UTC))
    first, second = (Settings(data_dir=tmp_path / name) for name in ("one", "two"))
    outlet.publish(SLUG, TITLE, PARAGRAPHS, byline=BYLINE)
    host = outlet.base_url.split("/")[2]
    store.upsert_outlet(Outlet(host=host, homepage=outlet.base_url), clock.now())
    (article,) = store.add_articles(host, [outlet.url(SLUG)], "manual", clock.now())
    _check(first, store, clock, article)
    stale = store.article(outlet.url(SLUG))
    assert stale is not None
    outlet.delete(SLUG)
    (one,) = _check(first, store, clock, stale)
    (two,) = _check(second, store, clock, stale)  # read as due before the first recorded
    assert one.change is not None and two.change is None
    assert len(store.changes(url=outlet.url(SLUG))) == 1


def test_an_outage_seen_by_two_processes_is_reported_unreachable_once(
    store: SqlStore, tmp_path: Path, outlet: FakeOutlet
) -> None:
    clock = ManualClock(datetime(2026, 4, 20, 8, 0, tzinfo=UTC))
    first, second = (
        Settings(data_dir=tmp_path / name, gone_after_failures=1, gone_after_hours=0.0)
        for name in ("one", "two")
    )
    outlet.publish(SLUG, TITLE, PARAGRAPHS, byline=BYLINE)
    host = outlet.base_url.split("/")[2]
    store.upsert_outlet(Outlet(host=host, homepage=outlet.base_url), clock.now())
    (article,) = store.add_articles(host, [outlet.url(SLUG)], "manual", clock.now())
    _check(first, store, clock, article)
    stale = store.article(outlet.url(SLUG))
    assert stale is not None
    outlet.set_failing(SLUG, 500)
    (one,) = _check(first, store, clock, stale)
    (two,) = _check(second, store, clock, stale)  # read as due before the first recorded
    assert one.change is not None and "unreachable" in one.change.summary
    assert two.change is None
    assert len(store.changes(url=outlet.url(SLUG))) == 1
