"""Check one article: fetch → archive → extract → compare → store.

`check_article` is the unit of work whatever runs it (the local asyncio runner today,
procrastinate workers in scale-out). The network part is async; the CPU part (extraction,
comparison) and the database writes run in the runner's processing thread so they never block
the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from scrubwatch.clock import Clock
from scrubwatch.compare import compare_documents
from scrubwatch.config import Settings
from scrubwatch.deletion import classify_gone, describe_deletion
from scrubwatch.errors import FetchError
from scrubwatch.extract import extract_document
from scrubwatch.fetch import Fetcher, Response
from scrubwatch.model import (
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Change,
    ChangeKind,
    DeletionKind,
    Document,
    Version,
    WarcRef,
)
from scrubwatch.schedule import next_check, retry_after_failure
from scrubwatch.store import CheckRecord, Store
from scrubwatch.store.warc import WarcArchive, payload_digest

HTML_TYPES = ("html", "xml", "text/plain")


@dataclass
class Services:
    """What a check needs, built once per process by the runner."""

    settings: Settings
    store: Store
    fetcher: Fetcher
    archive: WarcArchive
    clock: Clock
    executor: Executor  # one processing thread: extraction, comparison, database writes
    rng: random.Random = field(default_factory=random.Random)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one check found, for progress reports."""

    article: Article
    capture: Capture
    change: Change | None


async def check_article(article: Article, services: Services) -> CheckResult:
    """Fetch the article once and record what it showed; never raises for a bad page."""
    fetched_at = services.clock.now()
    try:
        response = await services.fetcher.fetch(article.url)
    except FetchError as exc:
        return await _run(services, _record_failure, article, fetched_at, str(exc), None)
    return await _run(services, _process, article, fetched_at, response)


async def _run(services: Services, func: Callable[..., CheckResult], *args: object) -> CheckResult:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(services.executor, func, services, *args)


def _process(
    services: Services, article: Article, fetched_at: datetime, response: Response
) -> CheckResult:
    """The synchronous part of a check: runs in the processing thread."""
    warc, sha = _archive(services, response, fetched_at)
    store = services.store
    assert article.id is not None
    previous = store.version(article.id, article.latest_version) if article.latest_version else None
    document = _extract(response)
    prev_doc = previous.document if previous else None
    gone = classify_gone(response.status, article.url, response.final_url, document, prev_doc)
    capture = Capture(
        article_id=article.id,
        fetched_at=fetched_at,
        url=article.url,
        outcome=CaptureOutcome.FAILED,
        final_url=response.final_url,
        status=response.status,
        redirects=response.redirects,
        headers=response.headers,
        body_sha256=sha,
        body_size=len(response.body),
        warc=warc,
    )
    if gone is not None:
        return _record_gone(services, article, capture, previous, *gone)
    if response.status != 200 or document is None or document.is_empty:
        error = f"HTTP {response.status}" if response.status != 200 else "no article text found"
        return _record_failure(services, article, fetched_at, error, capture)
    return _record_document(services, article, capture, previous, document)


def _archive(services: Services, response: Response, fetched_at: datetime) -> tuple[WarcRef, str]:
    """Keep the raw response as evidence; an identical body becomes a revisit record."""
    sha = hashlib.sha256(response.body).hexdigest()
    first = services.store.first_body(sha) if response.body else None
    common = {
        "url": response.final_url,
        "fetched_at": fetched_at,
        "status": response.status,
        "reason": response.reason,
        "headers": response.headers,
        "http_version": response.http_version,
    }
    if first is not None:
        ref = services.archive.write_revisit(
            **common,  # type: ignore[arg-type]
            payload_digest=payload_digest(response.body),
            refers_to_uri=first.url,
            refers_to_date=first.fetched_at,
            body_length=len(response.body),
        )
    else:
        ref = services.archive.write_response(**common, body=response.body)  # type: ignore[arg-type]
    return ref, sha


def _extract(response: Response) -> Document | None:
    content_type = (response.content_type or "text/html").lower()
    if response.status != 200 or not any(kind in content_type for kind in HTML_TYPES):
        return None
    return extract_document(response.body, response.final_url, response.content_type)


def _record_gone(
    services: Services,
    article: Article,
    capture: Capture,
    previous: Version | None,
    kind: DeletionKind,
    redirect_to: str | None,
) -> CheckResult:
    change = None
    if article.state == ArticleState.LIVE and previous is not None:
        change = Change(
            url=article.url,
            outlet=article.outlet_host,
            detected_at=capture.fetched_at,
            kind=ChangeKind.DELETED,
            from_version=previous.number,
            to_version=None,
            summary=describe_deletion(kind, redirect_to),
            deletion=kind,
            redirect_to=redirect_to,
        )
    capture = replace(capture, outcome=CaptureOutcome.GONE, error=f"gone: {kind.value}")
    state = ArticleState.GONE if previous is not None else article.state
    return _save(services, article, capture, state, change=change)


def _record_document(
    services: Services,
    article: Article,
    capture: Capture,
    previous: Version | None,
    document: Document,
) -> CheckResult:
    if previous is None:
        capture = replace(capture, outcome=CaptureOutcome.NEW_VERSION)
        return _save(services, article, capture, ArticleState.LIVE, new_document=document)
    diff = compare_documents(previous.document, document, services.settings.watch_terms)
    restored = article.state == ArticleState.GONE
    if diff is None and not restored:
        capture = replace(capture, outcome=CaptureOutcome.UNCHANGED)
        return _save(services, article, capture, ArticleState.LIVE)
    kind = ChangeKind.RESTORED if restored else ChangeKind.EDITED
    summary = _restored_summary(diff.summary if diff else None) if restored else ""
    change = Change(
        url=article.url,
        outlet=article.outlet_host,
        detected_at=capture.fetched_at,
        kind=kind,
        from_version=previous.number,
        to_version=previous.number if diff is None else None,
        summary=summary or (diff.summary if diff else ""),
        severity=diff.severity if diff and kind == ChangeKind.EDITED else None,
        diff=diff,
    )
    outcome = CaptureOutcome.UNCHANGED if diff is None else CaptureOutcome.NEW_VERSION
    return _save(
        services,
        article,
        replace(capture, outcome=outcome),
        ArticleState.LIVE,
        new_document=document if diff is not None else None,
        change=change,
    )


def _restored_summary(diff_summary: str | None) -> str:
    if diff_summary:
        return f"Article restored, with changes: {diff_summary}"
    return "Article restored unchanged"


def _record_failure(
    services: Services,
    article: Article,
    fetched_at: datetime,
    error: str,
    capture: Capture | None,
) -> CheckResult:
    assert article.id is not None
    capture = capture or Capture(
        article_id=article.id, fetched_at=fetched_at, url=article.url, outcome=CaptureOutcome.FAILED
    )
    capture = replace(capture, outcome=CaptureOutcome.FAILED, error=error)
    retry = retry_after_failure(
        now=fetched_at, consecutive_failures=article.consecutive_failures + 1
    )
    record = CheckRecord(article=article, capture=capture, state=article.state, next_check_at=retry)
    return CheckResult(article, services.store.record_check(record), None)


def _save(
    services: Services,
    article: Article,
    capture: Capture,
    state: ArticleState,
    *,
    new_document: Document | None = None,
    change: Change | None = None,
) -> CheckResult:
    now = capture.fetched_at
    last_change = now if change is not None else article.last_change_at
    due = next_check(
        now=now,
        first_seen=article.added_at or now,
        last_change_at=last_change,
        horizon=timedelta(days=services.settings.horizon_days),
        rng=services.rng,
    )
    record = CheckRecord(
        article=article,
        capture=capture,
        state=state,
        next_check_at=due,
        new_document=new_document,
        change=change,
    )
    stored = services.store.record_check(record)
    if change is not None and new_document is not None:
        change = replace(change, to_version=stored.version)  # numbered by the store
    return CheckResult(article, stored, change)
