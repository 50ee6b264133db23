"""A page with more elements than `max_page_elements` is archived but not analysed: one
bounded look recorded "too large to analyse in detail", never an edit or a deletion."""

from __future__ import annotations

import pickle
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from articles import PARAGRAPHS, TITLE
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.extract.bounds import PageTooLarge
from scrubwatch.extract.document import extract_document
from scrubwatch.model import ArticleState, CaptureOutcome
from scrubwatch.pipeline.analysis import Page, analyse
from test_interstitial import Watch

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


def test_a_page_that_outgrows_the_limit_is_never_an_edit_or_a_deletion(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    watch = Watch(tmp_path, outlet, max_page_elements=LIMIT)
    watch.check()
    assert watch.article_state()[:2] == (ArticleState.LIVE, 1)
    outlet.serve_instead("aliyev-beijing", _live_blog(LIMIT))
    report = watch.check()
    assert (report.checked, report.failed, report.changes) == (1, 1, [])
    too_large = (
        CaptureOutcome.TOO_LARGE,
        f"too large to analyse in detail: more than {LIMIT} elements",
        200,
    )
    assert watch.last_capture() == too_large
    article = watch.store.article(watch.url)
    assert article is not None and article.id is not None
    assert watch.store.captures(article.id)[-1].warc is not None  # archived all the same
    for _ in range(8):  # 56 hours: past gone_after_failures and gone_after_hours
        watch.check(timedelta(hours=7))
        assert watch.last_capture() == too_large
    assert watch.store.changes() == []
    assert watch.article_state()[:2] == (ArticleState.LIVE, 1)
    outlet.serve_instead("aliyev-beijing", None)  # the live blog was cut back
    watch.check(timedelta(days=1))
    assert watch.store.changes() == []
    assert watch.last_capture()[0] == CaptureOutcome.UNCHANGED


def test_too_large_looks_between_failures_do_not_add_up_to_a_deletion(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    """The site answered a too-large page: that ends a run of failures, like a wall does."""
    watch = Watch(tmp_path, outlet, max_page_elements=LIMIT)
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
    assert watch.article_state()[:2] == (ArticleState.LIVE, 1)
