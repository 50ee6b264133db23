"""Page analysis in a worker process (big passes): the verdicts the processing thread would
give, and a worker that dies costs failed captures, never the pass or the evidence."""

from __future__ import annotations

import asyncio
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from articles import BYLINE, OTHER, PARAGRAPHS, SCRUBBED, TITLE
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.model import (
    Article,
    ArticleState,
    CaptureOutcome,
    ChangeKind,
    DeletionKind,
    Document,
)
from scrubwatch.pipeline.analysis import Analysis, Page, analyse
from scrubwatch.pipeline.offload import AnalysisPool
from scrubwatch.pipeline.report import PassReport
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store


def _die_on_doomed(page: Page) -> Analysis:
    """A pool task that kills its worker on one article: a parser crash, or the OOM killer."""
    if "doomed" in page.url:
        os._exit(3)
    return analyse(page)


def _get(url: str, previous: Document | None = None) -> Page:
    try:
        with urllib.request.urlopen(url) as answer:
            status, body, headers = answer.status, answer.read(), answer.headers
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read(), error.headers
    content_type = headers.get("Content-Type")
    return Page(status, url, url, body, content_type, previous=previous)


def _in_one_worker(pages: list[Page]) -> list[Analysis]:
    """The pages analysed in turn by one worker process."""

    async def in_worker() -> list[Analysis]:
        pool = AnalysisPool(1)
        try:
            await pool.wait_ready()
            return [await pool.analyse(page) for page in pages]
        finally:
            await pool.close()

    return asyncio.run(in_worker())


def test_a_worker_gives_the_verdicts_the_processing_thread_gives(outlet: FakeOutlet) -> None:
    article = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    fresh = _get(article)
    previous = analyse(fresh).document
    outlet.publish("baku-port", "Baku port handles record cargo", OTHER, byline=BYLINE)
    outlet.soft_404("baku-port")
    pages = [
        fresh,
        _get(outlet.url("baku-port"), previous=previous),  # soft 404
        _get(outlet.url("never-published"), previous=previous),  # 404
        _get(outlet.base_url + "/robots.txt"),  # not a page
    ]

    here = [analyse(page) for page in pages]
    assert _in_one_worker(pages) == here
    usable, soft, missing, text = here
    assert usable.document is not None and usable.document.title == TITLE and usable.hint
    assert soft.gone is not None and soft.gone[0] == DeletionKind.SOFT_404
    assert missing.gone == (DeletionKind.HTTP_404, None)
    assert text.error is not None and text.document is None


def test_a_worker_keeps_the_language_model_in_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    german = "Das Ministerium erklärte, der Korridor werde in drei Jahren gebaut. " * 3
    body = f"<html><body><article><h1>Bericht</h1><p>{german}</p></article></body></html>"
    url = "http://127.0.0.1:9/bericht"
    page = Page(200, url, url, body.encode(), "text/html; charset=utf-8")

    [analysis] = _in_one_worker([page])
    assert analysis.document is not None and analysis.document.language == "de"
    assert len(list((tmp_path / "cache").glob("scrubwatch/py3langid-*.npy"))) == 1


def _runner_world(tmp_path: Path) -> tuple[Settings, SqlStore]:
    settings = Settings(data_dir=tmp_path / "data")
    return settings, open_store(settings)


def test_a_big_pass_analyses_new_pages_in_a_worker_and_still_finds_edits(
    tmp_path: Path, outlet: FakeOutlet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("scrubwatch.runner.MIN_PASS_ARTICLES", 2)
    slugs = [f"caspian-trade-{i}" for i in range(4)]
    for i, slug in enumerate(slugs):
        outlet.publish(slug, f"{TITLE}, part {i}", PARAGRAPHS, byline=BYLINE)
    settings, store = _runner_world(tmp_path)

    async def go() -> tuple[PassReport, PassReport, int]:
        async with Runner(settings, store, analysis_workers=1) as runner:
            await runner.watch(outlet.base_url)
            assert runner.analysis is not None
            await runner.analysis.wait_ready()
            first = await runner.check_pass(all_articles=True)
            in_worker = runner.analysis.analysed
            outlet.edit(slugs[0], paragraphs=SCRUBBED)
            second = await runner.check_pass(all_articles=True)
            return first, second, in_worker

    first, second, in_worker = asyncio.run(go())
    assert (first.checked, first.failed, in_worker) == (4, 0, 4)
    assert [(c.kind, c.url) for c in second.changes] == [(ChangeKind.EDITED, outlet.url(slugs[0]))]
    versions = {slug: _article(store, outlet.url(slug)).latest_version for slug in slugs}
    assert versions == {slugs[0]: 2, slugs[1]: 1, slugs[2]: 1, slugs[3]: 1}
    store.close()


def test_a_worker_that_dies_costs_failed_captures_and_the_next_pass_recovers(
    tmp_path: Path, outlet: FakeOutlet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("scrubwatch.runner.MIN_PASS_ARTICLES", 2)
    slugs = ["doomed-report", *(f"caspian-trade-{i}" for i in range(3))]
    for i, slug in enumerate(slugs):
        outlet.publish(slug, f"{TITLE}, part {i}", PARAGRAPHS, byline=BYLINE)
    settings, store = _runner_world(tmp_path)

    async def go() -> tuple[PassReport, PassReport]:
        async with Runner(settings, store, analysis_workers=1) as runner:
            await runner.watch(outlet.base_url)
            runner.analysis = AnalysisPool(1, task=_die_on_doomed)
            await runner.analysis.wait_ready()
            first = await runner.check_pass(all_articles=True)
            await runner.analysis.close()
            runner.analysis = AnalysisPool(1)
            second = await runner.check_pass(all_articles=True)
            return first, second

    first, second = asyncio.run(go())
    assert first.checked == 4 and first.failed >= 1
    doomed = _article(store, outlet.url("doomed-report"))
    assert doomed.id is not None
    [died, recovered] = store.captures(doomed.id)
    assert died.outcome == CaptureOutcome.FAILED and died.error is not None
    assert "worker died" in died.error and died.warc is not None  # the response was archived
    assert recovered.outcome == CaptureOutcome.NEW_VERSION
    assert (second.checked, second.failed) == (4, 0)
    for slug in slugs:  # one capture per check, none lost, none doubled
        article = _article(store, outlet.url(slug))
        assert article.id is not None
        assert (article.state, article.latest_version) == (ArticleState.LIVE, 1)
        assert len(store.captures(article.id)) == 2
    store.close()


def _article(store: SqlStore, url: str) -> Article:
    article = store.article(url)
    assert article is not None
    return article


def test_a_worker_that_cannot_start_leaves_the_pages_to_the_processing_thread(
    tmp_path: Path, outlet: FakeOutlet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("scrubwatch.runner.MIN_PASS_ARTICLES", 2)
    for i in range(3):
        outlet.publish(f"caspian-trade-{i}", f"{TITLE}, part {i}", PARAGRAPHS, byline=BYLINE)
    settings, store = _runner_world(tmp_path)

    async def go() -> tuple[PassReport, int]:
        async with Runner(settings, store, analysis_workers=1) as runner:
            await runner.watch(outlet.base_url)
            pool = runner.analysis = AnalysisPool(1, task=lambda page: analyse(page))
            await pool.wait_ready()  # the task cannot be handed to a worker
            report = await runner.check_pass(all_articles=True)
            return report, pool.analysed

    report, in_worker = asyncio.run(go())
    assert (report.checked, report.failed, in_worker) == (3, 0, 0)
    assert all(r.capture.outcome == CaptureOutcome.NEW_VERSION for r in report.results)
    store.close()
