"""Recording looks that saw no article: failed fetches, walls, pages too large to analyse.

Rules a reader could not guess:
- A page that keeps failing is reported gone only after `gone_after_failures` failed checks
  spanning `gone_after_hours`: an outage is not a deletion. Nor is it while its whole outlet
  is unreachable from here (`outlet_unreachable_checks`, scrubwatch.store.outages).
- A page that answers with a wall (bot challenge, consent, login, paywall) is a failed look,
  retried with the same backoff, but never reported gone, however long it lasts: the site
  is there, only not showing the article to us. It also ends a run of failures. So does a
  page too large to analyse (`max_page_elements`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from scrubwatch.fetch import header_value
from scrubwatch.model import (
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Change,
    ChangeKind,
)
from scrubwatch.pipeline.services import CheckResult, Services
from scrubwatch.politeness import retry_after_seconds
from scrubwatch.schedule import retry_after_failure
from scrubwatch.serialize import iso
from scrubwatch.store import CheckRecord, StaleCheck


def record_failure(
    services: Services,
    article: Article,
    fetched_at: datetime,
    error: str,
    capture: Capture | None,
) -> CheckResult:
    """The check failed; retry with backoff, and report the article gone if it persists."""
    assert article.id is not None
    capture = capture or Capture(
        article_id=article.id, fetched_at=fetched_at, url=article.url, outcome=CaptureOutcome.FAILED
    )
    capture = replace(capture, outcome=CaptureOutcome.FAILED, error=error)
    failures = article.consecutive_failures + 1
    retry = _retry_at(services, article, capture)
    change, state = _persistent_failure(services, article, capture, error, failures)
    # Reporting the article unreachable is judged against its state as read: if another
    # process recorded it meanwhile (perhaps the same deletion), judge again, once.
    record = CheckRecord(
        article=article,
        capture=capture,
        state=state,
        next_check_at=retry,
        change=change,
        judged=change is not None,
    )
    try:
        return CheckResult(article, services.store.record_check(record), change)
    except StaleCheck:
        fresh = services.store.article_by_id(article.id)
        if fresh is None or fresh == article:
            raise
        return record_failure(services, fresh, fetched_at, error, capture)


def record_blocked(
    services: Services, article: Article, capture: Capture, reason: str
) -> CheckResult:
    """A wall answered instead of the article: a failed look, retried with backoff.

    Nothing else moves: no change, the article keeps its state, latest version and fast
    hint, and the outlet's chrome model learns nothing from the wall.
    """
    return _failed_look(services, article, capture, CaptureOutcome.BLOCKED, f"blocked: {reason}")


def record_unrendered(
    services: Services, article: Article, capture: Capture, reason: str
) -> CheckResult:
    """The page answered but could not be rendered in the browser (no Chromium, a script
    that ran past the time cap): a failed look that leaves the article as it was. Reading
    the raw page instead would take a page whose text comes from scripts for an emptied
    one, so it is not read at all."""
    return _failed_look(services, article, capture, CaptureOutcome.FAILED, f"browser: {reason}")


def record_too_large(
    services: Services, article: Article, capture: Capture, reason: str
) -> CheckResult:
    """The page answered but is too large to analyse: archived, not compared, retried later.

    Like a wall, it is a failed look that leaves the article as it was and never counts
    towards "unreachable": the site is there, the page only outgrew `max_page_elements`.
    """
    return _failed_look(services, article, capture, CaptureOutcome.TOO_LARGE, reason)


def _failed_look(
    services: Services, article: Article, capture: Capture, outcome: CaptureOutcome, error: str
) -> CheckResult:
    """Record a look that saw no article although the site answered; only the schedule moves."""
    capture = replace(capture, outcome=outcome, error=error)
    retry = _retry_at(services, article, capture)
    record = CheckRecord(article=article, capture=capture, state=article.state, next_check_at=retry)
    return CheckResult(article, services.store.record_check(record), None)


def _retry_at(services: Services, article: Article, capture: Capture) -> datetime:
    """When to look again after a failed look: backoff by failures in a row (this one
    included), or later if the server asked for that with Retry-After (up to a day)."""
    fetched_at = capture.fetched_at
    failures = article.consecutive_failures + 1
    retry = retry_after_failure(now=fetched_at, consecutive_failures=failures, rng=services.rng)
    asked = (
        retry_after_seconds(header_value(capture.headers, "Retry-After"))
        if capture.status
        else None
    )
    if asked is not None:
        retry = max(retry, fetched_at + timedelta(seconds=min(asked, 86400)))
    return retry


def _persistent_failure(
    services: Services, article: Article, capture: Capture, error: str, failures: int
) -> tuple[Change | None, ArticleState]:
    settings, fetched_at = services.settings, capture.fetched_at
    if article.state != ArticleState.LIVE or not article.latest_version:
        return None, article.state
    assert article.id is not None
    since = services.store.failing_since(article.id) or fetched_at
    long_enough = fetched_at - since >= timedelta(hours=settings.gone_after_hours)
    if failures < settings.gone_after_failures or not long_enough:
        return None, article.state
    # The whole outlet refuses us (a block, a wall, a dead proxy): not this article's doing.
    if services.store.outlet_outages(settings.outlet_unreachable_checks, article.outlet_host):
        return None, article.state
    # `failures` counts blocked looks as well (they slow retries down): only failed ones
    # count towards "unreachable", and only since the last look that got an answer.
    failures = _failed_in_a_row(services, article.id)
    if failures < settings.gone_after_failures:
        return None, article.state
    summary = (
        f"Article unreachable since {iso(since)}: {failures} failed checks in a row (last: {error})"
    )
    change = Change(
        url=article.url,
        outlet=article.outlet_host,
        detected_at=fetched_at,
        kind=ChangeKind.DELETED,
        from_version=article.latest_version,
        to_version=None,
        summary=summary,
        extra={"failure": error, "failing_since": iso(since), "failed_checks": failures},
        source=capture.source,
    )
    return change, ArticleState.GONE


def _failed_in_a_row(services: Services, article_id: int) -> int:
    """Failed captures since the last capture that was not one, this check included.

    Read only when an article seems to have failed long enough to be reported gone.
    """
    count = 1
    for capture in reversed(services.store.captures(article_id)):
        if capture.outcome != CaptureOutcome.FAILED:
            break
        count += 1
    return count
