"""The steps of one check, from the fetch to the verdict on what the page shows."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from scrubwatch.browser import Rendered
from scrubwatch.errors import FetchError, StoreUnavailable
from scrubwatch.exchange import REDIRECT_STATUSES
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
from scrubwatch.pipeline.failures import (
    record_blocked,
    record_failure,
    record_too_large,
    record_unrendered,
)
from scrubwatch.pipeline.offload import WorkerDied
from scrubwatch.pipeline.record import record_document, record_gone, save
from scrubwatch.pipeline.services import CheckResult, Services
from scrubwatch.store.records import StaleCheck
from scrubwatch.store.warc_records import payload_digest

T = TypeVar("T")

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 300  # of an internal error's text, on its capture and in summaries


async def check_article(
    article: Article, services: Services, *, idempotency_key: str | None = None
) -> CheckResult:
    """Fetch the article once and record what it showed; never raises for a bad page.

    A check run again with the same `idempotency_key` (a retried worker task) records
    nothing new.

    Nor does it raise for a bug this article ran into (a constraint its data broke, a library
    choking on a hostile URL): that fails this check alone, logged with its traceback and
    recorded as a failed capture, so it is retried with backoff while the other articles go
    on. Only StoreUnavailable escapes (with the store gone no other check could be recorded
    either, so the pass should stop), and what is not an Exception: cancellation, Ctrl-C.
    """
    assert article.id is not None
    blank = Capture(
        article_id=article.id,
        fetched_at=services.clock.now(),
        url=article.url,
        outcome=CaptureOutcome.FAILED,
        idempotency_key=idempotency_key,
    )
    try:
        return await _check(article, services, blank)
    except StoreUnavailable:
        raise
    except Exception as exc:  # deliberately broad: see the docstring
        return await _internal_error(services, article, blank, exc)


async def _check(article: Article, services: Services, blank: Capture) -> CheckResult:
    """The check itself: fetch, archive, analyse (maybe in a worker process), record."""
    assert article.id is not None
    fetched_at = blank.fetched_at
    validators: dict[str, str] = {}
    if article.state == ArticleState.LIVE and article.latest_version:
        if article.validators is not None:
            validators = article.validators
        else:  # not on the article row yet (migration 0018): from its captures
            validators = await _in_thread(services, services.store.validators, article.id)
    etag, last_modified = validators.get("etag"), validators.get("last_modified")
    try:
        fetcher = services.fetcher.for_outlet(
            article.web_added, host=article.outlet_host, proxy=article.proxy
        )
        response = await fetcher.fetch(article.url, etag=etag, last_modified=last_modified)
    except FetchError as exc:
        return await _in_thread(
            services, record_failure, services, article, fetched_at, str(exc), blank
        )
    rendered = None
    if _wants_browser(services, article, response):
        assert services.browser is not None
        try:
            rendered = await services.browser.render(response, fetcher)
        except FetchError as exc:
            return await _in_thread(services, _unrendered, services, blank, article, response, exc)
    probe = None
    if response.status == 200 and article.latest_version:
        probe = await services.probes.document_for(article.url, fetcher)
    pool = services.pages
    step = await _in_thread(
        services, _process, services, article, blank, response, probe, pool is not None, rendered
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


async def _internal_error(
    services: Services, article: Article, blank: Capture, exc: Exception
) -> CheckResult:
    """Log a bug met while checking one article and record it as that check's failure.

    If even that record fails (the bug may be in recording), the result says so without
    a capture in the store: the article stays due and is tried again next pass.
    """
    log.error("internal error while checking %s", article.url, exc_info=exc)
    error = _internal_error_text(exc)
    message = f"internal error: {error}"
    try:
        result = await _in_thread(
            services, record_failure, services, article, blank.fetched_at, message, blank
        )
    except StoreUnavailable:
        raise
    except Exception:  # the failure cannot be recorded: say so, keep the pass going
        log.exception("could not record the internal error of %s", article.url)
        result = CheckResult(article, replace(blank, error=message), None)
    return replace(result, internal_error=error)


def _internal_error_text(exc: BaseException) -> str:
    """`Type: message` on one line, short enough for a capture and a summary line.

    The type is the innermost cause's (IntegrityError, not the StorageError wrapping it):
    that is what tells a reader of the log which bug this is.
    """
    root, seen = exc, {id(exc)}
    while root.__cause__ is not None and id(root.__cause__) not in seen:
        root = root.__cause__
        seen.add(id(root))
    text = " ".join(f"{type(root).__name__}: {exc}".split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


@dataclass(frozen=True, slots=True)
class _Pending:
    """A check archived and waiting for its page's analysis in a worker process."""

    capture: Capture
    previous: Version | None
    page: Page


async def _in_thread(services: Services, func: Callable[..., T], *args: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(services.executor, func, *args)


def _wants_browser(services: Services, article: Article, response: Response) -> bool:
    """An outlet rendered in the browser, and an HTML page to render."""
    if services.browser is None or response.status != 200:
        return False
    if services.settings.policy_for(article.outlet_host).fetcher != "browser":
        return False
    return "html" in (response.content_type or "text/html").lower()


def _captured(services: Services, blank: Capture, response: Response) -> Capture:
    """The capture of a response, archived as it came (the evidence of what was sent)."""
    warc, sha = _archive(services, response, blank.fetched_at)
    return replace(
        blank,
        final_url=response.final_url,
        status=response.status,
        redirects=response.redirects,
        headers=response.headers,
        body_sha256=sha,
        body_size=len(response.body),
        warc=warc,
    )


def _unrendered(
    services: Services, blank: Capture, article: Article, response: Response, exc: FetchError
) -> CheckResult:
    return record_unrendered(services, article, _captured(services, blank, response), str(exc))


def _as_rendered(
    services: Services, response: Response, rendered: Rendered, fetched_at: datetime
) -> Response:
    """The response to analyse for a rendered page: its DOM, archived beside the raw
    response as a `resource` record."""
    services.archive.write_resource(
        uri=f"urn:rendered:{response.final_url}",
        fetched_at=fetched_at,
        content_type="text/html; charset=utf-8",
        body=rendered.html,
    )
    return replace(
        response, body=rendered.html, headers=(("Content-Type", "text/html; charset=utf-8"),)
    )


def _process(
    services: Services,
    article: Article,
    blank: Capture,
    response: Response,
    probe: Document | None,
    offload: bool,
    rendered: Rendered | None = None,
) -> CheckResult | _Pending:
    """The synchronous part of a check: runs in the processing thread.

    With `offload`, a page that needs extraction is handed back, for a worker process.
    A page rendered in the browser is analysed as rendered; the raw response is what is
    archived as the capture.
    """
    assert article.id is not None
    capture = _captured(services, blank, response)
    if rendered is not None:
        response = _as_rendered(services, response, rendered, blank.fetched_at)
    fast = _fast_unchanged(article, response)
    if response.status == 304 or fast:
        # Not modified since the last 200 (conditional GET), or the article region of the
        # page is byte-for-byte what it was: no extraction needed.
        unchanged = replace(capture, outcome=CaptureOutcome.UNCHANGED)
        try:
            return replace(save(services, article, unchanged, ArticleState.LIVE), fast_path=fast)
        except StaleCheck:
            article = _reread(services, article)
            if response.status == 304:  # not modified since the newest 200, whoever took it
                return save(services, article, unchanged, ArticleState.LIVE)
            # the hint pinned a version that is no longer the latest: look properly
    previous = _latest_version(services, article)
    page = Page(
        status=response.status,
        url=article.url,
        final_url=response.final_url,
        body=response.body,
        content_type=response.content_type,
        previous=previous.document if previous else None,
        probe=probe,
        max_elements=services.settings.max_page_elements,
    )
    pending = _Pending(capture, previous, page)
    if offload and page.extractable:
        return pending
    return _analyse_and_conclude(services, article, pending)


def record_response(
    services: Services, article: Article, blank: Capture, response: Response
) -> CheckResult:
    """What a check does after its fetch, for a response obtained elsewhere: archive it,
    analyse the page, record what it showed. `scrubwatch import` feeds archived responses
    through here, so they are judged exactly as live ones. Runs in the processing thread.

    No soft-404 probe is fetched (the site may have changed since the archive's day); the
    "not found" phrases still tell such pages.
    """
    step = _process(services, article, blank, response, None, False)
    assert isinstance(step, CheckResult)  # nothing is offloaded
    return step


def _analyse_and_conclude(services: Services, article: Article, pending: _Pending) -> CheckResult:
    return _conclude(services, article, pending, analyse(pending.page))


def _conclude(
    services: Services, article: Article, pending: _Pending, analysis: Analysis
) -> CheckResult:
    """Record what the analysed page showed: runs in the processing thread.

    When another process (a second `check`, a worker) recorded the article meanwhile, the
    page is judged again against what it recorded, so every change is told against the
    version just before it.
    """
    for _ in range(_STALE_RETRIES):
        try:
            return _record(services, article, pending, analysis)
        except StaleCheck:
            article = _reread(services, article)
            pending = replace(pending, previous=_latest_version(services, article))
    return _record(services, article, pending, analysis)


_STALE_RETRIES = 3


def _latest_version(services: Services, article: Article) -> Version | None:
    if article.id is None or not article.latest_version:
        return None
    return services.store.version(article.id, article.latest_version)


def _reread(services: Services, article: Article) -> Article:
    """The article as the store has it now."""
    assert article.id is not None
    fresh = services.store.article_by_id(article.id)
    return fresh if fresh is not None else article


def _record(
    services: Services, article: Article, pending: _Pending, analysis: Analysis
) -> CheckResult:
    capture, previous = pending.capture, pending.previous
    if analysis.blocked is not None:
        return record_blocked(services, article, capture, analysis.blocked)
    if analysis.too_large is not None:
        return record_too_large(services, article, capture, analysis.too_large)
    if analysis.gone is not None:
        return record_gone(services, article, capture, previous, *analysis.gone)
    document = analysis.document
    if analysis.error is not None or document is None:
        error = analysis.error or "no document"
        return record_failure(services, article, capture.fetched_at, error, capture)
    services.chrome.observe(article.outlet_host, article.url, document)
    page = pending.page
    return record_document(
        services,
        article,
        capture,
        previous,
        document,
        analysis.hint,
        body=page.body,
        content_type=page.content_type,
    )


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
    url = _answered_by(response)
    if first is not None:
        ref = archive.write_revisit(
            url=url,
            fetched_at=fetched_at,
            status=response.status,
            reason=response.reason,
            headers=response.headers,
            http_version=response.http_version,
            payload_digest=payload_digest(response.body),
            refers_to_uri=first.url,
            refers_to_date=first.fetched_at,
            body_length=len(response.body),
            request_headers=response.request_headers or None,
        )
    else:
        ref = archive.write_response(
            url=url,
            fetched_at=fetched_at,
            status=response.status,
            reason=response.reason,
            headers=response.headers,
            http_version=response.http_version,
            body=response.body,
            request_headers=response.request_headers or None,
        )
    return ref, sha


def _answered_by(response: Response) -> str:
    """The URL that gave this response. A live fetch follows every redirect that says where
    to, so that is its final URL; a redirect handed over unfollowed (an imported archive's
    record whose target was not captured) has its target as final URL and was answered by
    the last URL of its chain."""
    if response.status in REDIRECT_STATUSES and response.redirects and response.header("location"):
        return response.redirects[-1]
    return response.final_url
