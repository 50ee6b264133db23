"""A page with more elements than `max_page_elements` is archived but not analysed: one
bounded look recorded "too large to analyse in detail", never an edit or a deletion."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from articles import BYLINE, PARAGRAPHS, TITLE
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.extract.bounds import PageTooLarge
from scrubwatch.extract.document import extract_document
from scrubwatch.model import ArticleState, CaptureOutcome
from scrubwatch.pipeline.analysis import Page, analyse
from scrubwatch.runner import PassReport, Runner
from scrubwatch.store import SqlStore, open_store

T = TypeVar("T")
LIMIT = 300
URL = "https://news.example/politics/aliyev-beijing"


def _live_blog(entries: int) -> bytes:
    """The article with a growing list of short live-blog entries under it."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    updates = "".join(f"<li><time>09:{n % 60:02d}</time> Update {n}.</li>" for n in range(entries))
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{TITLE}</title></head><body>"
        f"<main><article><h1>{TITLE}</h1>{body}<ul>{updates}</ul></article></main>"
        "</body></html>"
    ).encode()


def test_extraction_refuses_a_page_over_the_limit_before_analysing_it() -> None:
    big = _live_blog(LIMIT)  # two elements an entry: well over the limit
    with pytest.raises(PageTooLarge, match=f"more than {LIMIT:,} elements"):
        extract_document(big, URL, max_elements=LIMIT)
    assert extract_document(big, URL).paragraphs[0] == PARAGRAPHS[0]  # no limit: analysed
    assert extract_document(_live_blog(10), URL, max_elements=LIMIT).title == TITLE


def test_analysis_of_a_page_over_the_limit_is_a_picklable_verdict() -> None:
    page = Page(200, URL, URL, _live_blog(LIMIT), "text/html", max_elements=LIMIT)
    analysis = analyse(page)
    assert (analysis.document, analysis.gone, analysis.hint, analysis.blocked) == (
        None,
        None,
        None,
        None,
    )
    assert (
        analysis.too_large
        == analysis.error
        == "too large to analyse in detail: more than 300 elements"
    )
    assert pickle.loads(pickle.dumps(analysis)) == analysis  # it may come from a worker


class _Watch:
    """One outlet article watched by a runner whose clock the test moves."""

    def __init__(self, tmp_path: Path, outlet: FakeOutlet) -> None:
        self.settings = replace(
            Settings(data_dir=tmp_path / "data"),
            gone_after_failures=3,
            gone_after_hours=24.0,
            max_page_elements=LIMIT,
        )
        self.clock = ManualClock(datetime(2025, 4, 21, 9, 0, tzinfo=UTC))
        self.store: SqlStore = open_store(self.settings)
        self.url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        asyncio.run(self._run(lambda runner: runner.watch(self.url)))

    async def _run(self, job: Callable[[Runner], Awaitable[T]]) -> T:
        async with Runner(self.settings, self.store, clock=self.clock) as runner:
            return await job(runner)

    def check(self, after: timedelta = timedelta(hours=1)) -> PassReport:
        self.clock.advance(after)
        return asyncio.run(self._run(lambda runner: runner.check_pass(all_articles=True)))

    def last_capture(self) -> tuple[CaptureOutcome, str | None]:
        article = self.store.article(self.url)
        assert article is not None and article.id is not None
        capture = self.store.captures(article.id)[-1]
        assert capture.warc is not None  # archived all the same: the evidence is kept
        return capture.outcome, capture.error

    def article_state(self) -> tuple[ArticleState, int | None]:
        article = self.store.article(self.url)
        assert article is not None
        return article.state, article.latest_version


def test_a_page_that_outgrows_the_limit_is_never_an_edit_or_a_deletion(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    watch = _Watch(tmp_path, outlet)
    watch.check()
    assert watch.article_state() == (ArticleState.LIVE, 1)
    outlet.serve_instead("aliyev-beijing", _live_blog(LIMIT))
    report = watch.check()
    assert (report.checked, report.failed, report.changes) == (1, 1, [])
    too_large = (
        CaptureOutcome.TOO_LARGE,
        f"too large to analyse in detail: more than {LIMIT} elements",
    )
    assert watch.last_capture() == too_large
    for _ in range(8):  # 56 hours: past gone_after_failures and gone_after_hours
        watch.check(timedelta(hours=7))
        assert watch.last_capture() == too_large
    assert watch.store.changes() == []
    assert watch.article_state() == (ArticleState.LIVE, 1)
    outlet.serve_instead("aliyev-beijing", None)  # the live blog was cut back
    watch.check(timedelta(days=1))
    assert watch.store.changes() == []
    assert watch.last_capture()[0] == CaptureOutcome.UNCHANGED


def test_too_large_looks_between_failures_do_not_add_up_to_a_deletion(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    """The site answered a too-large page: that ends a run of failures, like a wall does."""
    watch = _Watch(tmp_path, outlet)
    watch.check()
    outlet.set_failing("aliyev-beijing", 503)
    watch.check(timedelta(hours=5))
    watch.check(timedelta(hours=5))
    outlet.set_failing("aliyev-beijing", None)
    outlet.serve_instead("aliyev-beijing", _live_blog(LIMIT))
    watch.check(timedelta(hours=5))
    outlet.serve_instead("aliyev-beijing", None)
    outlet.set_failing("aliyev-beijing", 503)
    watch.check(timedelta(hours=20))  # 4 looks without the article, 35 hours, 3 failures
    assert watch.store.changes() == []
    assert watch.article_state() == (ArticleState.LIVE, 1)
