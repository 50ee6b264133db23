"""Turning what a capture showed into the records a check leaves: capture, version, change.

(Looks that saw no article, failed, blocked or too large, are recorded by `failures`.)

Rules a reader could not guess:
- A page that returns to an earlier version (A → B → A) gets that version's number back, and
  each transition is reported once: an outlet flipping between two headlines does not
  re-alert on every flip.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from scrubwatch.compare import compare_documents
from scrubwatch.deletion import describe_deletion
from scrubwatch.discover import canonical_target
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
    Version,
)
from scrubwatch.pipeline.linkblocks import without_changed_link_blocks
from scrubwatch.pipeline.services import CheckResult, Services
from scrubwatch.schedule import next_check
from scrubwatch.store import CheckRecord


class Keep:
    """Marker: leave the stored value as it is."""


KEEP = Keep()


def record_gone(
    services: Services,
    article: Article,
    capture: Capture,
    previous: Version | None,
    kind: DeletionKind,
    redirect_to: str | None,
) -> CheckResult:
    """The page is gone; report it once, when it was there before."""
    change = None
    if article.state == ArticleState.LIVE and previous is not None:
        change = _change(
            article,
            capture,
            ChangeKind.DELETED,
            previous.number,
            describe_deletion(kind, redirect_to),
            deletion=kind,
            redirect_to=redirect_to,
        )
    capture = replace(capture, outcome=CaptureOutcome.GONE, error=f"gone: {kind.value}")
    state = ArticleState.GONE if previous is not None else article.state
    return save(services, article, capture, state, change=change, fast_hint=None)


def record_document(
    services: Services,
    article: Article,
    capture: Capture,
    previous: Version | None,
    document: Document,
    hint: dict[str, object] | None,
    *,
    body: bytes | None = None,
    content_type: str | None = None,
) -> CheckResult:
    """An article was found: first version, unchanged, edited, restored or flipped back.

    Documents are compared without the outlet's learned chrome, nor the link-only blocks
    that came or went (`body` is the page the document was extracted from); versions are
    stored whole.
    """
    capture = replace(capture, outcome=CaptureOutcome.NEW_VERSION)
    if previous is None:
        return _first_version(services, article, capture, document, hint)
    diff = _compare(services, article, previous, document, body, content_type)
    restored = article.state == ArticleState.GONE
    if diff is None:
        capture = replace(capture, outcome=CaptureOutcome.UNCHANGED)
        change = _restored(article, capture, previous.number, None) if restored else None
        return save(services, article, capture, ArticleState.LIVE, change=change, fast_hint=hint)
    assert article.id is not None
    earlier = services.store.version_by_fingerprint(article.id, document.fingerprint())
    if earlier is not None:
        return _flip_back(services, article, capture, previous, earlier, diff, restored, hint)
    change = (
        _restored(article, capture, previous.number, diff)
        if restored
        else _edited(article, capture, previous.number, diff)
    )
    return save(
        services,
        article,
        capture,
        ArticleState.LIVE,
        new_document=document,
        change=change,
        fast_hint=hint,
    )


def _compare(
    services: Services,
    article: Article,
    previous: Version,
    document: Document,
    body: bytes | None,
    content_type: str | None,
) -> Diff | None:
    """What changed in the article, without the outlet's learned chrome on either side and
    without link-only blocks that came or went.

    The same extracted text is never a change, whatever the chrome model learned since the
    previous version was stored: that is settled before the model is consulted at all.
    """
    if document.fingerprint() == previous.document.fingerprint():
        return None
    old, new = without_changed_link_blocks(services, previous, document, body, content_type)
    chrome = services.chrome.for_host(article.outlet_host)
    return compare_documents(
        chrome.strip_document(old), chrome.strip_document(new), services.settings.watch_terms
    )


def _first_version(
    services: Services,
    article: Article,
    capture: Capture,
    document: Document,
    hint: dict[str, object] | None,
) -> CheckResult:
    """The first sight of an article: one article per canonical URL.

    A page that names another same-site URL as canonical takes that URL, unless another
    article already has it: then this one is a duplicate and is no longer checked.
    """
    assert article.id is not None
    target = canonical_target(article.url, document.canonical_url)
    if target is not None:
        if services.store.rename_article(article.id, target):
            article = replace(article, url=target)
        else:
            duplicate = replace(
                capture, outcome=CaptureOutcome.UNCHANGED, error=f"duplicate of {target}"
            )
            return save(services, article, duplicate, ArticleState.DUPLICATE, stop=True)
    return save(
        services, article, capture, ArticleState.LIVE, new_document=document, fast_hint=hint
    )


def _flip_back(
    services: Services,
    article: Article,
    capture: Capture,
    previous: Version,
    earlier: Version,
    diff: Diff,
    restored: bool,
    hint: dict[str, object] | None,
) -> CheckResult:
    """Back to an earlier version: reuse its number, report the transition only once."""
    assert article.id is not None
    seen = services.store.change_exists(article.id, previous.number, earlier.number)
    change = None
    if restored:
        change = _restored(article, capture, previous.number, diff)
    elif not seen:
        change = _edited(article, capture, previous.number, diff)
    if change is not None:
        change = replace(change, to_version=earlier.number)
    return save(
        services,
        article,
        capture,
        ArticleState.LIVE,
        change=change,
        reuse_version=earlier.number,
        fast_hint=hint,
    )


def save(
    services: Services,
    article: Article,
    capture: Capture,
    state: ArticleState,
    *,
    new_document: Document | None = None,
    change: Change | None = None,
    reuse_version: int | None = None,
    stop: bool = False,
    fast_hint: dict[str, object] | Keep | None = KEEP,
) -> CheckResult:
    """Write the check in one transaction and schedule the next one (none with `stop`).

    Raises StaleCheck when another process recorded the article since `article` was read.

    `fast_hint` replaces the article's fast re-check hint (None clears it); by default the
    stored one is kept.
    """
    now = capture.fetched_at
    policy = services.settings.policy_for(article.outlet_host)
    horizon = policy.horizon_days or services.settings.horizon_days
    due = (
        None
        if stop
        else next_check(
            now=now,
            first_seen=article.added_at or now,
            last_change_at=now if change is not None else article.last_change_at,
            horizon=timedelta(days=horizon),
            rng=services.rng,
            scale=policy.interval_scale,
        )
    )
    record = CheckRecord(
        article=article,
        capture=capture,
        state=state,
        next_check_at=due,
        new_document=new_document,
        change=change,
        reuse_version=reuse_version,
        fast_hint=None if isinstance(fast_hint, Keep) else fast_hint,
        replace_fast_hint=not isinstance(fast_hint, Keep),
        judged=True,
    )
    stored = services.store.record_check(record)
    if change is not None and new_document is not None:
        change = replace(change, to_version=stored.version)  # numbered by the store
    return CheckResult(article, stored, change)


def _change(
    article: Article,
    capture: Capture,
    kind: ChangeKind,
    from_version: int,
    summary: str,
    **fields: object,
) -> Change:
    return Change(
        url=article.url,
        outlet=article.outlet_host,
        detected_at=capture.fetched_at,
        kind=kind,
        from_version=from_version,
        to_version=None,
        summary=summary,
        source=capture.source,  # rebuilt from a web archive: the capture's file
        **fields,  # type: ignore[arg-type]
    )


def _edited(article: Article, capture: Capture, from_version: int, diff: Diff) -> Change:
    return _change(
        article,
        capture,
        ChangeKind.EDITED,
        from_version,
        diff.summary,
        severity=diff.severity,
        diff=diff,
    )


def _restored(article: Article, capture: Capture, from_version: int, diff: Diff | None) -> Change:
    if diff is None:
        change = _change(
            article, capture, ChangeKind.RESTORED, from_version, "Article restored unchanged"
        )
        return replace(change, to_version=from_version)
    summary = f"Article restored, with changes: {diff.summary}"
    return _change(article, capture, ChangeKind.RESTORED, from_version, summary, diff=diff)
