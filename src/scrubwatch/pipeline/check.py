"""The steps of one check, from the fetch to the verdict on what the page shows."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from scrubwatch.errors import FetchError
from scrubwatch.extract.fastpath import FastHint, unchanged
from scrubwatch.fetch import Response
from scrubwatch.model import (
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Document,
    Version,
    WarcRef,
)
from scrubwatch.pipeline.analysis import Analysis, Page, analyse
from scrubwatch.pipeline.offload import WorkerDied
from scrubwatch.pipeline.record import record_document, record_failure, record_gone, save
from scrubwatch.pipeline.services import CheckResult, Services
from scrubwatch.store.warc import payload_digest

T = TypeVar("T")


async def check_article(
    article: Article, services: Services, *, idempotency_key: str | None = None
) -> CheckResult:
    """Fetch the article once and record what it showed; never raises for a bad page.

    A check run again with the same `idempotency_key` (a retried worker task) records
    nothing new.
    """
    assert article.id is not None
    fetched_at = services.clock.now()
    blank = Capture(
        article_id=article.id,
        fetched_at=fetched_at,
        url=article.url,
        outcome=CaptureOutcome.FAILED,
        idempotency_key=idempotency_key,
    )
    etag = last_modified = None
    if article.state == ArticleState.LIVE and article.latest_version:
        etag, last_modified = await _in_thread(services, services.store.validators, article.id)
    try:
        response = await services.fetcher.fetch(article.url, etag=etag, last_modified=last_modified)
    except FetchError as exc:
        return await _in_thread(
            services, record_failure, services, article, fetched_at, str(exc), blank
        )
    probe = None
    if response.status == 200 and article.latest_version:
        probe = await services.probes.document_for(article.url)
    pool = services.pages
    step = await _in_thread(
        services, _process, services, article, blank, response, probe, pool is not None
    )
    if isinstance(step, CheckResult):
        return step
    assert pool is not None
    if not pool.ready():  # the worker is still starting: do not wait for it
        return await _in_thread(services, _analyse_and_conclude, services, article, step)
    try:
        analysis = await pool.analyse(step.page)
    except WorkerDied as exc:
        return await _in_thread(
            services, record_failure, services, article, fetched_at, str(exc), step.capture
        )
    return await _in_thread(services, _conclude, services, article, step, analysis)


@dataclass(frozen=True, slots=True)
class _Pending:
    """A check archived and waiting for its page's analysis in a worker process."""

    capture: Capture
    previous: Version | None
    page: Page


async def _in_thread(services: Services, func: Callable[..., T], *args: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(services.executor, func, *args)


def _process(
    services: Services,
    article: Article,
    blank: Capture,
    response: Response,
    probe: Document | None,
    offload: bool,
) -> CheckResult | _Pending:
    """The synchronous part of a check: runs in the processing thread.

    With `offload`, a page that needs extraction is handed back, for a worker process.
    """
    assert article.id is not None
    warc, sha = _archive(services, response, blank.fetched_at)
    capture = replace(
        blank,
        final_url=response.final_url,
        status=response.status,
        redirects=response.redirects,
        headers=response.headers,
        body_sha256=sha,
        body_size=len(response.body),
        warc=warc,
    )
    fast = _fast_unchanged(article, response)
    if response.status == 304 or fast:
        # Not modified since the last 200 (conditional GET), or the article region of the
        # page is byte-for-byte what it was: no extraction needed.
        unchanged = replace(capture, outcome=CaptureOutcome.UNCHANGED)
        return replace(save(services, article, unchanged, ArticleState.LIVE), fast_path=fast)
    store = services.store
    previous = store.version(article.id, article.latest_version) if article.latest_version else None
    page = Page(
        status=response.status,
        url=article.url,
        final_url=response.final_url,
        body=response.body,
        content_type=response.content_type,
        previous=previous.document if previous else None,
        probe=probe,
    )
    pending = _Pending(capture, previous, page)
    if offload and page.extractable:
        return pending
    return _analyse_and_conclude(services, article, pending)


def _analyse_and_conclude(services: Services, article: Article, pending: _Pending) -> CheckResult:
    return _conclude(services, article, pending, analyse(pending.page))


def _conclude(
    services: Services, article: Article, pending: _Pending, analysis: Analysis
) -> CheckResult:
    """Record what the analysed page showed: runs in the processing thread."""
    capture, previous = pending.capture, pending.previous
    if analysis.gone is not None:
        return record_gone(services, article, capture, previous, *analysis.gone)
    document = analysis.document
    if analysis.error is not None or document is None:
        error = analysis.error or "no document"
        return record_failure(services, article, capture.fetched_at, error, capture)
    services.chrome.observe(article.outlet_host, article.url, document)
    return record_document(services, article, capture, previous, document, analysis.hint)


def _fast_unchanged(article: Article, response: Response) -> bool:
    """True only when the fast path is certain the article did not change."""
    if response.status != 200 or article.state != ArticleState.LIVE or not article.fast_hint:
        return False
    try:
        hint = FastHint.from_json(article.fast_hint)
    except ValueError:
        return False
    return unchanged(response.body, response.content_type, hint)


def _archive(services: Services, response: Response, fetched_at: datetime) -> tuple[WarcRef, str]:
    """Keep the raw response as evidence; an identical body becomes a revisit record."""
    sha = hashlib.sha256(response.body).hexdigest()
    first = services.store.first_body(sha) if response.body else None
    archive = services.archive
    if first is not None:
        ref = archive.write_revisit(
            url=response.final_url,
            fetched_at=fetched_at,
            status=response.status,
            reason=response.reason,
            headers=response.headers,
            http_version=response.http_version,
            payload_digest=payload_digest(response.body),
            refers_to_uri=first.url,
            refers_to_date=first.fetched_at,
            body_length=len(response.body),
        )
    else:
        ref = archive.write_response(
            url=response.final_url,
            fetched_at=fetched_at,
            status=response.status,
            reason=response.reason,
            headers=response.headers,
            http_version=response.http_version,
            body=response.body,
        )
    return ref, sha
